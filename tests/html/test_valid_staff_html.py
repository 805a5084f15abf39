"""The Nu HTML Checker finds no error on any page of the back office.

The pages are the authorization sweep's rows (``dermadesk/staff/tests/sweep_*.py``), so a
page added to the back office is checked here as soon as it has its row: every GET row is
fetched by a member who may open it (a manager, else the treating clinician, else the front
desk; the sign-in steps anonymously), and each HTML page it answers is checked by vnu with
the public pages' checker. Marked ``html``: ``make test`` runs it once, on SQLite.
"""

import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from dermadesk.clinic.models import Location
from dermadesk.staff.tests.people import signed_in
from dermadesk.staff.tests.sweep import NOW, Row, World, world_build
from dermadesk.staff.tests.test_authorization_sweep import ROWS
from tests.html.test_valid_html import clinic, vnu_errors

__all__ = ["clinic"]
pytestmark = [pytest.mark.html, pytest.mark.django_db]

# Who opens a page, in this order of preference: the widest view first.
OPENERS = ("mgr1", "clin1", "desk1")


def _opener(row: Row) -> str | None:
    if row.public:
        return None
    return next(key for key in OPENERS if key in row.allowed)


def test_every_back_office_page_is_valid_html(clinic: Location, tmp_path: Path) -> None:
    pages: dict[str, str] = {}
    with time_machine.travel(NOW, tick=False):
        world: World = world_build(clinic)
        clients = {key: signed_in(Client(), world.users[key]) for key in OPENERS}
        for row in ROWS:
            if row.method != "GET" or row.api or not (row.allowed or row.public):
                continue
            opener = _opener(row)
            client = Client() if opener is None else clients[opener]
            response = client.get(row.path(world))
            assert response.status_code < 500, f"{row.name}: {response.status_code}"
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages[row.name] = response.content.decode()
    for number, (name, html) in enumerate(sorted(pages.items())):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
        (tmp_path / f"{number:02}-{slug}.html").write_text(html, encoding="utf-8")

    errors = vnu_errors(tmp_path)

    assert len(pages) >= 20, sorted(pages)  # the calendar, records, inbox, reports, audit...
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
