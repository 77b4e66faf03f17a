"""A signed-in person's page sections, kept in the cache under their own name until anything changes.

A participant's dashboard or agenda is read far more often than anything on it changes, yet
costs a dozen queries to build. ``kept_for_person`` keeps such a section (usually rendered
HTML) as ``core.pagecache.kept`` keeps shared values: until the next save, delete or
many-to-many change of a model of ``PAGE_CACHE_APPS``, which moves the public pages' version on
(now, and again when the transaction commits), and at most ``PERSONAL_CACHE_SECONDS``.

Privacy: the key names the person (their id) and their browser's CSRF secret, so a section is
only ever served to the request it could have been rendered for: rendered forms carry tokens
of that secret, and a new sign-in (which rotates it) starts afresh. It also names the time
zone, the local date (lists of upcoming events and times depend on them) and the language.
Only use it for sections built from the models of ``PAGE_CACHE_APPS`` (the person's own user
row is one, in ``portal``) alone: anything else (the secretariat group, messages, the clock
beyond the date) must stay outside, be part of ``name``, or be checked by ``fresh``.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from .pagecache import current_version

PERSONAL_CACHE_SECONDS = 600


def kept_for_person(request, name: str, compute, *, fresh=None):
    """``compute()``'s result for the signed-in person of ``request``, kept until the next change.

    ``fresh``, if given, is asked about a kept value before it is used: a value it finds stale
    (one that depends on the clock, such as whether a meeting has started) is computed again.
    """
    user = request.user
    if not user.is_authenticated:
        raise ValueError("kept_for_person() is for signed-in people only.")
    # The secret exists once a token was asked for: ask first, so that a section rendered with
    # a new secret is kept under that secret, not under none.
    get_token(request)
    secret = hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()[:16]
    # The public pages' version, as core.pagecache.kept uses it: any change moves it on.
    key = ":".join(
        (
            "pagecache",
            current_version(),
            translation.get_language() or "",
            "person",
            str(user.pk),
            secret,
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            name,
        )
    )
    value = cache.get(key)
    if value is None or (fresh is not None and not fresh(value)):
        value = compute()
        cache.set(key, value, PERSONAL_CACHE_SECONDS)
    return value
