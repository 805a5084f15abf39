"""Link secrets never reach the log: a manage link or a calendar feed that is wrong, expired
or revoked is answered with a 4xx, and Django logs the path it refused; the console handler
writes it with the secret replaced."""

import io
import logging
import logging.config
import re
import secrets
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from dermadesk.logs import REDACTED, logging_config, without_secrets


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the console handler writes, as the settings configure it."""
    logging.config.dictConfig(logging_config("INFO"))
    handler = next(h for h in logging.root.handlers if isinstance(h, logging.StreamHandler))
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        yield written
    finally:
        handler.setStream(previous)
        logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_a_refused_manage_link_or_feed_is_logged_without_its_secret(
    client: Client, console: io.StringIO
) -> None:
    manage_secret = secrets.token_urlsafe(32)
    feed_secret = secrets.token_urlsafe(32)
    assert client.get(f"/book/manage/{manage_secret}/").status_code in {404, 410}
    assert client.get(f"/feeds/{feed_secret}.ics").status_code == 404
    written = console.getvalue()
    assert "/book/manage/[secret]/" in written
    assert "/feeds/[secret].ics" in written
    assert manage_secret not in written
    assert feed_secret not in written


def test_the_development_servers_request_lines_go_through_the_same_filters() -> None:
    config = logging_config("INFO")
    assert config["loggers"]["django.server"]["handlers"] == ["console"]
    assert "redact_path_secrets" in config["handlers"]["console"]["filters"]


def test_signed_tokens_and_query_secrets_are_redacted_and_plain_paths_kept() -> None:
    signed = "eyJiIjo0Mn0:1vQx7A:Zk3l0_pP1oQyV2v9XcL2tWm8aYbC"
    assert without_secrets(f"GET /aftercare/{signed}/ HTTP/1.1") == (
        f"GET /aftercare/{REDACTED}/ HTTP/1.1"
    )
    assert without_secrets("Not Found: /book/?token=abcdefghijklmnopqrstuvwxyz") == (
        f"Not Found: /book/?token={REDACTED}"
    )
    for kept in [
        "Not Found: /staff/patients/42/",
        "GET /static/css/site.3f2a9c1b7e4d.css HTTP/1.1",
        "Bad Request: /staff/inbox/2/note/",
        "GET /treatments/micro-needling-with-prp/ HTTP/1.1",
        "Starting worker worker_id=Zk3l0pP1oQyV2v9XcL2tWm8aYbC queues=default",
    ]:
        assert without_secrets(kept) == kept


URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:"


@given(st.text(alphabet=URL_SAFE, min_size=20, max_size=64))
def test_a_long_segment_is_redacted_unless_it_is_shaped_like_a_slug(segment: str) -> None:
    line = f"Not Found: /book/manage/{segment}/"
    slug_shaped = re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", segment) is not None
    assert (segment in without_secrets(line)) == slug_shaped


def test_random_secrets_as_the_app_makes_them_are_always_redacted() -> None:
    for _ in range(2000):
        secret = secrets.token_urlsafe(32)
        assert secret not in without_secrets(f"Not Found: /feeds/{secret}.ics")
