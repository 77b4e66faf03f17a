from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.selectors import events_recent, events_upcoming

from .forms import PreferencesForm
from .privacy import user_preferences_update
from .selectors import dashboard_context
from .tasks import HEARTBEAT_CACHE_KEY


@require_GET
def home(request):
    return render(
        request,
        "portal/home.html",
        {"upcoming": events_upcoming()[:6], "recent": events_recent()[:6]},
    )


@login_required
@require_GET
def dashboard(request):
    return render(request, "portal/dashboard.html", dashboard_context(user=request.user))


@login_required
def preferences(request):
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            user_preferences_update(user=user, data=form.cleaned_data)
            messages.success(request, _("Your preferences were saved."))
            response = HttpResponseRedirect(request.path)
            set_language_cookie(response, user.preferred_language)
            return response
    else:
        form = PreferencesForm(
            initial={
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "time_zone": user.time_zone,
                "show_profile_to_participants": user.show_profile_to_participants,
                "email_request_digest": user.email_request_digest,
                "email_follow_ups": user.email_follow_ups,
            }
        )
    return render(request, "portal/preferences.html", {"form": form})


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person's choice is also remembered."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if not check_for_language(language) or language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.preferred_language != language:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    set_language_cookie(response, language)
    return response


def set_language_cookie(response, language: str) -> None:
    """Remember ``language`` in the cookie LocaleMiddleware reads, with its LANGUAGE_COOKIE_* flags."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_GET
def healthz(request):
    """Answer 200 when the database answers; used by container health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "heartbeat": cache.get(HEARTBEAT_CACHE_KEY)})


@require_GET
def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /accounts/\nDisallow: /admin/\n", content_type="text/plain")
