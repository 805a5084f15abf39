"""dermadesk settings: everything that varies comes from the environment.

Each variable is read once through a typed helper and documented in the README table.
Defaults are the safe ones: DEBUG off, secure cookies and HTTPS redirects when DEBUG is off,
and no start at all without a SECRET_KEY outside of DEBUG.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from dermadesk.environment import env_bool, env_int, env_list, env_str
from dermadesk.limits.windows import parse_rate
from dermadesk.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DERMADESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SITE_NAME = env_str("SITE_NAME", "Dermadesk Skin Clinic")
# The site's own address, for links in emails (sent by workers, which have no request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string) when DEBUG is off.")
    # Development only: one random key per checkout, kept in var/ so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_email",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    "django_tasks_db",
    "django_htmx",
    "ninja",
    "corsheaders",
    "dermadesk.clinic",
    "dermadesk.scheduling",
    "dermadesk.patients",
    "dermadesk.screening",
    "dermadesk.checkout",
    "dermadesk.booking",
    "dermadesk.website",
    "dermadesk.notifications",
    "dermadesk.contact",
    "dermadesk.waitlist",
    "dermadesk.api",
    "dermadesk.limits",
    "dermadesk.audit",
    "dermadesk.alerts",
    "dermadesk.staff",
    "dermadesk.backups",
    "dermadesk.interop",
    "dermadesk.charting",
    "dermadesk.portal",
    "dermadesk.aftercare",
    "dermadesk.photos",
]

MIDDLEWARE = [
    "dermadesk.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dermadesk.staff.middleware.StaffGateMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "dermadesk.input_guard.InputGuardMiddleware",
    "dermadesk.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the "too many tries" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dermadesk.urls"
WSGI_APPLICATION = "dermadesk.wsgi.application"
ASGI_APPLICATION = "dermadesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dermadesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dermadesk.website.context_processors.site",
                "dermadesk.staff.context_processors.staff",
            ],
        },
    },
]

# Databases: SQLite in var/ by default; PostgreSQL (or another) through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dermadesk.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # A local file cannot drop the connection: no health-check query before each request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so the re-check
        # made inside it cannot be invalidated by another writer before it commits.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not memory, so concurrency tests use real separate connections; one per test
    # run so two runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-dermadesk-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # Stored times are UTC; each location has its own zone for display.
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "dermadesk" / "static"]
# Production serves the compressed, hashed files of `collectstatic`; development and tests
# serve the source files directly.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "dermadesk.static_storage.StaticStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not STATIC_MANIFEST:
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Clinical photos (dermadesk/photos): kept outside MEDIA_ROOT and STATIC_ROOT, where no web
# server serves them; only the staff photo view sends them, to those allowed, audited.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
for _public in (MEDIA_ROOT, STATIC_ROOT, *STATICFILES_DIRS):
    _private, _served = PRIVATE_MEDIA_ROOT.resolve(), Path(_public).resolve()
    if _private.is_relative_to(_served) or _served.is_relative_to(_private):
        raise ImproperlyConfigured(
            f"PRIVATE_MEDIA_ROOT ({_private}) must lie outside {_served}, which may be served "
            "to anyone: choose a folder of its own."
        )
# Largest photo file taken, in megabytes; most pixels a photo may have, in millions (a file
# claiming more is refused before it is decoded).
PHOTO_MAX_MEGABYTES = env_int("PHOTO_MAX_MEGABYTES", 15)
PHOTO_MAX_MEGAPIXELS = env_int("PHOTO_MAX_MEGAPIXELS", 50)
if not 1 <= PHOTO_MAX_MEGABYTES <= 100 or not 1 <= PHOTO_MAX_MEGAPIXELS <= 200:
    raise ImproperlyConfigured(
        "PHOTO_MAX_MEGABYTES must be 1 to 100, and PHOTO_MAX_MEGAPIXELS 1 to 200."
    )

# Booking: how long a chosen time is held while the patient fills in the form.
BOOKING_HOLD_MINUTES = env_int("BOOKING_HOLD_MINUTES", 10)
# Online changes and cancellations close this long before a visit; later, patients call.
BOOKING_CHANGE_NOTICE_HOURS = env_int("BOOKING_CHANGE_NOTICE_HOURS", 24)
# A manage link works until this many days after its visit (and stops at the next change).
BOOKING_LINK_DAYS_AFTER_VISIT = env_int("BOOKING_LINK_DAYS_AFTER_VISIT", 2)
# Fair use: live holds one browser session, one client address and one email may keep at
# once; how many times one hold may be given more time; how often one client may hold.
BOOKING_HOLDS_PER_CLIENT = env_int("BOOKING_HOLDS_PER_CLIENT", 3)
BOOKING_HOLD_EXTENSIONS = env_int("BOOKING_HOLD_EXTENSIONS", 2)
BOOKING_HOLD_RATE_LIMIT = env_str("BOOKING_HOLD_RATE_LIMIT", "20/h")

# Aftercare: the patient's links about a completed session (its timeline, its check-ins, the
# rest of its course) work until this many days after it.
AFTERCARE_LINK_DAYS = env_int("AFTERCARE_LINK_DAYS", 14)

# Patients and screening.
# How long screening answers stay valid: the treatment date must fall within this many days
# of the day they were given.
SCREENING_VALID_DAYS = env_int("SCREENING_VALID_DAYS", 90)

# The treatment record: the share (percent, 0-100) of signed charts the medical director
# reviews at random, besides every chart with a complication or a depth beyond scope.
CHART_REVIEW_SHARE_PERCENT = env_int("CHART_REVIEW_SHARE_PERCENT", 10)

# Patients sign in (and prove their email address before anything stored on them is shown
# or changed) with a code sent by email: django-otp's email device.
PATIENT_CODE_MINUTES = env_int("PATIENT_CODE_MINUTES", 10)
OTP_EMAIL_TOKEN_VALIDITY = PATIENT_CODE_MINUTES * 60
# At most one new code per email address this often (a mailbox cannot be flooded).
OTP_EMAIL_COOLDOWN_DURATION = env_int("PATIENT_CODE_RESEND_SECONDS", 60)
# After each wrong code the next try waits 1, 2, 4, 8... seconds (per email address).
OTP_EMAIL_THROTTLE_FACTOR = 1
# A patient's sign-in lasts this long without activity; the browser closing ends it too.
PATIENT_SESSION_MINUTES = env_int("PATIENT_SESSION_MINUTES", 30)
# The portal (/portal/): how often one client address may ask for a sign-in code or type one;
# how often it may download a copy of a patient's data (the PDF takes a second to make).
PORTAL_SIGN_IN_RATE_LIMIT = env_str("PORTAL_SIGN_IN_RATE_LIMIT", "20/h")
PORTAL_EXPORT_RATE_LIMIT = env_str("PORTAL_EXPORT_RATE_LIMIT", "20/h")
# A patient's request for a copy of their data is due this many days after it is made.
DATA_REQUEST_DAYS = env_int("DATA_REQUEST_DAYS", 30)

# Staff: password and a TOTP code (django-otp), wrong passwords counted by django-axes in the
# database (so every worker process shares the count), sessions that end when the browser
# closes and after STAFF_SESSION_MINUTES without a staff page asked for.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
STAFF_SESSION_MINUTES = env_int("STAFF_SESSION_MINUTES", 30)
STAFF_LOGIN_ATTEMPTS = env_int("STAFF_LOGIN_ATTEMPTS", 10)
STAFF_LOCKOUT_MINUTES = env_int("STAFF_LOCKOUT_MINUTES", 30)
AXES_FAILURE_LIMIT = STAFF_LOGIN_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(minutes=STAFF_LOCKOUT_MINUTES)
# A username is locked after too many wrong passwords from anywhere, and an address after
# too many on any usernames (someone trying many accounts).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "dermadesk.limits.client.client_address"
AXES_LOCKOUT_CALLABLE = "dermadesk.staff.login_pages.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
OTP_TOTP_ISSUER = SITE_NAME
LOGIN_URL = "staff:login"

# Each clinician's private calendar feed (/feeds/<secret>.ics): the visits from this many days
# ago to this many ahead; the patient's initials beside the treatment (or nothing of the
# patient); how often one client address may fetch feeds.
CALENDAR_FEED_PAST_DAYS = env_int("CALENDAR_FEED_PAST_DAYS", 30)
CALENDAR_FEED_AHEAD_DAYS = env_int("CALENDAR_FEED_AHEAD_DAYS", 90)
CALENDAR_FEED_INITIALS = env_bool("CALENDAR_FEED_INITIALS", True)
CALENDAR_FEED_RATE_LIMIT = env_str("CALENDAR_FEED_RATE_LIMIT", "120/h")
for _days in ("CALENDAR_FEED_PAST_DAYS", "CALENDAR_FEED_AHEAD_DAYS"):
    if not 0 <= globals()[_days] <= 3650:
        raise ImproperlyConfigured(f"{_days} must be between 0 and 3650 days.")

# django-auditlog: every change of patient data, field by field, with who made it and from
# where (its middleware sets the actor). Secrets' digests and fair-use keys are left out.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "patients.Patient",
    "patients.ConsentSignature",
    "patients.SmsConsent",
    "screening.ScreeningResponse",
    "screening.ScreeningOverride",
    {
        "model": "scheduling.Booking",
        "exclude_fields": [
            "manage_digest", "holder_session", "holder_address", "holder_email", "updated_at",
        ],
    },
    # The treatment record keeps its own amendments; these keep every save beside them.
    {"model": "charting.Chart", "exclude_fields": ["updated_at", "signed_record"]},
    "charting.ChartArea",
    {"model": "charting.Complication", "exclude_fields": ["updated_at"]},
)  # fmt: skip

# How long a time freed for someone on the waitlist is held for them to take it.
WAITLIST_OFFER_HOURS = env_int("WAITLIST_OFFER_HOURS", 2)
# Fair use of the waitlist: open entries per client address and per email; how often one
# client may send the form; how long the link confirming the email works (then it lapses).
WAITLIST_ENTRIES_PER_CLIENT = env_int("WAITLIST_ENTRIES_PER_CLIENT", 3)
WAITLIST_RATE_LIMIT = env_str("WAITLIST_RATE_LIMIT", "10/h")
WAITLIST_CONFIRM_HOURS = env_int("WAITLIST_CONFIRM_HOURS", 24)

# The JSON API (dermadesk/api). Requests per client address, e.g. "120/m" or "2000/h".
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/m")
# Other sites (the clinic's own, e.g. https://clinic.example) whose pages may call the API.
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
# The country a phone number without a country code belongs to (two letters, e.g. US, GB).
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "US").upper()

for _rate in (
    "API_RATE_LIMIT",
    "BOOKING_HOLD_RATE_LIMIT",
    "WAITLIST_RATE_LIMIT",
    "CALENDAR_FEED_RATE_LIMIT",
    "PORTAL_SIGN_IN_RATE_LIMIT",
    "PORTAL_EXPORT_RATE_LIMIT",
):
    try:
        parse_rate(globals()[_rate])
    except ValueError as _error:
        raise ImproperlyConfigured(f"{_rate}: {_error}") from _error

# Background tasks: Django's tasks framework, stored in the database, run by `db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email (the notifications outbox sends through the default mailer).
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP_OPTIONS = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER", ""),
    "password": env_str("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "timeout": env_int("EMAIL_TIMEOUT", 10),
}
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": _SMTP_OPTIONS if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "clinic@dermadesk.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications (dermadesk/notifications: the outbox) and the contact form (dermadesk/contact).
# Text messages go through this SmsBackend: printed in development, none set up otherwise.
SMS_BACKEND = env_str(
    "SMS_BACKEND",
    "dermadesk.notifications.sms.ConsoleSmsBackend"
    if DEBUG
    else "dermadesk.notifications.sms.DisabledSmsBackend",
)
# A message that could not go out is tried again after 30 s, then 1, 2, 4... minutes, at most
# an hour apart, until it has had this many attempts; then it is marked failed for staff.
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 12)
# A message still "sending" after this long lost its worker; the sweep sends it again.
NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = env_int("NOTIFICATIONS_SENDING_TIMEOUT_SECONDS", 600)
# Wiring, not configuration: whose first row signs the admin's previews and test messages.
NOTIFICATIONS_CLINIC_MODEL = "clinic.Location"
# Who hears of a new contact message (empty: the clinic location's own email address).
CONTACT_STAFF_EMAILS = env_list("CONTACT_STAFF_EMAILS", [])
# At most this many contact messages per sender address and per email address in the window.
CONTACT_LIMIT_PER_IP = env_int("CONTACT_LIMIT_PER_IP", 5)
CONTACT_LIMIT_PER_EMAIL = env_int("CONTACT_LIMIT_PER_EMAIL", 3)
CONTACT_LIMIT_WINDOW_MINUTES = env_int("CONTACT_LIMIT_WINDOW_MINUTES", 60)
if env_str("CONTACT_CLIENT_IP_HEADER", "REMOTE_ADDR") != "REMOTE_ADDR":
    # Replaced by BEHIND_PROXY and TRUSTED_PROXIES, which every limit now shares: refuse to
    # start rather than silently count every sender as the proxy.
    raise ImproperlyConfigured(
        "CONTACT_CLIENT_IP_HEADER is no longer read. Behind a reverse proxy, set "
        "BEHIND_PROXY=1 (and TRUSTED_PROXIES to the number of proxies in front) instead."
    )

# Security. HTTPS-only cookies and redirects unless DEBUG; turn the redirect off only behind
# a proxy that already redirects, or for a local production-like run.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind our own reverse proxies: trust X-Forwarded-Proto, and read the client's address
# from the TRUSTED_PROXIES-th entry of X-Forwarded-For from the right (dermadesk.limits).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if TRUSTED_PROXIES < 1:
        raise ImproperlyConfigured("TRUSTED_PROXIES must be 1 or more when BEHIND_PROXY is on.")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere, no third-party origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Browser features no page of ours uses, switched off for our pages and anything they embed
# (Permissions-Policy, sent with every response). Photos will be chosen with a file input,
# which needs no camera permission. Only features Chromium knows: an unknown one is a
# console warning on every page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection",
        "local-fonts", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "window-management",
        "xr-spatial-tracking",
    )
}  # fmt: skip

# The console log; the SQL log never goes below INFO (its DEBUG lines carry patient data).
LOGGING = logging_config(env_str("LOG_LEVEL", "INFO"))
