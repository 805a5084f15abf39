"""Attack dermadesk as a stranger would, against a production-like server, and count.

Runs gunicorn (4 workers, ``DEBUG=0``) on a fresh SQLite database in a temporary folder with
the demo clinic, then tries the attacks issue 13 describes, over real HTTP:

- someone else's record reached with only an email and a date of birth (pages and API);
- one client emptying the calendar (holds, extensions, the waitlist);
- the API's rate limit bypassed with forged ``X-Forwarded-For`` headers;
- inputs that used to give a 500;
- manage links that outlive a change, or that the API hands out again.

Each line says what was tried and whether it was refused. Not a test (it prints figures for
the closing note and ``docs/``): ``.venv/bin/python scripts/probe.py``.
"""

import http.cookiejar
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from lighthouse import (  # noqa: E402 -- the audit's production-like server, reused
    HOST,
    VENV_BIN,
    free_port,
    prepare_site,
    server_environment,
    stop_server,
    wait_until_up,
)

WORKERS = 4
VICTIM = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "(217) 555-0199",
    "date_of_birth": "1990-04-21",
}
STRANGER = VICTIM | {"given_name": "Mallory", "family_name": "Stone"}


class Answer:
    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.status, self.body, self.headers = status, body, headers

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Browser:
    """A client with its own cookies (a browser session), speaking plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None,
        body: Any = None, headers: dict[str, str] | None = None,
    ) -> Answer:  # fmt: skip
        sent = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode() if not isinstance(body, bytes) else body
            sent.setdefault("Content-Type", "application/json")
        elif data is not None:
            payload = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": self._csrf()}).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = self._csrf()
        url = self.base + urllib.parse.quote(path, safe="/?=&%:+")
        request = urllib.request.Request(url, data=payload, headers=sent, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), dict(error.headers))

    def get(self, path: str, **more: Any) -> Answer:
        return self.request("GET", path, **more)

    def post(self, path: str, data: dict[str, str] | None = None, **more: Any) -> Answer:
        if "csrftoken" not in {c.name for c in self.jar} and not path.startswith("/api/"):
            self.get("/contact/")  # a page with a form: it sets the CSRF cookie
        return self.request("POST", path, data=data if data is not None else {}, **more)

    def api(self, path: str, body: Any, **more: Any) -> Answer:
        return self.request("POST", path, body=body, **more)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


Result = tuple[str, bool, str]


def _orm() -> None:
    import django

    django.setup()


def latest_code(email: str) -> str:
    import re

    from dermadesk.notifications.models import OutboundMessage

    message = OutboundMessage.objects.filter(
        template_key="patient-sign-in-code", recipient__iexact=email
    ).latest("pk")
    found = re.search(r"\b(\d{6})\b", message.text_body)
    return found.group(1) if found else ""


def fresh_window() -> None:
    """Before a fair-use probe: the rate counters start afresh (as the next window would)."""
    from dermadesk.limits.models import RateCounter

    RateCounter.objects.all().delete()


def let_holds_go() -> None:
    """Between probes: the times held so far are let go (as their expiry would)."""
    from django.utils import timezone

    from dermadesk.scheduling.models import Booking, BookingStatus
    from dermadesk.scheduling.services import booking_cancel

    for held in Booking.objects.filter(status=BookingStatus.HELD):
        booking_cancel(booking=held, now=timezone.now())


def free_starts(browser: Browser, slug: str, days: int = 14) -> list[str]:
    today = datetime.now(UTC).date()
    answer = browser.get(
        f"/api/services/{slug}/availability?start={today}&end={today + timedelta(days=days)}"
    )
    return [slot["start"] for slot in answer.json()["slots"]] if answer.status == 200 else []


def answers(browser: Browser, slug: str, **yes: str) -> dict[str, str]:
    out = {}
    for question in browser.get(f"/api/services/{slug}/questions").json():
        if question["answer_type"] == "yes_no":
            out[question["key"]] = "no"
        elif question["choices"]:
            out[question["key"]] = question["choices"][0]["value"]
    return out | yes


def proof(browser: Browser, email: str) -> str:
    browser.api("/api/email-codes", {"email": email})
    answer = browser.api("/api/email-proofs", {"email": email, "code": latest_code(email)})
    return str(answer.json().get("email_proof", "")) if answer.status == 201 else ""


def api_book(browser: Browser, start: str, person: dict[str, str], given: dict[str, str],
             email_proof: str = "") -> Answer:  # fmt: skip
    held = browser.api(
        "/api/holds", {"service": "micro-needling", "location": "springfield", "start": start}
    )
    if held.status != 201:
        return held
    return browser.api("/api/bookings", {
        "hold_id": held.json()["hold_id"], "patient": person, "answers": given,
        "email_proof": email_proof,
        "consent": {"typed_name": f"{person['given_name']} {person['family_name']}",
                    "accept_policies": True},
    })  # fmt: skip


def identity_probes(base: str) -> list[Result]:
    from dermadesk.patients.models import Patient

    results: list[Result] = []
    victim = Browser(base)
    starts = free_starts(victim, "micro-needling")
    weak = answers(victim, "micro-needling", immunosuppressed="yes", blood_thinners="yes",
                   skin_type="II")  # fmt: skip
    refused = api_book(victim, starts[0], VICTIM, weak, proof(victim, VICTIM["email"]))
    fine = api_book(victim, starts[3], VICTIM, answers(victim, "micro-needling", skin_type="II"),
                    proof(victim, VICTIM["email"]))  # fmt: skip
    if refused.status != 422 or fine.status != 201:
        raise RuntimeError(f"the victim's own bookings failed: {refused.text} {fine.text}")
    let_holds_go()

    stranger = Browser(base)
    answer = api_book(stranger, starts[5], VICTIM, answers(stranger, "micro-needling"))
    leaked = "weakened" in answer.text or "Lovelace" in answer.text
    results.append(("API: a stranger books with her email + date of birth, no proof",
                    answer.status in (401, 403) and not leaked, f"{answer.status}"))  # fmt: skip
    let_holds_go()

    web = Browser(base)
    web.get("/book/micro-needling/")
    web.post("/book/micro-needling/hold/", {"start": starts[6]})
    details = web.post("/book/details/", STRANGER)
    confirm = web.get("/book/confirm/")
    booked = web.post("/book/confirm/")
    shown = "Lovelace" in confirm.text or "Lovelace" in booked.text
    results.append(("Pages: a stranger's details with her email + date of birth reach "
                    "screening, consent or the confirm page",
                    not shown and booked.status == 302
                    and booked.headers.get("Location") == "/book/verify/",
                    f"details → {details.headers.get('Location')}, confirm → "
                    f"{confirm.headers.get('Location')}"))  # fmt: skip
    let_holds_go()

    before = Patient.objects.get(email__iexact=VICTIM["email"]).skin_type
    made_up = answers(web, "micro-needling", pregnant="yes", skin_type="VI")
    overwrite = api_book(Browser(base), starts[7], STRANGER, made_up)
    web2 = Browser(base)
    web2.post("/book/micro-needling/hold/", {"start": starts[8]})
    web2.post("/book/details/", STRANGER)
    web2.post("/book/screening/", made_up)
    after = Patient.objects.get(email__iexact=VICTIM["email"]).skin_type
    let_holds_go()
    fresh_window()
    own = api_book(victim, starts[9], VICTIM, {}, proof(victim, VICTIM["email"]))
    results.append(("A stranger answers 'pregnant' and skin type VI on her record",
                    before == after and overwrite.status in (401, 403) and own.status == 201,
                    f"skin type {before}→{after}, her own next booking {own.status}"))  # fmt: skip
    let_holds_go()
    return results


def fair_use_probes(base: str) -> list[Result]:
    results: list[Result] = []
    fresh_window()
    client = Browser(base)
    starts = free_starts(client, "micro-needling", days=3)
    where = {"service": "micro-needling", "location": "springfield"}
    held = [client.api("/api/holds", where | {"start": s}).status for s in starts[:16]]
    taken = held.count(201)
    results.append(("API: one client holds 16 times in a row", taken <= 3,
                    f"{taken} held, {held.count(429)} refused with 429"))  # fmt: skip
    let_holds_go()

    fresh_window()
    page = Browser(base)
    page.get("/book/micro-needling/")
    statuses = [page.post("/book/micro-needling/hold/", {"start": s}).status for s in starts[:13]]
    from dermadesk.scheduling.models import Booking, BookingStatus

    live = Booking.objects.filter(status=BookingStatus.HELD).count()
    results.append(("Pages: one session holds 13 times in a row", live <= 3,
                    f"{live} live holds after 13 tries ({statuses.count(429)} × 429)"))  # fmt: skip
    extended = [page.post("/book/hold/extend/", {"next": "/book/details/"}).status
                for _ in range(10)]  # fmt: skip
    from dermadesk.scheduling.models import Booking as B

    latest = B.objects.filter(status=BookingStatus.HELD).order_by("-pk").first()
    extensions = getattr(latest, "hold_extensions", None)
    results.append((
        "Pages: a hold extended 10 times", extensions is not None and extensions <= 3,
        f"extensions recorded: {extensions}, answers {sorted(set(extended))}",
    ))  # fmt: skip
    let_holds_go()

    fresh_window()
    waiter = Browser(base)
    today = datetime.now(UTC).date()
    accepted = 0
    for number in range(30):
        answer = waiter.post("/book/micro-needling/waitlist/", {
            "first_day": str(today + timedelta(days=1)),
            "last_day": str(today + timedelta(days=20)),
            "parts_of_day": "morning", "given_name": "W", "family_name": f"Aiter{number}",
            "email": f"w{number}@example.com", "phone": "(217) 555-0100",
        })  # fmt: skip
        accepted += answer.status == 200
    from dermadesk.notifications.models import OutboundMessage

    mails = OutboundMessage.objects.filter(recipient__startswith="w").count()
    results.append(("Pages: one address joins the waitlist 30 times", accepted <= 5,
                    f"{accepted} accepted, {mails} emails queued"))  # fmt: skip

    fresh_window()
    forged = Browser(base)
    codes = [forged.get("/api/services", headers={"X-Forwarded-For": str(uuid.uuid4().int % 2**32)})
             .status for _ in range(130)]  # fmt: skip
    results.append((
        "API: 130 requests, each with a new forged X-Forwarded-For", 429 in codes,
        f"{codes.count(200)} × 200, {codes.count(429)} × 429",
    ))  # fmt: skip
    return results


def input_probes(base: str) -> list[Result]:
    client = Browser(base)
    client.get("/book/micro-needling/")
    tries: list[tuple[str, Callable[[], Answer]]] = [
        ("a day in 9999", lambda: client.get("/book/micro-needling/9999-12-31/")),
        ("a day in year 1", lambda: client.get("/book/micro-needling/0001-01-01/")),
        ("?month=99999999999-1", lambda: client.get("/book/micro-needling/?month=99999999999-1")),
        ("page hold at year 1", lambda: client.post("/book/micro-needling/hold/",
                                                    {"start": "0001-01-01T00:00:00+00:00"})),
        ("page hold at year 9999", lambda: client.post("/book/micro-needling/hold/",
                                                       {"start": "9999-12-31T23:00:00+00:00"})),
        ("API hold at year 1", lambda: client.api("/api/holds", {
            "service": "micro-needling", "location": "springfield",
            "start": "0001-01-01T00:00:00+00:00"})),
        ("API hold at year 9999", lambda: client.api("/api/holds", {
            "service": "micro-needling", "location": "springfield",
            "start": "9999-12-31T23:00:00+00:00"})),
        ("NUL in a name (API)", lambda: client.api("/api/holds", {
            "service": "micro\x00needling", "location": "springfield",
            "start": "2030-01-01T10:00:00+00:00"})),
        ("NUL in a location", lambda: client.get("/api/locations?x=%00")),
        ("NUL in a path segment", lambda: client.get("/book/micro%00needling/")),
        ("3 MB JSON body", lambda: client.api("/api/holds", b"{" + b" " * 3_000_000 + b"}")),
    ]  # fmt: skip
    results = []
    for name, attempt in tries:
        answer = attempt()
        ok = 400 <= answer.status < 500
        if name.startswith(("API", "NUL in a name", "3 MB")):
            ok = ok and "problem+json" in answer.headers.get("Content-Type", "")
        results.append((f"Input: {name}", ok, str(answer.status)))
    let_holds_go()
    return results


def link_probes(base: str) -> list[Result]:
    results: list[Result] = []
    client = Browser(base)
    starts = free_starts(client, "micro-needling")
    booked = api_book(client, starts[-1], VICTIM, {}, proof(client, VICTIM["email"]))
    token = booked.json()["manage_token"]
    again = client.get(f"/api/bookings/{token}").json().get("manage_token")
    results.append(("API: reading a booking hands out a new manage token", again == token,
                     "the same token" if again == token else "a new one"))  # fmt: skip
    moved = client.api(f"/api/bookings/{token}/reschedule", {"start": starts[-2]})
    new = moved.json().get("manage_token", "")
    old_status = client.get(f"/api/bookings/{token}").status
    results.append(
        (
            "The link from before a change still works",
            old_status == 404,
            f"old link {old_status}, new link {client.get(f'/api/bookings/{new}').status}",
        )
    )
    from dermadesk.notifications.models import OutboundMessage

    clear = sum(new in (m.hide_private(m.text_body)) for m in OutboundMessage.objects.all())
    results.append(("Staff screens show a working manage link", clear == 0,
                    f"{clear} outbox rows show one"))  # fmt: skip
    return results


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="dermadesk-probe-") as folder:
        env = server_environment(Path(folder)) | {"LOG_LEVEL": "WARNING"}
        prepare_site(env)
        os.environ.update({k: env[k] for k in ("DERMADESK_VAR_DIR", "SECRET_KEY", "DEBUG")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dermadesk.settings")
        _orm()
        port = free_port()
        import subprocess

        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "dermadesk.wsgi", "-b", f"{HOST}:{port}",
             "-w", str(WORKERS), "--no-control-socket", "--log-level=warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            base = f"http://{HOST}:{port}"
            wait_until_up(base, server)
            results = []
            for probes in (identity_probes, input_probes, link_probes, fair_use_probes):
                try:
                    results += probes(base)
                except Exception as error:  # a probe that breaks is reported, not hidden
                    results.append((f"{probes.__name__} stopped", False, repr(error)[:200]))
        finally:
            stop_server(server)
    refused = sum(ok for _, ok, _ in results)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, gunicorn × {WORKERS}, DEBUG=0\n")
    for name, ok, detail in results:
        print(f"{'refused ' if ok else 'GOT IN  '} {name}: {detail}")
    print(f"\n{len(results)} attacks tried, {refused} refused.")


if __name__ == "__main__":
    main()
