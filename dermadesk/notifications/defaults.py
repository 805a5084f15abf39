"""The messages as first written (``content/messages.toml``): seeds, fallbacks and samples.

A test checks that every ``TemplateKey`` has exactly one entry here.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dermadesk.notifications.rendering import Clinic, TemplateTexts

CONTENT = Path(__file__).resolve().parent / "content" / "messages.toml"

# Shown in previews and test sends when no clinic location exists yet.
SAMPLE_CLINIC = Clinic(
    name="Your clinic's name",
    phone="(555) 010-0100",
    email="clinic@example.com",
    time_zone="UTC",
    address_lines=("Your clinic's street address", "Town, region and postal code"),
)


@dataclass(frozen=True)
class DefaultMessage:
    key: str
    context: str
    """The variables the caller passes, for staff editing the template."""
    texts: TemplateTexts
    sample: dict[str, Any]


@cache
def default_messages() -> dict[str, DefaultMessage]:
    with CONTENT.open("rb") as file:
        data = tomllib.load(file)
    messages = {}
    for entry in data["message"]:
        key = str(entry["key"])
        messages[key] = DefaultMessage(
            key=key,
            context=entry["context"],
            texts=TemplateTexts(
                subject=entry["subject"],
                text=entry["text"],
                html=entry["html"],
                sms=entry["sms"],
            ),
            sample=dict(entry["sample"]),
        )
    return messages
