"""Display preferences of the accessibility toolbar, kept in one small cookie.

The cookie is read on the server so the page arrives already styled (no flash of the default
look, and it works without JavaScript); the toolbar's script writes the same format.
Format: tokens joined by ".", e.g. ``contrast.underline.size2``; unknown tokens are ignored.
"""

from dataclasses import dataclass, replace

COOKIE_NAME = "a11y"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
MIN_TEXT_SIZE = -1
MAX_TEXT_SIZE = 5
TOGGLES = ("contrast", "underline", "readable", "motion")
ACTIONS = ("larger", "smaller", "reset", *TOGGLES)
# Text size steps as a percentage of the browser's own size; site.css uses the same steps.
TEXT_PERCENT = {-1: "87.5", 0: "100", 1: "112.5", 2: "125", 3: "150", 4: "175", 5: "200"}


@dataclass(frozen=True, slots=True)
class Preferences:
    text_size: int = 0
    contrast: bool = False
    underline: bool = False
    readable: bool = False
    motion: bool = False

    @property
    def html_classes(self) -> str:
        return " ".join(f"a11y-{name}" for name in TOGGLES if getattr(self, name))

    @property
    def text_percent(self) -> str:
        return TEXT_PERCENT[self.text_size]

    def serialize(self) -> str:
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
        if action in TOGGLES:
            return replace(self, **{action: not getattr(self, action)})
        raise ValueError(f"Unknown accessibility action: {action!r}")


def parse(value: str | None) -> Preferences:
    if not value:
        return Preferences()
    tokens = set(value.split("."))
    text_size = 0
    for token in tokens:
        if token.startswith("size"):
            try:
                text_size = int(token.removeprefix("size"))
            except ValueError:
                continue
    return Preferences(
        text_size=max(MIN_TEXT_SIZE, min(MAX_TEXT_SIZE, text_size)),
        **{name: name in tokens for name in TOGGLES},  # type: ignore[arg-type]
    )
