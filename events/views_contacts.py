"""Contact exchange by QR code: consent, my code, scanning another participant's code, my contacts.

Every page here belongs to one person's own approved registration: anyone else gets a 404, so
that nobody can tell whether someone else has contacts, or even a registration. The rules of an
exchange live in ``events.contacts``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_log
from core.qr import qr_svg

from .contacts import (
    check_exchange,
    contact_card,
    contact_delete,
    contact_exchange,
    contact_url,
    contacts_csv,
    contacts_of,
    own_registration,
    registration_contact_consent_set,
    token_from_contact_scan,
    vcards,
)
from .models import Contact, Event, Registration


def _own_registration_or_404(request, slug: str) -> Registration:
    event = get_object_or_404(Event, slug=slug)
    registration = own_registration(event, request.user)
    if registration is None:
        raise Http404
    return registration


@login_required
@require_http_methods(["GET", "POST"])
def my_contacts(request, slug: str):
    """The consent toggle, my code (while I consent), the scanner and my contacts."""
    registration = _own_registration_or_404(request, slug)
    event = registration.event
    if request.method == "POST":
        share = request.POST.get("shares_contact") == "on"
        registration_contact_consent_set(registration=registration, shares=share)
        if share:
            messages.success(request, _("You now exchange contact details by scanning."))
        else:
            messages.success(
                request, _("You no longer exchange contact details. Your email is hidden from your contacts.")
            )
        return redirect("events:my_contacts", slug=event.slug)
    code_url = contact_url(registration, request) if registration.shares_contact else ""
    context = {
        "event": event,
        "registration": registration,
        "code_url": code_url,
        "code_qr": qr_svg(code_url) if code_url else "",
        "cards": [contact_card(contact) for contact in contacts_of(registration)],
    }
    return render(request, "events/contacts/contacts.html", context)


@login_required
@require_POST
def contact_scan(request, slug: str):
    """A code read by the page's camera scanner or typed in: show whose it is, with a confirm button.

    The scanner posts with htmx headers and gets the preview fragment; without JavaScript the
    manual field lands on the code's own page.
    """
    registration = _own_registration_or_404(request, slug)
    token = token_from_contact_scan(request.POST.get("token", ""))
    theirs = Registration.objects.select_related("event").filter(contact_token=token).first() if token else None
    if theirs is None:
        error = _("Unknown code: this is not a contact-exchange code of the portal.")
        if request.htmx:
            return render(request, "events/contacts/contacts.html#scan-result", {"error": error})
        messages.error(request, error)
        return redirect("events:my_contacts", slug=registration.event.slug)
    if not request.htmx:
        return redirect("events:contact_add", token=theirs.contact_token)
    check = check_exchange(request.user, theirs)
    return render(request, "events/contacts/contacts.html#scan-result", {"check": check, "token": theirs.contact_token})


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request, token: str):
    """The page a contact-exchange code opens: who it is (if allowed) and a button to add them."""
    theirs = get_object_or_404(Registration.objects.select_related("user", "institution", "event"), contact_token=token)
    if request.method == "POST":
        check = contact_exchange(user=request.user, theirs=theirs)
        if check.outcome in ("added", "already"):
            level = messages.success if check.outcome == "added" else messages.info
            level(request, check.message)
            return redirect("events:my_contacts", slug=theirs.event.slug)
    else:
        check = check_exchange(request.user, theirs)
    return render(request, "events/contacts/add.html", {"check": check, "token": token, "event": theirs.event})


@login_required
@require_POST
def contact_remove(request, slug: str, pk: int):
    """Remove someone from my contacts; they keep me in theirs unless they remove me too."""
    registration = _own_registration_or_404(request, slug)
    contact = get_object_or_404(Contact, pk=pk, owner=registration)
    contact_delete(contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("events:my_contacts", slug=registration.event.slug)


def _export(request, registration: Registration, content: str, content_type: str, extension: str) -> HttpResponse:
    audit_log(
        action="events.contacts.exported",
        actor=request.user,
        target=registration,
        institution=registration.institution_id,
        event=registration.event_id,
        data={"format": extension},
    )
    slug = registration.event.slug
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="contacts-{slug}.{extension}"'
    return response


@login_required
@require_GET
def contacts_vcf(request, slug: str):
    """My contacts as a vCard 3.0 file, for a phone's address book."""
    registration = _own_registration_or_404(request, slug)
    cards = [contact_card(contact) for contact in contacts_of(registration)]
    return _export(request, registration, vcards(cards), "text/vcard; charset=utf-8", "vcf")


@login_required
@require_GET
def contacts_csv_export(request, slug: str):
    """My contacts as CSV (UTF-8 with BOM, so spreadsheets read every script)."""
    registration = _own_registration_or_404(request, slug)
    cards = [contact_card(contact) for contact in contacts_of(registration)]
    return _export(request, registration, contacts_csv(cards), "text/csv; charset=utf-8", "csv")


urlpatterns = [
    path("contacts/add/<str:token>/", contact_add, name="contact_add"),
    path("<slug:slug>/contacts/", my_contacts, name="my_contacts"),
    path("<slug:slug>/contacts/scan/", contact_scan, name="contact_scan"),
    path("<slug:slug>/contacts/<int:pk>/remove/", contact_remove, name="contact_remove"),
    path("<slug:slug>/contacts/export.vcf", contacts_vcf, name="contacts_vcf"),
    path("<slug:slug>/contacts/export.csv", contacts_csv_export, name="contacts_csv"),
]
