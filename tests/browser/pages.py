"""The public pages the browser tests visit, known before the database exists.

Parametrized tests need their list at collection time, so it comes from the demo content that
``manage.py demo`` loads; ``test_every_published_page_is_audited`` checks that it still
matches the Page rows.
"""

import pytest

from dermadesk.website.content import load_pages

NOT_FOUND_PATH = "/no-such-page/"


def page_path(slug: str) -> str:
    return "/" if slug == "home" else f"/{slug}/"


DEMO_PAGE_PATHS = [page_path(fields["slug"]) for fields in load_pages()]
AUDITED_PAGES = [
    *(pytest.param(path, id=path.strip("/") or "home") for path in DEMO_PAGE_PATHS),
    pytest.param(NOT_FOUND_PATH, id="not-found"),
]
