"""Settings for the test suite: the same PostgreSQL, with fast and local everything else."""

from .settings import *  # noqa: F403 -- test settings extend the real ones

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# allauth's rate limits are on in every real configuration; tests that sign up many
# people in one process would trip them.
ACCOUNT_RATE_LIMITS = False
# Whatever the environment says, tests run with the second factor required of staff.
PORTAL_DEMO_WAIVE_MFA = False
# Serve static files from the app folders, as in development: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests run their webhook receivers on 127.0.0.1 over plain http.
WEBHOOKS_ALLOW_LOCAL_RECEIVERS = True
