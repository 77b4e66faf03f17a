"""The privacy page, "download my data" and "delete my account" (rules in ``portal.privacy``)."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .errors import PortalError
from .forms import AccountDeleteForm
from .privacy import institutions_left_without_admin, user_anonymise, user_data_zip


@require_GET
def privacy(request):
    """What the portal collects, why, who sees it, how long it keeps it, and the person's rights."""
    return render(
        request,
        "portal/privacy.html",
        {
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "contact_email": settings.PORTAL_PRIVACY_CONTACT_EMAIL,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def data_download(request):
    """A page with one button; the POST answers a ZIP of JSON files about the signed-in person.

    Downloading asks for the password again when the last sign-in is not recent (allauth's
    reauthentication), since the file holds everything about the person.
    """
    if request.method == "GET":
        return render(request, "portal/data_download.html")
    response = HttpResponse(user_data_zip(user=request.user), content_type="application/zip")
    filename = f"tvet-portal-my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Ask for the password (or the email address), then anonymise the account and sign out."""
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_anonymise(user=user, by=user)
        except PortalError as exc:
            messages.error(request, str(exc))
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Your name and email address are gone."))
            return redirect("home")
    return render(
        request,
        "portal/account_delete.html",
        {"form": form, "blocked": institutions_left_without_admin(user=user)},
    )


urlpatterns = [
    path("privacy/", privacy, name="privacy"),
    path("accounts/data/", data_download, name="account_data"),
    path("accounts/delete/", account_delete, name="account_delete"),
]
