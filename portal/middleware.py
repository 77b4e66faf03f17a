import time
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .mfa import is_staff_or_secretariat, second_factor_required, session_has_second_factor

# When a staff or secretariat session began and when it was last used (seconds since the
# epoch); see StaffSessionTimeoutMiddleware.
SIGNED_IN_AT_SESSION_KEY = "portal_signed_in_at"
SEEN_AT_SESSION_KEY = "portal_seen_at"
SEEN_AT_RESOLUTION_SECONDS = 60


class UserPreferencesMiddleware:
    """Activate a signed-in person's time zone, and their language unless they just chose one.

    An explicit choice (the language cookie set by the switcher) wins over the stored
    preference, which in turn wins over the browser's Accept-Language header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.preferred_language:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffSessionTimeoutMiddleware:
    """Sign staff and secretariat members out after inactivity, and after a maximum age.

    Their sessions end ``PORTAL_STAFF_SESSION_IDLE_MINUTES`` after the last request and
    ``PORTAL_STAFF_SESSION_MAX_HOURS`` after signing in, whatever happens in between; other
    people keep Django's normal session age. The times live in the session
    (``portal.receivers.record_sign_in`` stamps the sign-in); a session without them, such as
    one that began before its user joined the secretariat, starts counting now. The last-seen
    stamp is rewritten at most once a minute, so that most requests do not write the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and is_staff_or_secretariat(user):
            response = self._expire_or_touch(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _expire_or_touch(self, request):
        session = request.session
        now = time.time()
        signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
        seen_at = session.get(SEEN_AT_SESSION_KEY)
        if signed_in_at is None or seen_at is None:
            session[SIGNED_IN_AT_SESSION_KEY] = signed_in_at or now
            session[SEEN_AT_SESSION_KEY] = now
            return None
        idle = now - seen_at > settings.PORTAL_STAFF_SESSION_IDLE_MINUTES * 60
        too_old = now - signed_in_at > settings.PORTAL_STAFF_SESSION_MAX_HOURS * 3600
        if idle or too_old:
            logout(request)
            messages.info(request, _("Your session expired. Please sign in again."))
            login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(login_url)
            return HttpResponseRedirect(login_url)
        if now - seen_at > SEEN_AT_RESOLUTION_SECONDS:
            session[SEEN_AT_SESSION_KEY] = now
        return None


class SecondFactorRequiredMiddleware:
    """Send staff and secretariat members without a second factor to set one up.

    Runs once the URL is resolved, so that only known pages are judged: every page except
    those needed to add a factor (allauth's MFA and reauthentication pages, email
    verification), signing out, the language switch and the health and readiness probes redirects to
    ``mfa_required``; htmx requests get an ``HX-Redirect``. ``PORTAL_DEMO_WAIVE_MFA`` turns
    this off for the demo.
    """

    ALLOWED_URL_NAMES = frozenset(
        {
            "mfa_required",
            "mfa_index",
            "mfa_activate_totp",
            "mfa_add_webauthn",
            "mfa_list_webauthn",
            "mfa_reauthenticate",
            "mfa_reauthenticate_webauthn",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "account_reauthenticate",
            "account_logout",
            "account_email",
            "account_email_verification_sent",
            "account_confirm_email",
            "set_language",
            "healthz",
            "readyz",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not second_factor_required(user):
            return None
        # view_name carries the namespace, so that no app's URL of the same name slips through.
        if request.resolver_match.view_name in self.ALLOWED_URL_NAMES:
            return None
        if session_has_second_factor(request):
            return None
        setup_url = reverse("mfa_required")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(setup_url)
        return HttpResponseRedirect(setup_url)
