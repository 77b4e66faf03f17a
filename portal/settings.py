"""Settings for the TVET Partnership Portal.

Every setting that differs between machines comes from the environment (or a ``.env`` file
beside ``manage.py``); ``.env.example`` documents each variable. The defaults are safe for
development: without ``DEBUG`` the portal runs as in production.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# The default key only exists so that development and CI start without configuration;
# `manage.py check --deploy` reports it (security.W009), and production sets SECRET_KEY.
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-development-key-never-use-in-production-0123456789",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where the embedded development servers, uploads and other local state live.
DATA_DIR = Path(env("PORTAL_DATA_DIR", default=str(BASE_DIR / ".data")))

INSTALLED_APPS = [
    "core",
    "portal",
    "institutions",
    "events",
    "matchmaking",
    "mous",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "django_htmx",
    "rules",
    "simple_history",
    "auditlog",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # The liveness and readiness probes (/healthz/, /readyz/), answered before the host check,
    # the HTTPS redirect, sessions and everything else (portal.health).
    "portal.health.ProbeMiddleware",
    # Next, so that no oversized request body is read by anything (see PORTAL_MAX_REQUEST_BYTES).
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, building the policy once (core.middleware).
    "core.middleware.CSPMiddleware",
    # Permissions-Policy, and a policy for PDFs under which the browser's viewer works.
    "core.middleware.PolicyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PublicMediaMiddleware",
    # Stored public pages for visitors, before sessions and everything after (core.pagecache).
    "core.middleware.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateCacheMiddleware",
    "portal.middleware.UserPreferencesMiddleware",
    # The API's language (?lang= or Accept-Language), caching headers, ETags, and its errors
    # (the next middleware's too) as problem details (api.middleware).
    "api.middleware.ApiMiddleware",
    # After the language is known, so that its refusal is in the reader's language; before
    # any view, form or query sees the request.
    "core.middleware.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication, messages and htmx: they sign out, or redirect, staff and
    # secretariat members (portal.mfa).
    "portal.middleware.StaffSessionTimeoutMiddleware",
    "portal.middleware.SecondFactorRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Records who made each change in the audit trail (core.audit), with their address.
    "core.middleware.AuditMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Replaces Django's `date` filter in every template: named formats show the
            # Buddhist era beside the year on pages in Thai (core/dates.py).
            "builtins": ["core.templatetags.dates", "core.templatetags.lists"],
        },
    },
]

# Database: PostgreSQL only. `python -m portal.launch` starts an embedded server and sets
# DATABASE_URL when it is unset; anything else must be given a DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tvet_portal"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the shared cache (allauth's rate limits need one) and the Celery broker.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing its Redis client (core.cache).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Public pages (home, events, institutions, the MoU registry and MoUs) are kept in the cache for
# visitors who are not signed in (core.pagecache): at most this many seconds, and never past a
# change to a model of these apps.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Characters of stored pages' HTML each process also keeps in its own memory, read again only
# while the public pages' version is unchanged (core.pagecache.LocalCopies): 8 million, about
# 16 MB per process at most.
PAGE_CACHE_LOCAL_CHARS = env.int("PAGE_CACHE_LOCAL_CHARS", default=8_000_000)
PAGE_CACHE_APPS = frozenset({"portal", "institutions", "events", "matchmaking", "mous"})
# ... except these models, which no public page shows: people's own lists, messages and meeting
# business, written far more often than what visitors see. (Values kept for dashboards,
# core.pagecache.kept and core.personalcache, still follow their changes.)
PAGE_CACHE_IGNORED_MODELS = frozenset(
    {
        "institutions.ShortlistEntry",
        "institutions.Invitation",
        "institutions.ContactMessage",
        "institutions.CourseUseRequest",
        "events.Contact",
        "events.SurveyResponse",
        "events.SurveyAnswer",
        "events.RetentionRun",
        "matchmaking.SlotUnavailability",
        "matchmaking.MeetingRequest",
        "matchmaking.AttendanceMark",
        "matchmaking.FollowUp",
        "matchmaking.CalendarFeed",
    }
)
# ... and saves of only these fields of a model: a sign-in's last_login, a person's password
# and own preferences, which no public page shows (kept values ignore a sign-in alone).
PAGE_CACHE_IGNORED_FIELDS = {
    "portal.User": frozenset(
        {
            "last_login",
            "password",
            "preferred_language",
            "time_zone",
            "email_request_digest",
            "email_follow_ups",
            "email_meeting_reminders",
            "email_request_nudges",
        }
    ),
}

AUTH_USER_MODEL = "portal.User"
# Django's and allauth's backends, loading the user with their secretariat membership
# (portal.backends).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "portal.backends.ModelBackend",
    "portal.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: email is the login, verified before first use; rate limits stay at
# allauth's defaults (on).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
# After login, people with no institution land on "find your institution".
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
# Confirming the address in the browser that signed up (or tried to sign in) finishes that
# sign-in, then leads where it was going; the login stages that follow (the second factor)
# still apply. A link opened elsewhere only confirms: allauth ties the login to the session.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TVET Partnership Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https")
# The portal's public address, for links in emails sent outside a request (Celery tasks).
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
# Second factor (allauth.mfa): authenticator apps (TOTP), passkeys and security keys (WebAuthn,
# also usable to sign in without a password) and recovery codes. Staff and secretariat
# members must hold one (portal.mfa); the demo alone may waive that with PORTAL_DEMO_WAIVE_MFA,
# which `make run` sets and `manage.py check --deploy` reports (portal.E001).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_ADAPTER = "portal.adapters.MFAAdapter"
MFA_TOTP_ISSUER = "TVET Partnership Portal"
# Browsers offer WebAuthn on http://localhost too, but allauth refuses a plain-http origin
# unless told otherwise: only in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
PORTAL_DEMO_WAIVE_MFA = env.bool("PORTAL_DEMO_WAIVE_MFA", default=False)
# Staff and secretariat sessions end after this many minutes without a request, and this many
# hours after signing in; other people keep Django's session age (two weeks).
PORTAL_STAFF_SESSION_IDLE_MINUTES = env.int("PORTAL_STAFF_SESSION_IDLE_MINUTES", default=30)
PORTAL_STAFF_SESSION_MAX_HOURS = env.int("PORTAL_STAFF_SESSION_MAX_HOURS", default=12)
# Behind a reverse proxy every request comes from the proxy's address. Where the proxy
# appends the client's address to X-Forwarded-For, ALLAUTH_TRUSTED_PROXY_COUNT says how many
# proxies of one's own are in front (1 for one nginx); or name a header that a trusted proxy
# sets to the client's address. Sign-in rate limits and the survey's per-address limit use it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None

# Email: the console in development; EMAIL_URL (for example smtp+tls://user:pass@host:587)
# everywhere else.
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TVET Partnership Portal <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# The outbox (core.outbox): after a temporary failure an email waits the next step of this
# schedule (seconds) before it is tried again; once it has been tried once more than there are
# steps, it is marked failed. A row handed to a worker and still "sending" after
# OUTBOX_STUCK_AFTER seconds (its worker died, or the broker lost the task) is handed out again.
OUTBOX_BACKOFF = env.list("OUTBOX_BACKOFF", cast=int, default=[60, 120, 300, 600, 1800, 3600, 10800, 21600])
OUTBOX_STUCK_AFTER = env.int("OUTBOX_STUCK_AFTER", default=300)
# Rows claimed per transaction, and how long one dispatch run may keep claiming (seconds).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=500)
# At most this many emails handed to workers and not yet sent: fewer than the workers send in
# OUTBOX_STUCK_AFTER seconds, so that emails queued behind others are not taken for stuck ones.
OUTBOX_MAX_IN_FLIGHT = env.int("OUTBOX_MAX_IN_FLIGHT", default=10000)
OUTBOX_DISPATCH_BUDGET = env.float("OUTBOX_DISPATCH_BUDGET", default=40.0)
# Webhooks (api.webhooks_delivery): after a failed attempt a delivery waits the next step of
# this schedule (seconds, ±20 % jitter; about a day in all) before it is tried again, and is
# given up once it has been tried once more than there are steps. WEBHOOK_TIMEOUT bounds each
# connection and read; a delivery still "sending" after WEBHOOK_STUCK_AFTER seconds is handed
# out again. WEBHOOKS_ALLOW_LOCAL_RECEIVERS lets webhooks go to plain http and to loopback or
# private addresses: for development and tests only, never in production (SSRF; refused by
# `manage.py check --deploy`, api.E001).
WEBHOOK_BACKOFF = env.list("WEBHOOK_BACKOFF", cast=int, default=[30, 120, 600, 3600, 10800, 21600, 43200])
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_STUCK_AFTER = env.int("WEBHOOK_STUCK_AFTER", default=300)
WEBHOOKS_ALLOW_LOCAL_RECEIVERS = env.bool("WEBHOOKS_ALLOW_LOCAL_RECEIVERS", default=False)
# Deliveries delivered or given up are deleted this many days after the event (daily).
WEBHOOK_DELIVERY_RETENTION_DAYS = env.int("WEBHOOK_DELIVERY_RETENTION_DAYS", default=30)
# Seconds one SMTP connection attempt or command may take before it counts as a temporary failure.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# MoU lifecycle (mous.lifecycle, run daily): an active MoU becomes "expiring" this many days
# before its end; reminders go out these many days before it ends and before a milestone is
# due; an MoU in force with no recorded activity for MOU_DORMANT_DAYS is reported dormant.
MOU_EXPIRING_DAYS = env.int("MOU_EXPIRING_DAYS", default=90)
MOU_EXPIRY_REMINDER_DAYS = env.list("MOU_EXPIRY_REMINDER_DAYS", cast=int, default=[90, 30, 7])
MOU_MILESTONE_REMINDER_DAYS = env.list("MOU_MILESTONE_REMINDER_DAYS", cast=int, default=[14, 0])
MOU_DORMANT_DAYS = env.int("MOU_DORMANT_DAYS", default=182)
# A table's survey QR code needs no sign-in: each client address may leave at most this many
# responses per table within SURVEY_TABLE_RATE_WINDOW seconds. A venue's Wi-Fi puts a whole
# table behind one address, hence a limit above a table's seats rather than 1.
SURVEY_TABLE_RESPONSES_PER_ADDRESS = env.int("SURVEY_TABLE_RESPONSES_PER_ADDRESS", default=15)
SURVEY_TABLE_RATE_WINDOW = env.int("SURVEY_TABLE_RATE_WINDOW", default=3600)

# Personal data rights (portal.privacy, events.retention): days after an event's last day
# before its personal codes and check-in times are purged, and the address people write to.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
PORTAL_PRIVACY_CONTACT_EMAIL = env("PORTAL_PRIVACY_CONTACT_EMAIL", default="")

# Internationalisation: every language listed here is kept complete (tests/portal/
# test_translations.py checks each catalogue under locale/). The switcher shows each language
# by its own name in its own script: Django knows no Lao, and calls Khmer "Khmer" in Latin
# letters, so both are given here.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("km", _("Khmer")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
]
LANG_INFO.update(
    {
        "km": {"bidi": False, "code": "km", "name": "Khmer", "name_local": "ខ្មែរ"},
        "lo": {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"},
    }
)
LOCALE_PATHS = [BASE_DIR / "locale"]
# Short dates of the portal's own ("D j M" and kin) per language: see portal/formats/.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files are served by WhiteNoise, also under gunicorn in production.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Signed MoU documents live outside MEDIA_ROOT and are only served through views that
# check permission.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(DATA_DIR / "private-media")))
# Largest signed MoU document or milestone evidence file accepted, in bytes (default 15 MB).
MOU_DOCUMENT_MAX_BYTES = env.int("MOU_DOCUMENT_MAX_BYTES", default=15 * 1024 * 1024)
# Spreadsheet imports (institutions, event participants): limits checked before any parser
# reads a file, so that a small workbook that unpacks to gigabytes (a "zip bomb") or declares
# a million rows is refused with a message instead of taking a worker down.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_MEMBER_BYTES = env.int("IMPORT_MAX_MEMBER_BYTES", default=40 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=200)
IMPORT_MAX_SHEETS = env.int("IMPORT_MAX_SHEETS", default=50)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=10_000)
# Seconds an import's preview or writing may run in a worker (the hard limit is a minute more).
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=900)
# Days an import job (its uploaded file, preview and result) is kept after its last change.
IMPORT_JOB_RETENTION_DAYS = env.int("IMPORT_JOB_RETENTION_DAYS", default=7)
# Uploads on an S3-compatible object store instead of the local disk, so that several web
# processes and workers on different machines see the same files: set S3_BUCKET. Public
# uploads go under public/, private ones under private/ (of S3_PRIVATE_BUCKET when set). No
# object is made public: logos keep their /media/ address served by the portal, private files
# are streamed by the views that check permission (see core/storage.py).
S3_BUCKET = env("S3_BUCKET", default="")
S3_ADDRESSING_STYLE = env("S3_ADDRESSING_STYLE", default="") or None
if S3_ADDRESSING_STYLE not in (None, "auto", "path", "virtual"):
    raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be path, virtual or auto.")
S3_SERVER_SIDE_ENCRYPTION = env("S3_SERVER_SIDE_ENCRYPTION", default="")
_S3_OPTIONS = {
    "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
    "region_name": env("S3_REGION", default="") or None,
    # Unset: boto3 looks further (AWS_* variables, the instance's or pod's role).
    "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
    "addressing_style": S3_ADDRESSING_STYLE,
    "signature_version": "s3v4",
    "object_parameters": ({"ServerSideEncryption": S3_SERVER_SIDE_ENCRYPTION} if S3_SERVER_SIDE_ENCRYPTION else {}),
}
STORAGES = {
    "default": (
        {
            "BACKEND": "core.storage.PublicS3Storage",
            "OPTIONS": {**_S3_OPTIONS, "bucket_name": S3_BUCKET, "location": "public"},
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        {
            "BACKEND": "core.storage.PrivateS3Storage",
            "OPTIONS": {
                **_S3_OPTIONS,
                "bucket_name": env("S3_PRIVATE_BUCKET", default="") or S3_BUCKET,
                "location": "private",
            },
        }
        if S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Images (MoU documents, milestone evidence) with more pixels than this are refused before
# they are decoded; Pillow's own decompression-bomb guard follows it (default 40 megapixels:
# an A4 page scanned at 600 dpi is 35).
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
# Largest request body read at all, in bytes: a larger one is answered 413 before anything
# reads it. Default: the largest upload accepted (the MoU document limit, or a spreadsheet
# import's) plus 1 MB for the rest of the form.
PORTAL_MAX_REQUEST_BYTES = env.int(
    "PORTAL_MAX_REQUEST_BYTES", default=max(MOU_DOCUMENT_MAX_BYTES, IMPORT_MAX_FILE_BYTES) + 1024 * 1024
)
# The first handler stops reading a multipart body once its files pass PORTAL_MAX_REQUEST_BYTES,
# also when the request announced no length.
FILE_UPLOAD_HANDLERS = [
    "core.uploadhandler.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Form fields other than files (their bytes count towards PORTAL_MAX_REQUEST_BYTES too).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: secure by default outside development; each can be relaxed from the environment
# (for example behind a proxy that already redirects to HTTPS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# The language cookie follows the session cookie; no script reads it.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from the portal's own origin, no inline
# script or style, no eval, no plugins, no framing. Templates keep JavaScript in static/js/
# and styles in static/css/; htmx is told not to inject styles or evaluate code (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (core.middleware): the camera for the check-in desk and contact scanning
# on the portal's own pages; every other powerful feature is off, for frames too.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "screen-wake-lock": [],
    "browsing-topics": [],
}

# The REST API (/api/v1/, the ``api`` app): tokens only, no sessions (so no CSRF); problem
# details (RFC 9457) for every error; cursor pagination; rate limits counted in the shared cache,
# per token and, for calls without one, per client address. JSON only, plus the browsable API
# in development.
API_THROTTLE_ANON = env("API_THROTTLE_ANON", default="120/minute")
API_THROTTLE_TOKEN = env("API_THROTTLE_TOKEN", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonRateThrottle", "api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "token": API_THROTTLE_TOKEN},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [],
    "EXCEPTION_HANDLER": "api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TVET Partnership Portal API",
    "DESCRIPTION": (
        "Public, versioned API of the portal. Reads of public data need no token; everything else "
        "takes `Authorization: Bearer <token>` (tokens are created on the preferences page). "
        "Errors are RFC 9457 problem details (application/problem+json) in the language of "
        "`Accept-Language` or `?lang=`. Lists use cursor pagination (`next`/`previous`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choices that several models call "status": each set under a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "events.models.Event.Status",
        "RegistrationStatusEnum": "events.models.Registration.Status",
        "MouStatusEnum": "mous.models.Mou.Status",
        "ImportJobStatusEnum": "core.models.ImportJob.Status",
        "MeetingRequestStatusEnum": "matchmaking.models.MeetingRequest.Status",
        "MeetingStatusEnum": "matchmaking.models.Meeting.Status",
        "EventKindEnum": "events.models.Event.Kind",
        "InstitutionKindEnum": "institutions.models.Institution.Kind",
        "RegistrationRoleEnum": "events.models.Registration.Role",
        "LanguageEnum": "api.fields.LANGUAGE_CODES",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
}

# Celery: Redis is the broker. Without REDIS_URL there is no broker, so tasks run inline.
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1) if REDIS_URL else "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Beat keeps its schedule in Redis under a lock (RedBeat), so that it is safe to start twice: on
# two servers, or by a second deployment of the same stack. The beat that holds the lock sends
# the periodic tasks and renews the lock at every tick; any other waits as a standby and takes
# over once the first stops (at once) or dies (when the lock expires). The lock outlives a
# missed tick or two but not the schedule's shortest interval (a minute), so that a standby takes
# over before a minute's tasks are missed; the last run of each task is kept in Redis, so the
# one taking over goes on where the other left off. BEAT_KEY_PREFIX keeps deployments that share
# one Redis apart. Without REDIS_URL (tests, eager tasks) beat keeps Celery's own file schedule.
BEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT", default=30)
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    # Not the broker's URL: redis-py reads unix:// itself, and kombu's redis+socket:// not.
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = env("BEAT_KEY_PREFIX", default="tvet-portal:beat:")
    CELERY_REDBEAT_LOCK_TIMEOUT = BEAT_LOCK_TIMEOUT
    # Beat renews the lock at each tick, and ticks at the latest after this many seconds (else
    # at the next task due, up to Celery's five minutes): at least three ticks per lock. The
    # standby tries to take the lock as often.
    CELERY_BEAT_MAX_LOOP_INTERVAL = max(1, BEAT_LOCK_TIMEOUT // 3)
# The matchmaking tasks keep the "events." names they had before matchmaking became its own
# app, so that tasks queued before the move still run.
CELERY_BEAT_SCHEDULE = {
    # Proves on the secretariat dashboard that beat and a worker are alive.
    "portal-heartbeat": {
        "task": "portal.heartbeat",
        "schedule": crontab(minute="*"),
    },
    # Asks admins of profiles untouched for a year to review them (at most once a year each).
    "institutions-profile-review-reminders": {
        "task": "institutions.send_profile_review_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # Hands due outbox emails to workers and re-queues ones stuck in flight (core.outbox).
    "portal-dispatch-outbox": {
        "task": "portal.dispatch_outbox",
        "schedule": crontab(minute="*"),
    },
    # Hands due webhook deliveries to workers and re-queues ones stuck in flight (api.webhooks_delivery).
    "api-sweep-webhooks": {
        "task": "api.sweep_webhooks",
        "schedule": crontab(minute="*"),
    },
    # Deletes webhook deliveries delivered or given up more than WEBHOOK_DELIVERY_RETENTION_DAYS ago.
    "api-purge-webhook-deliveries": {
        "task": "api.purge_webhook_deliveries",
        "schedule": crontab(hour=4, minute=30),
    },
    # Expires meeting requests not answered in time and tells both sides.
    "events-expire-meeting-requests": {
        "task": "events.expire_meeting_requests",
        "schedule": crontab(minute="*/5"),
    },
    # One email a day per person listing the meeting requests waiting for their answer.
    "events-meeting-request-digests": {
        "task": "events.queue_request_digests",
        "schedule": crontab(hour=1, minute=0),
    },
    # MoU lifecycle: expiring/expired statuses, expiry, milestone and dormant-MoU reminders.
    "mous-daily-lifecycle": {
        "task": "mous.daily_lifecycle",
        "schedule": crontab(hour=3, minute=0),
    },
    # Deletes import jobs (uploaded lists with personal data) older than IMPORT_JOB_RETENTION_DAYS.
    "core-purge-import-jobs": {
        "task": "core.purge_import_jobs",
        "schedule": crontab(hour=4, minute=0),
    },
    # Purges badge, contact, survey and follow-up codes and check-in times of events long past.
    "events-purge-personal-data": {
        "task": "events.purge_personal_data",
        "schedule": crontab(hour=4, minute=15),
    },
    # Reminders before each meeting, a day and an hour before (per session); each is queued once.
    "matchmaking-meeting-reminders": {
        "task": "matchmaking.queue_meeting_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # Nudges about requests unanswered for two days, and to participants without any request
    # a few days before the request deadline; each is queued once.
    "matchmaking-request-nudges": {
        "task": "matchmaking.queue_request_nudges",
        "schedule": crontab(minute=20),
    },
    # Flags meetings nobody answered after the last follow-up step, for the secretariat.
    "events-flag-unanswered-follow-ups": {
        "task": "events.flag_unanswered_follow_ups",
        "schedule": crontab(hour=2, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
