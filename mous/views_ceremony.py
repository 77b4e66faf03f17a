"""Ceremony mode: the secretariat records all MoUs signed at one ceremony in one form."""

import re

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from institutions.selectors import institution_choices_queryset, institutions_matching

from .errors import MouError
from .forms_ceremony import (
    MAX_CEREMONY_ROWS,
    CeremonyEntry,
    CeremonyForm,
    MouRowFormSet,
)
from .models import Mou
from .services import mous_ceremony_create

_ROW_PREFIX = re.compile(r"^rows-(\d{1,3})$")


def _secretariat_only(request) -> None:
    """Answer 404 to everyone but the secretariat, as if the page did not exist."""
    if not request.user.has_perm("mous.add_mou"):
        raise Http404


def _row_prefix(request) -> str:
    match = _ROW_PREFIX.match(request.GET.get("prefix", ""))
    if not match:
        raise ValueError
    return match.group(0)


def _row_party_ids(request, prefix: str) -> set[int]:
    """Return the ids of the parties already picked in the row (its chips, sent along by htmx)."""
    return {int(value) for value in request.GET.getlist(f"{prefix}-parties") if value.isdigit()}


def ceremony(request):
    """Record the MoUs of a signing ceremony: all rows are saved, or none.

    Without JavaScript, "Add an MoU" submits the form with ``add`` set: the page comes back with
    one more empty row and nothing is saved; a row's "Search" (``find_parties``) brings it back
    with the institutions its search box found on offer.
    """
    _secretariat_only(request)
    if request.method == "POST":
        if "add" in request.POST or "find_parties" in request.POST:
            data = request.POST.copy()
            key = f"{CeremonyEntry.prefix}-TOTAL_FORMS"
            try:
                rows = int(data.get(key, 0)) + (1 if "add" in request.POST else 0)
            except ValueError:
                return HttpResponseBadRequest()
            data[key] = str(min(rows, MAX_CEREMONY_ROWS))
            return render(
                request, "mous/ceremony/ceremony.html", _page_context(CeremonyEntry(data).without_errors(), adding=True)
            )
        entry = CeremonyEntry(request.POST)
        if entry.is_valid():
            try:
                created = mous_ceremony_create(
                    shared=entry.form.cleaned_data,
                    rows=[row.cleaned_data for row in entry.rows.rows_to_save()],
                    created_by=request.user,
                )
            except MouError as error:
                entry.refuse(error.message)
            else:
                count = len(created)
                messages.success(
                    request,
                    ngettext("%(count)d MoU was recorded.", "%(count)d MoUs were recorded.", count) % {"count": count},
                )
                done = reverse("mous:ceremony_done") + "?" + urlencode({"mou": [m.pk for m in created]}, doseq=True)
                return redirect(done)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    else:
        entry = CeremonyEntry()
    return render(request, "mous/ceremony/ceremony.html", _page_context(entry))


def _page_context(entry: CeremonyEntry, *, adding: bool = False) -> dict:
    return {"entry": entry, "adding": adding}


@require_GET
def ceremony_row(request):
    """Return one empty MoU row (htmx) and, out of band, the new row count."""
    _secretariat_only(request)
    try:
        index = int(request.GET.get(f"{CeremonyEntry.prefix}-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponseBadRequest()
    if not 0 <= index < MAX_CEREMONY_ROWS:
        return HttpResponseBadRequest()
    row = MouRowFormSet(prefix=CeremonyEntry.prefix).new_row(index)
    return render(request, "mous/ceremony/_row_added.html", {"row": row, "total": index + 1})


@require_GET
def ceremony_row_removed(request):
    """Replace a row with its "removed" state (htmx): it is left out when the form is saved."""
    _secretariat_only(request)
    try:
        prefix = _row_prefix(request)
    except ValueError:
        return HttpResponseBadRequest()
    return render(request, "mous/ceremony/ceremony.html#row-removed", {"prefix": prefix})


@require_GET
def ceremony_institutions(request):
    """Suggest institutions by English name, local-script name or acronym for a row (htmx).

    Stands in for a shared institution search until the MoU pages have one.
    """
    _secretariat_only(request)
    try:
        prefix = _row_prefix(request)
    except ValueError:
        return HttpResponseBadRequest()
    query = request.GET.get("q", "")
    matches = institutions_matching(query, exclude_ids=_row_party_ids(request, prefix))
    return render(
        request,
        "mous/ceremony/_suggestions.html",
        {"prefix": prefix, "query": query, "suggestions": [(i, i.picker_label(country=False)) for i in matches]},
    )


@require_GET
def ceremony_party(request):
    """Return the chip of one picked party for a row (htmx).

    An institution the row already has is refused at once, with a message in the row's
    suggestions, rather than when the whole ceremony is saved.
    """
    _secretariat_only(request)
    try:
        prefix = _row_prefix(request)
    except ValueError:
        return HttpResponseBadRequest()
    institution_id = request.GET.get("institution", "")
    institution = institution_choices_queryset().filter(pk=institution_id).first() if institution_id.isdigit() else None
    if institution is None:
        return HttpResponseBadRequest()
    if institution.pk in _row_party_ids(request, prefix):
        refusal = _("%(name)s is already a party to this MoU.") % {"name": institution.name}
        return render(request, "mous/ceremony/_party_chip.html", {"prefix": prefix, "refusal": refusal})
    return render(
        request,
        "mous/ceremony/_party_chip.html",
        # With ``prefix`` the chip also empties the row's suggestions, out of band.
        {
            "name": f"{prefix}-parties",
            "prefix": prefix,
            "institution": institution,
            "label": institution.picker_label(country=False),
        },
    )


@require_GET
def ceremony_sessions(request):
    """Return the session choice narrowed to the chosen event (htmx)."""
    _secretariat_only(request)
    event = request.GET.get("event", "")
    form = CeremonyForm(initial={"event": event if event.isdigit() else None})
    return render(request, "mous/ceremony/_session_field.html", {"form": form})


@require_GET
def ceremony_done(request):
    """List the MoUs just recorded, with links to their pages."""
    _secretariat_only(request)
    ids = [int(v) for v in request.GET.getlist("mou") if v.isdigit()]
    mous = (
        Mou.objects.filter(pk__in=ids)
        .select_related("event", "ceremony_session")
        .prefetch_related("parties__institution")
        .order_by("pk")
    )
    return render(request, "mous/ceremony/done.html", {"mous": mous})


urlpatterns = [
    path("ceremony/", ceremony, name="ceremony"),
    path("ceremony/row/", ceremony_row, name="ceremony_row"),
    path("ceremony/row/removed/", ceremony_row_removed, name="ceremony_row_removed"),
    path("ceremony/institutions/", ceremony_institutions, name="ceremony_institutions"),
    path("ceremony/party/", ceremony_party, name="ceremony_party"),
    path("ceremony/sessions/", ceremony_sessions, name="ceremony_sessions"),
    path("ceremony/done/", ceremony_done, name="ceremony_done"),
]
