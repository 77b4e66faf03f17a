from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.webauthn import views as webauthn_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from api.forms import ApiTokenForm
from api.selectors import LISTED_TOKENS, tokens_of
from core.pagecache import KEPT_VERSION_KEY, public_page, shared_section
from core.personalcache import kept_for_person
from events.selectors import events_recent, events_upcoming
from institutions.permissions import is_secretariat
from matchmaking.feeds import calendar_feed_links

from .forms import PreferencesForm
from .mfa import has_second_factor, second_factor_required
from .privacy import user_preferences_update
from .selectors import background_jobs_status, dashboard_context, secretariat_funnel, secretariat_overview
from .services import user_language_set


@require_GET
@public_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {"upcoming": events_upcoming()[:6], "recent": events_recent()[:6]},
    )


@login_required
@require_GET
def dashboard(request):
    # The sections every person has are built from the portal's own models alone: kept per
    # person until any of them changes (core.personalcache), rather than queried afresh on each
    # view. The secretariat's card above them holds figures shared by its members (kept once for
    # all of them) and the background jobs' heartbeat, which the clock moves: read on each view.
    secretariat = is_secretariat(request.user)
    name = "dashboard:secretariat" if secretariat else "dashboard"
    context = {**kept_for_person(request, name, lambda: _participant_dashboard(request)), "is_secretariat": secretariat}
    context["secretariat"] = _secretariat_card(request) if secretariat else None
    return render(request, "portal/dashboard.html", context)


# Where the shared part of the secretariat's card leaves room for the background jobs' card.
JOBS_SLOT = "<!--secretariat-jobs-->"


def _secretariat_card(request) -> dict:
    """The secretariat's card: its figures and drafts rendered once for every member, the jobs' heartbeat per view.

    The shared part (with the verification forms' CSRF tokens, each reader's own) follows
    the kept values' version, as ``secretariat_overview`` and the MoUs to log do, so that
    it changes with them; the heartbeat is rendered on each view, without the request's
    context processors, which it does not need.
    """
    shared = shared_section(
        request,
        "dashboard:secretariat-card",
        lambda: render_to_string(
            "portal/dashboard.html#secretariat-shared",
            {"secretariat": secretariat_overview(), "jobs_slot": True},
            request,
        ),
        version_key=KEPT_VERSION_KEY,
    )
    jobs = render_to_string(
        "portal/dashboard.html#secretariat-jobs", {"secretariat": {"jobs": background_jobs_status()}}
    )
    return {"card": mark_safe(shared.replace(JOBS_SLOT, jobs))}  # noqa: S308  # nosec B308, B703 -- portal templates only


def _participant_dashboard(request) -> dict:
    context = dashboard_context(user=request.user)
    return {
        "is_institution_admin": context["is_institution_admin"],
        "sections": render_to_string("portal/_dashboard_sections.html", context, request),
    }


@login_required
@require_GET
def dashboard_funnel(request):
    """The secretariat dashboard's funnel of every event, which the dashboard loads after its first paint."""
    if not is_secretariat(request.user):
        raise Http404
    # The same for every member of the secretariat, and it counts meeting requests: kept with
    # the values that follow them.
    funnel = shared_section(
        request,
        "secretariat-funnel",
        lambda: render_to_string("portal/_dashboard_funnel.html", {"funnel": secretariat_funnel()}, request),
        version_key=KEPT_VERSION_KEY,
    )
    if request.htmx:
        return HttpResponse(funnel)
    # Without JavaScript, the dashboard links here: a page of its own.
    return render(request, "portal/dashboard_funnel.html", {"funnel": funnel})


@login_required
@require_GET
def dashboard_partners(request):
    """The dashboard's "Partners for you" section, which the dashboard loads after its first paint.

    Kept per person until a profile, a membership, the shortlist or anything else of the
    portal's models changes (core.personalcache): ranking and rendering it costs more than
    the rest of the request.
    """
    return HttpResponse(
        kept_for_person(
            request, "dashboard-partners", lambda: render_to_string("portal/_dashboard_partners.html", request=request)
        )
    )


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
        form = None
    return render(request, "portal/preferences.html", preferences_context(request, form=form))


def preferences_context(request, *, form=None, token_form=None, new_token: str | None = None) -> dict:
    """The preferences page: the person's settings, and their API tokens (``api``), with the
    full string of a token just created (shown in that one answer only)."""
    user = request.user
    if form is None:
        form = PreferencesForm(
            initial={
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "time_zone": user.time_zone,
                "show_profile_to_participants": user.show_profile_to_participants,
                "email_request_digest": user.email_request_digest,
                "email_follow_ups": user.email_follow_ups,
                "email_meeting_reminders": user.email_meeting_reminders,
                "email_request_nudges": user.email_request_nudges,
            }
        )
    return {
        "form": form,
        "api_tokens": list(tokens_of(user=user)[:LISTED_TOKENS]),
        "token_form": token_form or ApiTokenForm(user=user),
        "new_token": new_token,
        "now": timezone.now(),
        "calendar_feed": calendar_feed_links(user=user),
    }


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
        user_language_set(user=request.user, language=language)
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
def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /accounts/\nDisallow: /admin/\n", content_type="text/plain")


@secure_admin_login
def admin_login(request, extra_context=None):
    """Stand in for the admin's own login form, which would sign in with a password alone.

    ``secure_admin_login`` sends visitors to the portal's sign-in (allauth, with its rate
    limits and second factor) and refuses signed-in people who are not staff; a signed-in
    staff member only lands here, and goes on to the admin, never through a password form
    that could sign in someone else.
    """
    return HttpResponseRedirect(get_next_redirect_url(request) or reverse("admin:index"))


@login_required
@require_GET
def mfa_required(request):
    """Explain why staff and secretariat members need a second factor, and link to its set-up."""
    return render(
        request,
        "portal/mfa_required.html",
        {
            "required": second_factor_required(request.user),
            "has_factor": has_second_factor(request.user),
        },
    )


class RemoveWebAuthnView(webauthn_views.RemoveWebAuthnView):
    """allauth's removal of a security key, refusing to remove the last factor someone must keep.

    allauth asks ``MFAAdapter.can_delete_authenticator`` before deactivating TOTP, not before
    removing a key; this view asks it for keys too.
    """

    def form_valid(self, form):
        adapter = get_mfa_adapter()
        if not adapter.can_delete_authenticator(self.get_object()):
            messages.error(self.request, adapter.error_messages["cannot_delete_authenticator"])
            return HttpResponseRedirect(reverse("mfa_list_webauthn"))
        return super().form_valid(form)


remove_webauthn = RemoveWebAuthnView.as_view()
