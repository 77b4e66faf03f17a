"""Public pages served from the shared cache to visitors who are not signed in.

``@public_page`` on a view keeps its rendered page in the cache (Redis in production) per
path, query string, language and htmx target, for visitors without a session: people who are
signed in, or carry a session for any other reason (a pending message, a sign-up under way),
always get a freshly rendered page, and their pages are never stored, so nothing private can
reach the shared cache. Only ``200`` HTML answers that set no cookie of their own are kept.

Freshness: every key carries the current *version* of the public pages. Any save, delete or
many-to-many change of a model of the apps in ``PAGE_CACHE_APPS`` (and the services that write
rows in bulk, through ``public_pages_changed()``) moves the version on, at once and again when
the transaction commits, so that no page rendered before the commit outlives it. Entries
expire after ``PAGE_CACHE_SECONDS`` in any case, for what changes with the clock alone
("upcoming" events becoming past ones).

Every page carries the visitor's own CSRF token (the language switch and sign-out forms, and
htmx's headers). The stored copy holds a placeholder instead, which each answer replaces with
a token for its visitor, so no token is ever shared. Answers carry a weak ``ETag`` and
``Last-Modified``, and ``Cache-Control: private, no-cache``: the browser revalidates every time
and gets ``304 Not Modified`` while the page is unchanged; shared proxies keep none of them.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

VERSION_KEY = "pagecache:version"
# Stands in for the CSRF token in stored pages; no page has it otherwise.
CSRF_PLACEHOLDER = "__portal_csrf_token__"
# A masked CSRF token: 64 letters and digits.
MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, str(time.time_ns()), None)
        version = cache.get(VERSION_KEY) or "0"
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), None)


def public_pages_changed() -> None:
    """Make every cached public page stale: now, and again once the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def kept(name: str, compute, *, timeout: int = 24 * 3600):
    """``compute()``'s result, kept in the cache under ``name`` until the public pages' next change.

    For what is read far more often than what it is computed from changes (a dashboard's
    partner recommendations): kept per language, since it may hold translated text, and
    recomputed by the first reader after any change to a model of ``PAGE_CACHE_APPS``.
    """
    key = f"pagecache:{current_version()}:{translation.get_language()}:kept:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def model_changed(sender, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed (wired in ``core.apps``)."""
    if sender._meta.app_label in settings.PAGE_CACHE_APPS:
        public_pages_changed()


def _cacheable(request) -> bool:
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _key(request, version: str) -> str:
    htmx = getattr(request, "htmx", None)
    target = "full" if not htmx or htmx.history_restore_request else f"hx:{htmx.target or ''}"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:{version}:{translation.get_language()}:{target}:{path}"


def _without_tokens(content: str, request) -> str:
    """``content`` with each CSRF token handed to this request replaced by the placeholder.

    A token is the request's secret masked anew at each use, so the tokens on the page are
    found by unmasking (Django's own helper, private but stable since 4.1) every string
    shaped like one: none but the request's own unmask to its secret.
    """
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def replace(match):
        token = match.group(0)
        return CSRF_PLACEHOLDER if _unmask_cipher_token(token) == secret else token

    return MASKED_TOKEN.sub(replace, content)


def _etag(request, entry: dict) -> str:
    # The page as stored, and the visitor's CSRF secret: a browser holding a copy whose token
    # its cookie no longer accepts (the secret changes at sign-in) must not be told to keep it.
    secret = request.META.get("CSRF_COOKIE") or ""
    return f'W/"{entry["hash"]}-{hashlib.sha256(secret.encode()).hexdigest()[:12]}"'


def _answer(request, entry: dict) -> HttpResponse:
    etag = _etag(request, entry)
    response = get_conditional_response(request, etag=etag, last_modified=entry["modified"])
    if response is None:
        response = HttpResponse(entry["content"].replace(CSRF_PLACEHOLDER, get_token(request)))
        for name, value in entry["headers"].items():
            response[name] = value
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry["modified"])
    response["Cache-Control"] = "private, no-cache"
    return response


def public_page(view):
    """Serve ``view``'s page from the shared cache to visitors who are not signed in (see above)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request, current_version())
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies
                or "Cache-Control" in response
                or not response.get("Content-Type", "").startswith("text/html")
            ):
                return response
            content = _without_tokens(response.content.decode(response.charset), request)
            entry = {
                "content": content,
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
                "hash": hashlib.sha256(content.encode()).hexdigest()[:32],
                "modified": int(time.time()),
            }
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return _answer(request, entry)

    return wrapper
