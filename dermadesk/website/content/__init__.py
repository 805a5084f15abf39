"""The starting text of the public pages, loaded into the database by ``manage.py demo``."""

import tomllib
from pathlib import Path
from typing import Any

PAGES_FILE = Path(__file__).with_name("pages.toml")


def load_pages() -> list[dict[str, Any]]:
    """Page fields as the ``Page`` model names them, in menu order.

    ``book`` is the slug of the service the page's booking link goes to ("" for none); the
    demo command turns it into the ``book_service`` row.
    """
    with PAGES_FILE.open("rb") as handle:
        pages = tomllib.load(handle)["page"]
    return [
        {
            "slug": page["slug"],
            "kind": page["kind"],
            "display_order": page["order"],
            "title": page["title"],
            "nav_title": page["nav_title"],
            "seo_title": page["seo_title"],
            "seo_description": page["seo_description"],
            "body": page["body"].strip(),
            "book": page.get("book", ""),
        }
        for page in pages
    ]
