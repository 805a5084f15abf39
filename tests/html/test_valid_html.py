"""The Nu HTML Checker finds no error on any public page or booking step.

Every page a visitor can reach is fetched with the test client, as a patient without
JavaScript walks through them: the public pages, the not-found page, the contact form with
mistakes, and the booking steps (treatment, day, time, a closed time and a time taken, the
course, details, health questions, consent, confirmation, the manage pages, the waitlist).
The HTML is saved to files and vnu (``vnu-jar`` from ``node_modules``, run by Java) checks
them all in one run. Marked ``html``: ``make test`` runs it once, on SQLite.
"""

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dermadesk.api.tests.calls import answers_for
from dermadesk.checkout.tests.signin import latest_code
from dermadesk.clinic.models import Location
from dermadesk.patients.models import Patient
from dermadesk.scheduling.models import Service
from dermadesk.website.models import Page

pytestmark = [pytest.mark.html, pytest.mark.django_db]

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # a Wednesday, 2pm in Springfield
DAY = "2026-11-27"
DETAILS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "(217) 555-0199",
    "date_of_birth": "1990-04-21",
}
SIGNATURE = {"typed_name": "Ada Lovelace", "policies": "on"}


class Pages:
    """The pages fetched so far, each named for what it shows, checked for its status."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.html: dict[str, str] = {}

    def keep(self, name: str, response: Any, status: int = 200) -> str:
        assert response.status_code == status, f"{name}: {response.status_code}, not {status}"
        assert response["Content-Type"].startswith("text/html"), name
        self.html[name] = response.content.decode()
        return self.html[name]

    def get(self, name: str, path: str, status: int = 200) -> str:
        return self.keep(name, self.client.get(path), status)

    def post(self, name: str, path: str, data: dict[str, Any], status: int = 200) -> str:
        """Post a form and keep the page it leads to (after its redirect, if any)."""
        return self.keep(name, self.client.post(path, data, follow=True), status)

    def redirect(self, path: str, data: dict[str, Any], to: str) -> None:
        response = self.client.post(path, data)
        assert response.status_code in (302, 303), f"{path}: {response.status_code}"
        assert response["Location"] == to, f"{path} led to {response['Location']}, not {to}"


@pytest.fixture
def clinic(db: None) -> Iterator[Location]:
    with time_machine.travel(NOW, tick=False):
        call_command("demo", verbosity=0)
        yield Location.objects.get(slug="springfield")


def start(location: Location, hour: int) -> str:
    return datetime.fromisoformat(f"{DAY}T{hour:02}:00").replace(tzinfo=location.zone).isoformat()


def public_pages(pages: Pages) -> None:
    for page in Page.objects.filter(published=True):
        pages.get(f"page {page.slug}", page.get_absolute_url())
    pages.get("not found", "/no-such-page/", status=404)
    pages.post("contact with mistakes", "/contact/send/", {"email": "not an address"}, 400)


def booking_steps(pages: Pages, location: Location) -> None:
    """A Micro-Needling visit booked from start to finish, and the manage pages after it."""
    pages.get("treatments", "/book/")
    for service in Service.objects.filter(active=True, bookable_online=True):
        pages.get(f"days {service.slug}", f"/book/{service.slug}/")
    pages.get("times", f"/book/micro-needling/{DAY}/")
    pages.post("closed time", "/book/micro-needling/hold/", {"start": start(location, 3)}, 409)
    pages.redirect("/book/micro-needling/hold/", {"start": start(location, 10)}, "/book/details/")
    pages.get("details", "/book/details/")
    pages.post("details with mistakes", "/book/details/", {"phone": "12"}, status=400)
    pages.redirect("/book/details/", DETAILS, "/book/verify/")
    pages.get("email code", "/book/verify/")
    pages.post("email code missing", "/book/verify/", {"code": ""}, status=400)
    pages.redirect("/book/verify/", {"code": latest_code(DETAILS["email"])}, "/book/screening/")
    pages.get("health questions", "/book/screening/")
    pages.post("health questions unanswered", "/book/screening/", {}, status=400)
    pages.redirect("/book/screening/", answers_for("micro-needling"), "/book/consent/")
    pages.get("consent", "/book/consent/")
    pages.post("consent not signed", "/book/consent/", {"typed_name": ""}, status=400)
    pages.redirect("/book/consent/", SIGNATURE, "/book/confirm/")
    pages.get("confirm", "/book/confirm/")
    done = pages.post("booked", "/book/confirm/", {})
    manage = re.search(r'href="(/book/manage/[^"/]+/)"', done)
    assert manage, "the confirmation links to no manage page"
    pages.get("manage", manage.group(1))
    pages.get("move: days", f"{manage.group(1)}move/")
    pages.get("move: times", f"{manage.group(1)}move/{DAY}/")
    pages.get("cancel", f"{manage.group(1)}cancel/")


def course_steps(pages: Pages, location: Location) -> None:
    """Micro-Needling with PRP: the course step; then its time taken by someone else."""
    hold = "/book/micro-needling-prp/hold/"
    pages.redirect(hold, {"start": start(location, 10)}, "/book/course/")
    pages.get("course", "/book/course/")
    pages.get("course of 4", "/book/course/?sessions=4")
    pages.post("course of 9", "/book/course/", {"sessions": "9"}, status=400)
    # Another patient holds the same time first (one centrifuge): this one is told, with others.
    other = Pages(Client())
    other.redirect(hold, {"start": start(location, 14)}, "/book/course/")
    pages.post("time taken", hold, {"start": start(location, 14)}, status=409)


def screening_outcome(pages: Pages, location: Location) -> None:
    """Answers that need a consultation first: the outcome page offers one."""
    client = Pages(Client())
    client.redirect("/book/micro-needling/hold/", {"start": start(location, 16)}, "/book/details/")
    client.redirect("/book/details/", {**DETAILS, "email": "grace@example.com"}, "/book/verify/")
    client.redirect("/book/verify/", {"code": latest_code("grace@example.com")}, "/book/screening/")
    answers = answers_for("micro-needling", pregnant="yes")
    client.post("consultation first", "/book/screening/", answers)
    pages.html.update(client.html)


def waitlist(pages: Pages) -> None:
    pages.get("waitlist", "/book/micro-needling/waitlist/")
    pages.post("waitlist with mistakes", "/book/micro-needling/waitlist/", {}, status=400)
    joined = {
        **{key: DETAILS[key] for key in ("given_name", "family_name", "email", "phone")},
        "first_day": DAY,
        "last_day": "2026-12-11",
        "parts_of_day": ["morning"],
    }
    pages.post("waitlist joined", "/book/micro-needling/waitlist/", joined)


def portal_pages(pages: Pages) -> None:
    """The portal: signing in from a fresh browser, then (as Ada, who booked above) every
    page of hers."""
    fresh = Pages(Client())
    fresh.get("portal sign-in", "/portal/")
    fresh.post("portal sign-in with mistakes", "/portal/", {"email": "nope"}, status=400)
    fresh.redirect("/portal/", {"email": "ada@example.com"}, "/portal/code/")
    fresh.get("portal code", "/portal/code/")
    fresh.post("portal code missing", "/portal/code/", {"code": ""}, status=400)
    pages.html.update(fresh.html)
    home = pages.get("portal home", "/portal/")
    visit = re.search(r'href="(/portal/visits/\d+/)"', home)
    assert visit, "the portal lists no visit"
    pages.get("portal visit", visit.group(1))
    pages.get("portal move: days", f"{visit.group(1)}move/")
    pages.get("portal move: times", f"{visit.group(1)}move/{DAY}/")
    pages.get("portal cancel", f"{visit.group(1)}cancel/")
    pages.get("portal messages", "/portal/messages/")
    pages.get("portal preferences", "/portal/preferences/")
    ada = Patient.objects.get(email="ada@example.com")
    pages.post("portal data", "/portal/data/request/", {"patient": ada.pk})


def vnu_errors(folder: Path) -> list[str]:
    """vnu's errors on every file in the folder, one line each: file, line, message."""
    java = shutil.which("java")
    assert java, "Java is missing: `make system` installs Debian's default-jre-headless"
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `npm ci` first"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html",
         str(folder)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(result.stderr or result.stdout)
    return [
        f"{Path(message['url']).name}:{message.get('lastLine', '?')}: {message['message']}"
        f"  [{' '.join(message.get('extract', '').split())}]"
        for message in report["messages"]
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


def test_every_public_page_and_booking_step_is_valid_html(
    client: Client, clinic: Location, tmp_path: Path
) -> None:
    pages = Pages(client)
    with time_machine.travel(NOW, tick=False):
        public_pages(pages)
        booking_steps(pages, clinic)
        portal_pages(pages)
        course_steps(pages, clinic)
        screening_outcome(pages, clinic)
        waitlist(pages)
    for number, (name, html) in enumerate(pages.html.items()):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
        (tmp_path / f"{number:02}-{slug}.html").write_text(html, encoding="utf-8")

    errors = vnu_errors(tmp_path)

    assert len(pages.html) >= 35, sorted(pages.html)  # each step above, none lost
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
