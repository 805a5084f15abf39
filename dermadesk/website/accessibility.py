"""Display preferences of the accessibility toolbar, kept in one small cookie.

The cookie is read on the server so the page arrives already styled (no flash of the default
look, and it works without JavaScript); the toolbar's script (static/js/site.js) writes the
same format. Format: tokens joined by ".", e.g. ``contrast.underline.size2``; unknown tokens
are ignored, so an old or tampered cookie never breaks a page.
"""

import re
from dataclasses import dataclass, replace

COOKIE_NAME = "a11y"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Longer than any valid value ("contrast.underline.readable.motion.size-1" is 41 characters).
MAX_COOKIE_LENGTH = 100
MIN_TEXT_SIZE = -1
MAX_TEXT_SIZE = 5
TOGGLES = ("contrast", "underline", "readable", "motion")
ACTIONS = ("larger", "smaller", "reset", *TOGGLES)
# Text size steps as a percentage of the browser's own size; site.css and site.js use the same.
TEXT_PERCENT = {-1: "87.5", 0: "100", 1: "112.5", 2: "125", 3: "150", 4: "175", 5: "200"}
_SIZE_TOKEN = re.compile(r"size(-?[0-9])")


@dataclass(frozen=True, slots=True)
class Preferences:
    text_size: int = 0
    contrast: bool = False
    underline: bool = False
    readable: bool = False
    motion: bool = False

    @property
    def html_classes(self) -> str:
        """The classes for <html>, e.g. ``a11y-contrast a11y-motion``."""
        return " ".join(f"a11y-{name}" for name in TOGGLES if getattr(self, name))

    @property
    def text_percent(self) -> str:
        return TEXT_PERCENT[self.text_size]

    @property
    def is_smallest_text(self) -> bool:
        return self.text_size <= MIN_TEXT_SIZE

    @property
    def is_largest_text(self) -> bool:
        return self.text_size >= MAX_TEXT_SIZE

    @property
    def is_default(self) -> bool:
        return self == Preferences()

    def serialize(self) -> str:
        """The cookie value; empty for the default look."""
        tokens = [name for name in TOGGLES if getattr(self, name)]
        if self.text_size:
            tokens.append(f"size{self.text_size}")
        return ".".join(tokens)

    def apply(self, action: str) -> "Preferences":
        """The preferences after pressing one toolbar button."""
        if action == "reset":
            return Preferences()
        if action == "larger":
            return replace(self, text_size=min(self.text_size + 1, MAX_TEXT_SIZE))
        if action == "smaller":
            return replace(self, text_size=max(self.text_size - 1, MIN_TEXT_SIZE))
        if action == "contrast":
            return replace(self, contrast=not self.contrast)
        if action == "underline":
            return replace(self, underline=not self.underline)
        if action == "readable":
            return replace(self, readable=not self.readable)
        if action == "motion":
            return replace(self, motion=not self.motion)
        raise ValueError(f"Unknown accessibility action: {action!r}")


def parse(value: str | None) -> Preferences:
    """Preferences from the cookie value; anything unreadable counts as the default."""
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return Preferences()
    tokens = value.split(".")
    sizes = [int(match[1]) for token in tokens if (match := _SIZE_TOKEN.fullmatch(token))]
    text_size = sizes[0] if sizes else 0
    return Preferences(
        text_size=max(MIN_TEXT_SIZE, min(MAX_TEXT_SIZE, text_size)),
        contrast="contrast" in tokens,
        underline="underline" in tokens,
        readable="readable" in tokens,
        motion="motion" in tokens,
    )
