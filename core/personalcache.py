"""A signed-in person's page sections, kept in the cache under their own name until anything changes.

A participant's dashboard or agenda is read far more often than anything on it changes, yet
costs a dozen queries to build. ``kept_for_person`` keeps such a section (usually rendered
HTML) as ``core.pagecache.kept`` keeps shared values: until the next save, delete or
many-to-many change of a model of ``PAGE_CACHE_APPS`` but a sign-in, which moves the kept values'
version on (now, and again when the transaction commits), and at most ``PERSONAL_CACHE_SECONDS``.

Privacy: the key names the person (their id), so a section is only ever served to them. It
also names the time zone, the local date (lists of upcoming events and times depend on them)
and the language. Rendered forms carry CSRF tokens of the browser's secret, which signing in
rotates: as in ``core.pagecache``, the kept copy holds a placeholder instead, and each answer
puts in a token of the request's own secret. (Keying by the secret instead would store a new
copy for every request that comes without the CSRF cookie.)

Only use it for sections built from the models of ``PAGE_CACHE_APPS`` (the person's own user
row is one, in ``portal``) alone: anything else (the secretariat group, messages, the clock
beyond the date) must stay outside, be part of ``name``, or be checked by ``fresh``.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeData, mark_safe

from .pagecache import CSRF_PLACEHOLDER, KEPT_VERSION_KEY, csrf_token, lookup, without_tokens

PERSONAL_CACHE_SECONDS = 600


def _tokens_out(value, request):
    """``value`` with every CSRF token of ``request`` in its strings replaced by the placeholder."""
    if isinstance(value, str):
        replaced = without_tokens(value, request)
        return mark_safe(replaced) if isinstance(value, SafeData) else replaced  # noqa: S308  # nosec B308, B703 -- as safe as before
    if isinstance(value, dict):
        return {key: _tokens_out(item, request) for key, item in value.items()}
    return value


def _tokens_in(value, token: str):
    """``value`` with the placeholder in its strings replaced by ``token``."""
    if isinstance(value, str):
        if CSRF_PLACEHOLDER not in value:
            return value
        replaced = value.replace(CSRF_PLACEHOLDER, token)
        return mark_safe(replaced) if isinstance(value, SafeData) else replaced  # noqa: S308  # nosec B308, B703 -- as safe as before
    if isinstance(value, dict):
        return {key: _tokens_in(item, token) for key, item in value.items()}
    return value


def kept_for_person(request, name: str, compute, *, fresh=None):
    """``compute()``'s result for the signed-in person of ``request``, kept until the next change.

    The result is a string or a dict of values; CSRF tokens in its strings (at the top level
    or in the dict) are kept as a placeholder and answered with a token of the request.
    ``fresh``, if given, is asked about a kept value before it is used: a value it finds stale
    (one that depends on the clock, such as whether a meeting has started) is computed again.
    """
    user = request.user
    if not user.is_authenticated:
        raise ValueError("kept_for_person() is for signed-in people only.")
    key = ":".join(
        (
            "pagecache:person",
            translation.get_language() or "",
            str(user.pk),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            name,
        )
    )
    # Stored with the version core.pagecache.kept follows (any change but a sign-in moves it
    # on), read with it in one round trip.
    version, stored = lookup(key, KEPT_VERSION_KEY)
    value = None if stored is None else stored[1]
    if value is None or (fresh is not None and not fresh(value)):
        # Tokens made while computing unmask to the request's secret, set by the first of them.
        value = _tokens_out(compute(), request)
        cache.set(key, (version, value), PERSONAL_CACHE_SECONDS)
    return _tokens_in(value, csrf_token(request))
