"""Delivery errors without the recipient in them. Pure: no Django.

Mail servers quote the address they refuse ("550 5.1.1 <ada@example.com>: Recipient address
rejected"), and Python's ``SMTPRecipientsRefused`` is a dictionary keyed by the addresses.
Such a text is logged and stored as the message's last error, so every email address and
phone number in it is replaced before it goes anywhere.
"""

import re

ADDRESS = "[address]"
NUMBER = "[number]"

# Anything@anything up to a delimiter mail servers put around an address. The part before
# the @ may hold ' { } | and the like (RFC 5322), so a quote or brace there is taken along.
_EMAIL = re.compile(r"[^\s<>()\[\]\",;:@]+@[^\s<>()\[\]{}'\",;:@]+")
# A phone number as mail or SMS providers write one: +, digits, and the usual separators;
# at least seven digits, so reply codes (5.1.1) and short figures stay readable.
_PHONE = re.compile(r"\+?\d(?:[\s().-]{0,2}\d){6,}")


def without_addresses(text: str) -> str:
    """``text`` with every email address and phone number replaced by a placeholder."""
    return _PHONE.sub(NUMBER, _EMAIL.sub(ADDRESS, text))


def server_reply(code: int, reply: bytes | str) -> str:
    """A mail server's reply line (``550 5.1.1 [address]: …``), addresses removed."""
    text = reply.decode("utf-8", errors="replace") if isinstance(reply, bytes) else reply
    return without_addresses(f"{code} {text}".strip())
