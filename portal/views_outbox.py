"""The secretariat's view of the email outbox, and unsubscribing from optional emails."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import outbox
from core.models import OutboundEmail
from institutions.permissions import is_secretariat

from .services import user_email_preference_turn_off

FAILED_SHOWN = 200


def _secretariat_only(request) -> None:
    if not is_secretariat(request.user):
        raise Http404


@login_required
@require_GET
def overview(request):
    """Counts by state and kind, the oldest waiting email, and failed emails to try again."""
    _secretariat_only(request)
    failed = (
        OutboundEmail.objects.filter(state=OutboundEmail.State.FAILED)
        .select_related("user")
        .order_by("-next_attempt_at", "-pk")[:FAILED_SHOWN]
    )
    context = outbox.summary()
    context["failed"] = failed
    context["failed_shown"] = FAILED_SHOWN
    context["states"] = OutboundEmail.State.choices
    context["kind_rows"] = [
        (kind, [counts[state] for state in OutboundEmail.State.values]) for kind, counts in context["by_kind"].items()
    ]
    return render(request, "portal/outbox/overview.html", context)


@login_required
@require_POST
def retry(request, pk: int):
    """Put one failed email back in the queue."""
    _secretariat_only(request)
    email = get_object_or_404(OutboundEmail, pk=pk)
    if outbox.retry(email=email):
        messages.success(
            request,
            _("The email to %(email)s will be tried again within a minute.") % {"email": email.recipient_address},
        )
    else:
        messages.error(
            request,
            _("Only failed emails can be tried again; this one is %(state)s.") % {"state": email.get_state_display()},
        )
    return HttpResponseRedirect(reverse("outbox"))


@login_required
@require_POST
def retry_all(request):
    """Put every failed email back in the queue."""
    _secretariat_only(request)
    count = outbox.retry_all_failed()
    messages.success(
        request,
        ngettext(
            "%(count)d failed email will be tried again within a minute.",
            "%(count)d failed emails will be tried again within a minute.",
            count,
        )
        % {"count": count},
    )
    return HttpResponseRedirect(reverse("outbox"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Turn one optional kind of email off, from the link in its footer; no sign-in needed.

    GET shows a confirmation button (mail scanners follow links, so a GET changes nothing).
    POST turns the preference off: from that button (CSRF-checked), or straight from a mail
    client that supports one-click unsubscribing (RFC 8058), which cannot send a CSRF token.
    """
    found = outbox.read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        return render(request, "portal/outbox/unsubscribe_invalid.html", status=400)
    preference = found[1]
    label = get_user_model()._meta.get_field(preference).verbose_name
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        if not one_click:
            rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if rejected is not None:
                return rejected
        user_email_preference_turn_off(user=user, preference=preference)
        return render(request, "portal/outbox/unsubscribe.html", {"done": True, "label": label, "token": token})
    return render(
        request,
        "portal/outbox/unsubscribe.html",
        {"done": False, "already": not getattr(user, preference), "label": label, "token": token},
    )


urlpatterns = [
    path("outbox/", overview, name="outbox"),
    path("outbox/<int:pk>/retry/", retry, name="outbox_retry"),
    path("outbox/retry-failed/", retry_all, name="outbox_retry_all"),
    path("email/unsubscribe/<str:token>/", unsubscribe, name="email_unsubscribe"),
]
