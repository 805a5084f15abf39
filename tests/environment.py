"""Loaded by pytest before Django (`-p tests.environment`): defaults the settings read at import."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("API_RATE_LIMIT", "10000/m")  # the throttle has its own test
# Clinical photos a test stores never land in the checkout's var/private (the tests under
# dermadesk/ also get a folder of their own per test: dermadesk/conftest.py).
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="dermadesk-test-photos-"))
