"""Who must sign in with a second factor, and whether they have one.

Secretariat members and staff reach officials' personal data and signed agreements, so they
must hold a TOTP authenticator or a passkey / security key (WebAuthn) before any page other
than the set-up pages opens (``portal.middleware.SecondFactorRequiredMiddleware``), and they
cannot remove their last one (``portal.adapters.MFAAdapter``). Recovery codes alone do not
count: they exist only beside one of the other two.

The demo waives the rule through ``PORTAL_DEMO_WAIVE_MFA`` alone, which ``check --deploy``
reports (``portal.checks``).
"""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings

from institutions.permissions import is_secretariat

FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# The session remembers for this many seconds that its user holds a second factor, so that
# the check does not cost a query on every page. Removing a factor through the portal forgets
# it at once (portal.receivers.forget_removed_second_factor); deleting one in the admin takes
# effect in the person's open sessions within this time.
FACTOR_CHECK_SESSION_KEY = "portal_second_factor_seen"
FACTOR_RECHECK_SECONDS = 300


def is_staff_or_secretariat(user) -> bool:
    """Return whether ``user`` reaches the admin or the secretariat's pages."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Loaded with the signed-in user by portal.backends; asked otherwise.
    in_group = getattr(user, "portal_in_secretariat_group", None)
    return in_group if in_group is not None else is_secretariat(user)


def second_factor_required(user) -> bool:
    """Return whether ``user`` must hold a second factor (unless the demo waives it)."""
    return not settings.PORTAL_DEMO_WAIVE_MFA and is_staff_or_secretariat(user)


def has_second_factor(user) -> bool:
    """Return whether ``user`` holds an active TOTP authenticator or WebAuthn key."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=FACTOR_TYPES).exists()


def session_has_second_factor(request) -> bool:
    """Return whether the signed-in user holds a second factor, remembered in the session.

    Only a positive answer is remembered, for ``FACTOR_RECHECK_SECONDS``.
    """
    user = request.user
    seen = request.session.get(FACTOR_CHECK_SESSION_KEY)
    now = time.time()
    if seen and seen[0] == user.pk and now - seen[1] < FACTOR_RECHECK_SECONDS:
        return True
    if has_second_factor(user):
        remember_second_factor(request)
        return True
    request.session.pop(FACTOR_CHECK_SESSION_KEY, None)
    return False


def remember_second_factor(request) -> None:
    """Record in the session that its user holds a second factor as of now."""
    request.session[FACTOR_CHECK_SESSION_KEY] = [request.user.pk, time.time()]


def forget_second_factor(request) -> None:
    request.session.pop(FACTOR_CHECK_SESSION_KEY, None)
