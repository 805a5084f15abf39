"""The photo pages, full (a checked-in session with photos before and after, a rating, a
consent given), are valid HTML: the sweep's rows reach them only empty."""

from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.photos.tests import images
from dermadesk.photos.tests.conftest import THURSDAY_8_AM
from dermadesk.scheduling.services import booking_check_in
from dermadesk.staff.tests.people import signed_in
from dermadesk.staff.tests.sweep import NOW, world_build
from tests.html.test_valid_html import clinic, vnu_errors

__all__ = ["clinic"]
pytestmark = [pytest.mark.html, pytest.mark.django_db]


def test_the_photo_pages_with_photos_are_valid_html(clinic: Location, tmp_path: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        world = world_build(clinic)
    ada, visit = world.patient_of_clin1, world.visit_of_clin1
    booking_check_in(booking=visit, by=world.users["clin1"], now=THURSDAY_8_AM)
    client = signed_in(Client(), world.users["clin1"])
    given = client.post(
        f"/staff/patients/{ada.pk}/photo-consent/", {"purpose": "chart", "change": "give"}
    )
    assert given.status_code == 302
    client.post(f"/staff/patients/{ada.pk}/photo-consent/", {"purpose": "teaching",
                                                              "change": "give"})  # fmt: skip
    for moment in ("before", "after"):
        upload = SimpleUploadedFile("IMG.jpg", images.jpeg_with_gps(), content_type="image/jpeg")
        response = client.post(
            f"/staff/visits/{visit.pk}/photos/",
            {"area": "perioral", "moment": moment, "image": upload},
        )
        assert response.status_code == 302
    client.post(f"/staff/visits/{visit.pk}/rating/", {"rater": "patient", "score": "3"})
    refused = client.post(
        f"/staff/visits/{visit.pk}/photos/",
        {"area": "neck", "image": SimpleUploadedFile("a.jpg", b"words")},
    )
    assert refused.status_code == 400
    pages = {
        "visit-photos": client.get(f"/staff/visits/{visit.pk}/photos/"),
        "visit-photos-refused": refused,
        "results": client.get(f"/staff/patients/{ada.pk}/results/"),
        "record": client.get(f"/staff/patients/{ada.pk}/"),
    }
    assert "<caption>Around the mouth</caption>" in pages["results"].content.decode()
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)

    errors = vnu_errors(tmp_path)

    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
