"""How dermadesk logs: one console handler, and two of Django's loggers kept above DEBUG.

``LOGGING`` in the settings is ``logging_config(LOG_LEVEL)``. Two of Django's loggers write
patient data at DEBUG, so they are never below INFO, whatever ``LOG_LEVEL`` says:

- ``django.db.backends`` writes every query *with its parameters*: names, email addresses,
  dates of birth, phone numbers and screening answers (with ``DEBUG=1`` or a forced debug
  cursor only, but a developer may run ``LOG_LEVEL=DEBUG`` on a copy of real data);
- ``django.template`` writes, for each variable a template cannot resolve, a traceback
  whose message prints the whole template context: on the booking pages, the patient's
  details.

Django's own defaults keep them at INFO too (its ``django`` logger); this holds even if a
later change opens ``django`` to DEBUG. To see queries while developing, read
``connection.queries`` or use a debugger.

And a database error's text can quote the row it failed on (PostgreSQL: ``Key (email,
date_of_birth)=(ada@example.com, 1990-04-21) already exists``). Should one ever reach
Django's "Internal Server Error" log, ``WithholdDatabaseErrorText`` on the console handler
keeps its traceback (where it happened) and withholds its text.
"""

import logging
import re
import sqlite3
import traceback
from typing import Any

import psycopg
from django.db import Error as DjangoDatabaseError

DATABASE_ERRORS = (DjangoDatabaseError, psycopg.Error, sqlite3.Error)
WITHHELD = "(text withheld: a database error can quote the data of the row it failed on)"


def _chain(error: BaseException) -> list[BaseException]:
    """The error and those it came from (``raise … from``, or raised while handling)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def traceback_without_database_text(error: BaseException) -> str | None:
    """The traceback of ``error`` with every database error's text withheld; None when no
    database error is in its chain (its usual traceback is fine)."""
    chain = _chain(error)
    if not any(isinstance(link, DATABASE_ERRORS) for link in chain):
        return None
    text = ""
    for link in reversed(chain):  # oldest first, as Python prints a chain
        if text:
            text += (
                "\n\nThe above exception was the direct cause of the following exception:\n\n"
                if link.__cause__ is not None
                else "\n\nDuring handling of the above exception, another exception occurred:\n\n"
            )
        said = WITHHELD if isinstance(link, DATABASE_ERRORS) else str(link)
        text += "Traceback (most recent call last):\n"
        text += "".join(traceback.format_tb(link.__traceback__))
        text += f"{type(link).__module__}.{type(link).__qualname__}: {said}"
    return text


class WithholdDatabaseErrorText(logging.Filter):
    """On a handler: a logged database error keeps its traceback and loses its text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            withheld = traceback_without_database_text(record.exc_info[1])
            if withheld is not None:
                record.exc_text = withheld  # the formatter prints this instead
        return True


# A secret in a path or a query: a manage link's or a calendar feed's random secret, a signed
# token (django.core.signing: base64 and colons). Twenty characters or more of those
# alphabets after a slash or as a query's value (``?token=``; not a log line's own
# ``worker_id=`` fields), unless shaped like a page's slug (lowercase
# words and digits joined by single hyphens: "micro-needling-with-prp"); hashed static names
# ("site.3f2a9c1b.css") have dots inside and stay as they are.
SECRET_IN_PATH = re.compile(
    r"(?P<before>/|[?&][A-Za-z0-9_.\-]{1,40}=)(?P<secret>[A-Za-z0-9_\-:]{20,})(?=[/.?&#\s\"']|$)"
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
REDACTED = "[secret]"


def without_secrets(text: str) -> str:
    """``text`` with every link secret in it replaced by ``[secret]``."""
    return SECRET_IN_PATH.sub(
        lambda found: found[0] if SLUG.fullmatch(found["secret"]) else found["before"] + REDACTED,
        text,
    )


class RedactPathSecrets(logging.Filter):
    """On a handler: a line that quotes a path (``Not Found: /feeds/<secret>.ics``, the
    development server's request line) loses the secrets in it. Whoever reads the log must
    not be able to open a patient's manage link or a clinician's calendar feed from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to the formatter
            return True
        redacted = without_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


# Loggers whose DEBUG lines carry patient data, and the lowest level they may have.
KEPT_ABOVE_DEBUG = ("django.db.backends", "django.template")


def logging_config(level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting for the console at ``level`` (``DEBUG``, ``INFO``, ...)."""
    level = level.strip().upper()
    numeric = logging.getLevelNamesMapping().get(level, logging.INFO)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "withhold_database_text": {"()": WithholdDatabaseErrorText},
            "redact_path_secrets": {"()": RedactPathSecrets},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["withhold_database_text", "redact_path_secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            **{
                name: {"level": logging.getLevelName(max(numeric, logging.INFO))}
                for name in KEPT_ABOVE_DEBUG
            },
            # The development server's request lines, through the same filters (Django's
            # default gives them a handler of their own, which would print secrets).
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
