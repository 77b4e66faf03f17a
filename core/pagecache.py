"""Public pages served from the shared cache to visitors who are not signed in.

``@public_page`` on a view keeps its rendered page in the cache (Redis in production) per
path, query string, language and htmx target, for visitors without a session: people who are
signed in, or carry a session for any other reason (a pending message, a sign-up under way),
always get a freshly rendered page, and their pages are never stored, so nothing private can
reach the shared cache. Only ``200`` HTML answers that set no cookie of their own are kept.

Freshness: every entry carries the *version* of the public pages it was rendered under, read
with it in one round trip and compared. A change that can alter what a visitor sees moves the
version on, at once and again when the transaction commits, so that no page rendered before
the commit outlives it: any save, delete or many-to-many change of a model of the apps in
``PAGE_CACHE_APPS``, except the models in ``PAGE_CACHE_IGNORED_MODELS`` (rows no public page
shows: shortlists, meeting requests, survey answers...) and saves limited to fields in
``PAGE_CACHE_IGNORED_FIELDS`` (a sign-in's ``last_login``, a person's own preferences); the
services that write rows in bulk call ``public_pages_changed()``. Values kept with ``kept()``
(a dashboard's figures, partner rankings) are computed from more than visitors see, meeting
requests and follow-ups included: they follow a version of their own, which every change of
those apps moves on but a sign-in's ``last_login``. Entries expire after
``PAGE_CACHE_SECONDS`` in any case, for what changes with the clock alone ("upcoming" events
becoming past ones).

Serving: ``PublicPageMiddleware`` sits right after the security and header middleware and
answers a stored page before sessions, authentication and the rest of the stack run, for a
``GET`` without a session or messages cookie to a view marked ``@public_page``; it takes the
language, CSRF cookie, ``Vary``, ``Content-Language``, ``Content-Length`` and
``X-Frame-Options`` from the same middleware the stack would run. Anything else (a miss, a
session, a control character) goes on through the whole stack, whose view stores the page.

Every page carries the visitor's own CSRF token (the language switch and sign-out forms, and
htmx's headers). The stored copy holds a placeholder instead, which each answer replaces with
a token for its visitor, so no token is ever shared. Answers carry a weak ``ETag`` and
``Last-Modified``, and ``Cache-Control: private, no-cache``: the browser revalidates every time
and gets ``304 Not Modified`` while the page is unchanged; shared proxies keep none of them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from .versionwatch import versions

VERSION_KEY = "pagecache:version"
KEPT_VERSION_KEY = "pagecache:kept-version"
# Stands in for the CSRF token in stored pages; no page has it otherwise.
CSRF_PLACEHOLDER = "__portal_csrf_token__"
# A masked CSRF token: 64 letters and digits.
MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")
CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes at or above this are dropped, so that every character is equally likely.
UNBIASED_BYTES = 256 - 256 % len(CSRF_ALLOWED_CHARS)
BIASED_BYTES = bytes(range(UNBIASED_BYTES, 256))
# Each byte's character: bytes.translate's table.
BYTE_CHARS = bytes(ord(CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]) for byte in range(256))
# Set on a request whose page PublicPageMiddleware did not find: the version it read.
MISSED_VERSION = "pagecache_missed_version"


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    return _first_version() if version is None else version


def _first_version(version_key: str = VERSION_KEY) -> str:
    cache.add(version_key, str(time.time_ns()), None)
    versions.forget()
    return cache.get(version_key) or "0"


class LocalCopies:
    """The pages and shared sections this process has read lately, kept in its memory.

    A stored page is read on every visitor's request: fetching it from Redis and unpickling it
    costs as much again as reading the version alone, and a page weighs tens of kilobytes on
    the wire. Each process keeps the entries it has read (their HTML is immutable text) with
    the version they were rendered under, and serves one only when the public pages' version on
    that request (``core.versionwatch``) is still the entry's: a change anywhere makes every copy
    stale at the next request, in every process, exactly as the entry in Redis. A copy also expires when
    its entry in Redis does (``PAGE_CACHE_SECONDS`` after it was stored). At most
    ``PAGE_CACHE_LOCAL_CHARS`` characters of HTML are kept per process, least recently used
    dropped first.
    """

    def __init__(self):
        self._entries: OrderedDict[str, dict] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: str, version):
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry["version"] != version or entry.get("expires", 0) <= time.time():
            with self._lock:
                self._drop(key)
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: dict) -> None:
        size = len(entry["content"])
        limit = settings.PAGE_CACHE_LOCAL_CHARS
        if "expires" not in entry or size > limit // 4:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = entry
            self._chars += size
            while self._chars > limit:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._chars -= len(entry["content"])


local_copies = LocalCopies()


def lookup_copied(key: str, version_key: str = VERSION_KEY):
    """``lookup()`` for an entry whose content is immutable text (a page, a shared section).

    The version is current on every call (``core.versionwatch``: read from Redis, or known
    unchanged since because Redis has sent no invalidation); the entry itself comes from this
    process's copy when it has one for that version (``LocalCopies``), from Redis otherwise.
    """
    version = versions.get(version_key)
    if version is None:
        return _first_version(version_key), None
    entry = local_copies.get(key, version)
    if entry is not None:
        return version, entry
    entry = cache.get(key)
    if entry is None or entry["version"] != version:
        return version, None
    local_copies.put(key, entry)
    return version, entry


def lookup(key: str, version_key: str = VERSION_KEY):
    """The current version and what is stored under ``key`` for it (None if absent or stale).

    One round trip for both: the version is not part of the key but stored with the value,
    under "version" (a page) or first in a pair (a value of ``kept()``, under ``KEPT_VERSION_KEY``).
    """
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:
        return _first_version(version_key), None
    stored = found.get(key)
    if stored is None or (stored["version"] if isinstance(stored, dict) else stored[0]) != version:
        return version, None
    return version, stored


def _bump(*version_keys: str) -> None:
    now = str(time.time_ns())
    cache.set_many(dict.fromkeys(version_keys or (VERSION_KEY, KEPT_VERSION_KEY), now), None)
    versions.forget()


def public_pages_changed() -> None:
    """Make every cached public page and kept value stale: now, and again once the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def _kept_values_changed() -> None:
    _bump(KEPT_VERSION_KEY)
    transaction.on_commit(lambda: _bump(KEPT_VERSION_KEY))


