"""WSGI entry point (gunicorn dermadesk.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dermadesk.settings")

application = get_wsgi_application()
