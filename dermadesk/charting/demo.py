"""The demo clinic's stock list: two cartridge lots and a PRP kit lot, in date."""

from datetime import date, timedelta

from dermadesk.charting.models import Lot, LotKind

LOTS = [
    (LotKind.CARTRIDGE, "12-pin nano cartridge", "NC12-2601"),
    (LotKind.CARTRIDGE, "36-pin cartridge", "C36-2602"),
    (LotKind.PRP_KIT, "PRP kit 10 ml", "PRP10-2603"),
]


def create_demo_lots(*, today: date) -> int:
    """The demo lots, expiring a year from ``today``; returns how many rows it created."""
    return sum(
        Lot.objects.get_or_create(
            kind=kind, product=product, lot_number=number,
            defaults={"expires_on": today + timedelta(days=365)},
        )[1]
        for kind, product, number in LOTS
    )  # fmt: skip