def kept(name: str, compute, *, timeout: int = 24 * 3600):
    """``compute()``'s result, kept in the cache under ``name`` until the next change of the apps.

    For what is read far more often than what it is computed from changes (a dashboard's
    partner recommendations and figures): kept per language, since it may hold translated
    text, and recomputed by the first reader after any change of a model of
    ``PAGE_CACHE_APPS`` but a sign-in (see above).
    """
    key = f"pagecache:kept:{translation.get_language()}:{name}"
    version, stored = lookup(key, KEPT_VERSION_KEY)
    if stored is None:
        value = compute()
        cache.set(key, (version, value), timeout)
        return value
    return stored[1]


def model_changed(sender, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed (wired in ``core.apps``)."""
    meta = sender._meta
    if meta.app_label not in settings.PAGE_CACHE_APPS:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) == {"last_login"}:
        return  # a sign-in
    if meta.label in settings.PAGE_CACHE_IGNORED_MODELS or (
        update_fields and settings.PAGE_CACHE_IGNORED_FIELDS.get(meta.label, frozenset()).issuperset(update_fields)
    ):
        _kept_values_changed()
        return
    public_pages_changed()


def _cacheable(request) -> bool:
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _key(request) -> str:
    # Without an HX-Request header (nearly every request), not htmx: asking django-htmx would
    # build the request's whole header mapping, a tenth of a stored page's time.
    htmx = getattr(request, "htmx", None) if "HTTP_HX_REQUEST" in request.META else None
    target = "full" if not htmx or htmx.history_restore_request else f"hx:{htmx.target or ''}"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:page:{translation.get_language()}:{target}:{path}"


def without_tokens(content: str, request) -> str:
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


def _random_string(length: int) -> str:
    """``length`` characters of ``CSRF_ALLOWED_CHARS``, each uniformly random.

    As Django's ``get_random_string()``, from the operating system's generator, but with one
    read of it instead of one per character: 64 reads were a fifth of a stored page's time.
    Bytes at or above ``UNBIASED_BYTES`` are dropped, so that every character is equally likely.
    """
    result = ""
    while len(result) < length:
        # Drop the biased bytes and map the others to characters in one pass of C.
        result += secrets.token_bytes(length + 8).translate(BYTE_CHARS, BIASED_BYTES).decode("ascii")
    return result[:length]


def csrf_token(request) -> str:
    """Django's ``get_token(request)``: a CSRF token masking the visitor's secret, made anew if none.

    Same result and side effects (the secret in ``request.META``, the cookie to be sent by
    ``CsrfViewMiddleware``), with the random characters drawn by ``_random_string()``.
    """
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
    else:
        secret = request.META["CSRF_COOKIE"] = _random_string(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_string(CSRF_SECRET_LENGTH)
    chars = CSRF_ALLOWED_CHARS
    cipher = "".join(chars[(CHAR_INDEX[x] + CHAR_INDEX[y]) % len(chars)] for x, y in zip(secret, mask, strict=True))
    return mask + cipher


def _answer(request, entry: dict) -> HttpResponse:
    etag = _etag(request, entry)
    response = get_conditional_response(request, etag=etag, last_modified=entry["modified"])
    if response is None:
        response = HttpResponse(entry["content"].replace(CSRF_PLACEHOLDER, csrf_token(request)))
        for name, value in entry["headers"].items():
            response[name] = value
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry["modified"])
    response["Cache-Control"] = "private, no-cache"
    return response


def stored_answer(request) -> HttpResponse | None:
    """The stored page's answer to ``request``, or None if nothing is stored for it now.

    For ``PublicPageMiddleware``, once it has found the request cacheable and set its language
    and htmx details; on a miss it leaves the version it read on the request, for the view.
    """
    version, entry = lookup_copied(_key(request))
    if entry is None:
        setattr(request, MISSED_VERSION, version)
        return None
    return _answer(request, entry)


def shared_section(request, name: str, compute, *, version_key: str = VERSION_KEY) -> str:
    """``compute()``'s HTML, kept for every signed-in reader of the same ``name``, address and language.

    For the part of a signed-in page that is the same for everyone who may see it (a
    search's results, its filters and counts), while the page around it (the person's menu,
    their own buttons) is rendered per request. ``name`` must say everything the section
    depends on besides the address (path and query string), the htmx target and the language:
    which group of readers sees it (the secretariat, the institutions one administers...),
    never one person. The entry follows the public pages' version, so any change of what it
    may show is there on the next request, and expires after ``PAGE_CACHE_SECONDS``; with
    ``version_key=KEPT_VERSION_KEY``, it follows the kept values' version instead, for a
    section that shows what no public page does (meeting requests, follow-ups). The CSRF
    tokens of the request are kept as the placeholder, and each reader gets their own.
    """
    key = _shared_key(request, name)
    version, entry = lookup_copied(key, version_key)
    if entry is None:
        entry = _store_shared(request, key, version, str(compute()))
    return _shared_content(request, entry)


def shared_section_about(request, name: str, load, check, compute, *, version_key: str = VERSION_KEY):
    """``(subject, html)``: a shared section about one object, kept with that object.

    As ``shared_section()``, for a page about one object (an event) whose permission is
    checked on every request: ``load()`` fetches the object (raising ``Http404`` when it does
    not exist), ``check(subject)`` raises when the reader may not see it, ``compute(subject)``
    renders the section. The object is kept in the entry with the section, as ``load()``
    returned it (a model instance, with what ``check`` reads loaded), so that a request whose
    section is stored asks the database nothing: ``check`` runs on the kept object, before
    anything is shown. The entry follows the version like the section, so a change of the
    object (a save, its many-to-many relations) is read afresh on the next request.
    """
    key = _shared_key(request, name)
    version, entry = lookup(key, version_key)
    if entry is None or "subject" not in entry:
        subject = load()
        check(subject)
        entry = _store_shared(request, key, version, str(compute(subject)), subject=subject)
    else:
        subject = entry["subject"]
        check(subject)
    return subject, _shared_content(request, entry)


def _shared_key(request, name: str) -> str:
    return f"pagecache:shared:{name}:{_key(request).removeprefix('pagecache:page:')}"


def _store_shared(request, key: str, version: str, content: str, **extra) -> dict:
    entry = {
        "version": version,
        "content": without_tokens(content, request),
        "expires": time.time() + settings.PAGE_CACHE_SECONDS,
        **extra,
    }
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    if not extra:
        local_copies.put(key, entry)
    return entry


def _shared_content(request, entry: dict) -> str:
    content = entry["content"]
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, csrf_token(request))
    return mark_safe(content)  # noqa: S308  # nosec B308, B703 -- HTML rendered by the portal's templates


def is_public_page(view) -> bool:
    return getattr(view, "public_page", False)


def public_page(view):
    """Serve ``view``'s page from the shared cache to visitors who are not signed in (see above)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        version = getattr(request, MISSED_VERSION, None)
        if version is None:
            version, entry = lookup_copied(key)
        else:
            entry = None  # PublicPageMiddleware has just looked
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
            content = without_tokens(response.content.decode(response.charset), request)
            entry = {
                "version": version,
                "content": content,
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
                "hash": hashlib.sha256(content.encode()).hexdigest()[:32],
                "modified": int(time.time()),
                "expires": time.time() + settings.PAGE_CACHE_SECONDS,
            }
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            local_copies.put(key, entry)
        return _answer(request, entry)

    wrapper.public_page = True
    return wrapper
