"""The starting text of the consent documents, loaded into the database by ``manage.py demo``."""

import tomllib
from pathlib import Path
from typing import Any

CONSENTS_FILE = Path(__file__).with_name("consents.toml")


def load_consents() -> list[dict[str, Any]]:
    """Each document's kind, title, body (Markdown), required flag and service slugs."""
    with CONSENTS_FILE.open("rb") as handle:
        documents = tomllib.load(handle)["document"]
    return [
        {
            "kind": document["kind"],
            "title": document["title"],
            "required": document["required"],
            "services": list(document["services"]),
            "body": document["body"].strip(),
        }
        for document in documents
    ]
