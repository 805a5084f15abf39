"""A lot recall: every patient treated with the lot, one letter each, however often it runs."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from dermadesk.charting.models import Lot, LotKind, RecallLetter
from dermadesk.charting.queries import patients_treated_with
from dermadesk.charting.services import AreaEntry, chart_open, chart_save, lot_recall
from dermadesk.charting.tests.factories import ARRIVED, CHARTED, lot, visit
from dermadesk.clinic.models import Location
from dermadesk.notifications.models import OutboundMessage
from dermadesk.patients.models import Patient
from dermadesk.patients.tests.factories import make_patient


def _treated(clinic: Location, patient: Patient, by: User, hour: int, **lots: Lot) -> None:
    booking = visit(clinic, patient, at=datetime(2026, 11, 26, hour, tzinfo=clinic.zone))
    chart = chart_open(booking=booking, by=by, now=ARRIVED)
    chart_save(chart=chart, values=lots, now=CHARTED,
               areas=[AreaEntry("cheeks", Decimal("1.00"), 2)])  # fmt: skip


@pytest.fixture
def recalled(clinic: Location, ada: Patient, jordan: User) -> Lot:
    """Cartridge lot C-1 used for Ada (twice) and Grace; C-2 for Ben; Ada's PRP kit K-1."""
    grace = make_patient(given_name="Grace", family_name="Hopper", email="grace@example.com")
    ben = make_patient(given_name="Ben", family_name="Franklin", email="ben@example.com")
    c1, c2, k1 = lot("C-1"), lot("C-2"), lot("K-1", kind=LotKind.PRP_KIT)
    _treated(clinic, ada, jordan, 8, cartridge_lot=c1, prp_kit_lot=k1)
    _treated(clinic, ada, jordan, 10, cartridge_lot=c1)
    _treated(clinic, grace, jordan, 12, cartridge_lot=c1)
    _treated(clinic, ben, jordan, 14, cartridge_lot=c2)
    return c1


def test_lot_recall_finds_exactly_the_patients_treated_with_that_lot(
    recalled: Lot, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = list(patients_treated_with(recalled))
    assert [p.full_name for p in found] == ["Grace Hopper", "Ada Lovelace"]  # by family name
    kit = Lot.objects.get(lot_number="K-1")
    assert [p.given_name for p in patients_treated_with(kit)] == ["Ada"]


def test_lot_recall_queues_one_letter_each_even_when_run_twice(
    recalled: Lot, manager: User
) -> None:
    first = lot_recall(lot=recalled, by=manager, now=CHARTED)
    assert (first.patients, first.queued) == (2, 2)
    again = lot_recall(lot=recalled, by=manager, now=CHARTED)
    assert (again.patients, again.queued) == (2, 0)
    letters = OutboundMessage.objects.filter(template_key="lot-recall").order_by("recipient")
    assert [m.recipient for m in letters] == ["ada@example.com", "grace@example.com"]
    assert RecallLetter.objects.filter(lot=recalled).count() == 2


def test_a_patient_treated_after_the_recall_gets_their_letter_on_the_next_run(
    clinic: Location, recalled: Lot, jordan: User, manager: User
) -> None:
    lot_recall(lot=recalled, by=manager, now=CHARTED)
    carl = make_patient(given_name="Carl", family_name="Sagan", email="carl@example.com")
    _treated(clinic, carl, jordan, 16, cartridge_lot=recalled)
    assert lot_recall(lot=recalled, by=manager, now=CHARTED).queued == 1


def test_the_recall_letter_says_what_the_patient_must_know_and_nothing_of_the_treatment(
    recalled: Lot, manager: User
) -> None:
    lot_recall(lot=recalled, by=manager, now=CHARTED)
    letter = OutboundMessage.objects.get(template_key="lot-recall", recipient="grace@example.com")
    assert letter.subject == "About a product used at your visit"
    assert "Hello Grace," in letter.text_body
    assert "Thursday 26 November 2026" in letter.text_body
    assert "12-pin nano cartridge, lot C-1" in letter.text_body
    for detail in ("mm", "cheek", "depth", "PRP", "screening"):
        assert detail not in letter.text_body
