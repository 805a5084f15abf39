"""The secrets of API tokens: how one is made, recognised and kept (as a digest only).

Pure: no Django. A secret reads ``dd_<prefix>_<key>``: ``dd_`` says whose it is (a secret
pasted somewhere public is easy to spot), the prefix (8 hex digits, not secret) finds
the token's row and lets people tell their tokens apart, the key is 32 random bytes.
Only the SHA-256 digest of the whole secret is stored: a random key of that length needs
no slow hash, and a leaked table gives no secret away.
"""

import hashlib
import hmac
import re
import secrets

MARK = "dd_"
PREFIX_LENGTH = len(MARK) + 8
_SHAPE = re.compile(r"dd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
_LONGEST = PREFIX_LENGTH + 1 + 43


def new_secret() -> str:
    """A fresh secret: shown to its owner once, never stored."""
    return f"{MARK}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def prefix_of(secret: str) -> str | None:
    """The secret's prefix (``dd_1a2b3c4d``), or None when it is not shaped like a secret."""
    if len(secret) != _LONGEST or _SHAPE.fullmatch(secret) is None:
        return None
    return secret[:PREFIX_LENGTH]


def digest_of(secret: str) -> str:
    """What is stored of a secret: its SHA-256, as 64 hex digits."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digests_match(stored: str, given: str) -> bool:
    """Compared in constant time, so the time taken says nothing of how much matched."""
    return hmac.compare_digest(stored.encode(), given.encode())
