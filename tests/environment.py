"""Loaded by pytest before Django (`-p tests.environment`): defaults the settings read at import."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("API_RATE_LIMIT", "10000/m")  # the throttle has its own test
