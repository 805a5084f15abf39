"""The demo clinic's consent documents (version 1 of each kind, published)."""

from datetime import datetime

from dermadesk.patients.content import load_consents
from dermadesk.patients.models import ConsentDocument
from dermadesk.scheduling.models import Service


def create_demo_consents(*, now: datetime) -> int:
    """Publish the three consent documents; returns how many rows it created.

    A kind that has any version already is left alone (staff edits are kept). Needs the
    demo services.
    """
    services = {service.slug: service for service in Service.objects.all()}
    created = 0
    for spec in load_consents():
        if ConsentDocument.objects.filter(kind=spec["kind"]).exists():
            continue
        document = ConsentDocument.objects.create(
            kind=spec["kind"],
            title=spec["title"],
            body=spec["body"],
            required=spec["required"],
            published_at=now,
        )
        document.services.set([services[slug] for slug in spec["services"]])
        created += 1
    return created
