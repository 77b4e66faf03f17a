"""Partner recommendations ("partners for you") and the personal shortlist."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .errors import InstitutionError
from .models import Institution, ShortlistEntry
from .recommendations import REGIONS, recommend_to
from .selectors import acting_institution, shortlist_of, shortlisted_institution_ids
from .services_shortlist import shortlist_entry_add, shortlist_entry_remove, shortlist_entry_set_note

PARTNER_PAGE_SIZE = 30


class ShortlistNoteForm(forms.ModelForm):
    class Meta:
        model = ShortlistEntry
        fields = ["note"]
        widgets = {"note": forms.TextInput()}


def _safe_next(request, fallback: str) -> str:
    """Return the ``next`` the form came from when it is on this site, else ``fallback``."""
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@login_required
@require_GET
def partner_list(request):
    """List the best partners for the institution the person acts for, with the reasons."""
    institution = acting_institution(request.user)
    region = request.GET.get("region") or ""
    if region not in REGIONS:
        region = ""
    recommendations = []
    if institution is not None:
        recommendations = recommend_to(request.user, institution, limit=PARTNER_PAGE_SIZE, region=region or None)
    return render(
        request,
        "institutions/partners/partner_list.html",
        {
            "institution": institution,
            "recommendations": recommendations,
            "region": region,
            "shortlisted_ids": shortlisted_institution_ids(request.user),
        },
    )


def _shortlist_target(institution_id: int) -> Institution:
    # Rejected institutions are out of the public directory, so they cannot be saved either.
    return get_object_or_404(
        Institution.objects.exclude(verification_status=Institution.Verification.REJECTED), pk=institution_id
    )


def _button_response(request, institution: Institution, *, saved: bool, message: str):
    """Answer a shortlist toggle: the new button for htmx, a redirect back otherwise."""
    if request.htmx:
        return render(
            request,
            "institutions/_shortlist_button.html",
            {
                "institution": institution,
                "shortlisted_ids": {institution.pk} if saved else set(),
                "next": _safe_next(request, institution.get_absolute_url()),
            },
        )
    messages.success(request, message)
    return HttpResponseRedirect(_safe_next(request, institution.get_absolute_url()))


@login_required
@require_POST
def shortlist_add(request, institution_id: int):
    institution = _shortlist_target(institution_id)
    form = ShortlistNoteForm(request.POST)
    if form.is_valid():
        try:
            shortlist_entry_add(user=request.user, institution=institution, note=form.cleaned_data["note"])
        except InstitutionError as exc:
            message = str(exc)
        else:
            return _button_response(
                request,
                institution,
                saved=True,
                message=_("%(name)s is on your shortlist.") % {"name": institution.name},
            )
    else:
        message = _("The note was not saved: %(error)s") % {"error": " ".join(form.errors.get("note", []))}
    if request.htmx:
        return render(
            request,
            "institutions/_shortlist_button.html",
            {
                "institution": institution,
                "shortlisted_ids": shortlisted_institution_ids(request.user),
                "shortlist_error": message,
            },
        )
    messages.error(request, message)
    return HttpResponseRedirect(_safe_next(request, institution.get_absolute_url()))


@login_required
@require_POST
def shortlist_remove(request, institution_id: int):
    institution = get_object_or_404(Institution, pk=institution_id)
    shortlist_entry_remove(user=request.user, institution=institution)
    return _button_response(
        request,
        institution,
        saved=False,
        message=_("%(name)s was removed from your shortlist.") % {"name": institution.name},
    )


@login_required
@require_GET
def shortlist(request):
    """List the person's shortlist, with notes they can edit in place."""
    return render(request, "institutions/partners/shortlist.html", {"entries": list(shortlist_of(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_note(request, pk: int):
    """Show (GET) or save (POST) the note of one of the person's own shortlist entries.

    Another person's entry is a 404, as if it did not exist. htmx gets the row or the form in
    place; without JavaScript the whole shortlist page is shown with the form open.
    """
    entry = get_object_or_404(shortlist_of(request.user), pk=pk)
    template = "institutions/partners/shortlist.html"
    if request.method == "POST":
        form = ShortlistNoteForm(request.POST)
        if form.is_valid():
            entry = shortlist_entry_set_note(entry=entry, note=form.cleaned_data["note"])
            if request.htmx:
                return render(request, f"{template}#shortlist-entry", {"entry": entry})
            messages.success(request, _("The note was saved."))
            return HttpResponseRedirect(reverse("institutions:shortlist"))
        if not request.htmx:
            messages.error(request, _("The note was not saved. Please correct it below."))
    else:
        form = ShortlistNoteForm(instance=entry)
    if request.htmx:
        return render(request, f"{template}#shortlist-entry", {"entry": entry, "note_form": form})
    return render(
        request,
        template,
        {"entries": list(shortlist_of(request.user)), "editing": entry.pk, "note_form": form},
    )


urlpatterns = [
    path("partners/", partner_list, name="partners"),
    path("shortlist/", shortlist, name="shortlist"),
    path("shortlist/add/<int:institution_id>/", shortlist_add, name="shortlist_add"),
    path("shortlist/remove/<int:institution_id>/", shortlist_remove, name="shortlist_remove"),
    path("shortlist/<int:pk>/note/", shortlist_note, name="shortlist_note"),
]
