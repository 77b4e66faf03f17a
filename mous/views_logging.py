"""Logging an MoU (secretariat), proposing one (institution admins), reviewing proposals and the
meetings whose participants reported an MoU signed."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.collation import sort_key
from institutions.models import Institution
from institutions.permissions import active_institution_ids, is_secretariat
from institutions.selectors import institutions_matching
from matchmaking.models import Meeting

from .errors import MouError
from .forms import MAX_PARTIES, MouEdit
from .models import Mou
from .services import meeting_institution_ids, mou_proposal_confirm, mou_proposal_reject, mou_save


def _secretariat_or_404(request) -> None:
    if not is_secretariat(request.user):
        raise Http404


# A party row's search box, which htmx sends under its own name (``parties-0-find``).
_ROW_SEARCH = re.compile(r"^parties-\d{1,2}-find$")


def _search_text(request) -> str:
    """The text searched for: ``q``, or else the search box of the party row that asked."""
    if "q" in request.GET:
        return request.GET["q"]
    return next((value for key, value in request.GET.items() if _ROW_SEARCH.match(key)), "")


@login_required
@require_GET
def institution_search(request):
    """Up to ten institutions matching ``q`` (or a party row's search box): JSON by default, HTML ``<option>``s with ``format=html``
    (htmx fills the party's select with them)."""
    matches = list(institutions_matching(_search_text(request)))
    if request.GET.get("format") == "html" or request.htmx:
        return render(
            request,
            "institutions/_institution_options.html",
            {"matches": matches, "selected": request.GET.get("selected", "")},
        )
    return JsonResponse(
        {
            "results": [
                {
                    "id": institution.pk,
                    "name": institution.name,
                    "name_local": institution.name_local,
                    "acronym": institution.acronym,
                    "country": str(institution.country),
                }
                for institution in matches
            ]
        }
    )


def _with_extra_party_row(data):
    """A copy of the posted form with one more empty party row (adding a party, with or without JS)."""
    data = data.copy()
    try:
        total = int(data.get("parties-TOTAL_FORMS", 0))
    except ValueError:
        return None
    data["parties-TOTAL_FORMS"] = str(min(total + 1, MAX_PARTIES))
    return data


def _edit_and_save(request, edit_factory, *, template: str, context: dict, on_saved):
    """Shared flow of the log, edit and propose forms."""
    if request.method == "POST":
        if "add_party" in request.POST or "refresh" in request.POST or "find_parties" in request.POST:
            # Show the form again with one more party row, with the meetings of the chosen event,
            # or with the institutions found by the party rows' search boxes (without JavaScript).
            data = _with_extra_party_row(request.POST) if "add_party" in request.POST else request.POST
            if data is None:
                return HttpResponseBadRequest()
            edit = edit_factory(data).without_errors()
            return render(request, template, {**context, "edit": edit, "adding": True})
        edit = edit_factory(request.POST)
        if edit.is_valid():
            form = edit.form
            # The form has already put its cleaned values on its instance; the service saves it.
            mou = form.instance
            if "proposed_by" in form.cleaned_data:
                mou.proposed_by = form.cleaned_data["proposed_by"]
            try:
                mou_save(
                    mou=mou,
                    parties=[row.cleaned_data for row in edit.parties.forms],
                    cooperation_types=form.cleaned_data["cooperation_types"],
                    sectors=form.cleaned_data["sectors"],
                    meetings=form.cleaned_data["meetings"],
                    user=request.user,
                )
            except MouError as error:
                form.add_error(None, error.message)
            else:
                on_saved(mou)
                return redirect(mou)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    else:
        edit = edit_factory(None)
    return render(request, template, {**context, "edit": edit})


def _prefill_from_meeting(request) -> tuple[dict, list[dict]]:
    """Initial values when logging the MoU a matchmaking meeting reported as signed."""
    meeting_id = request.GET.get("meeting", "")
    if not meeting_id.isdigit():
        return {}, []
    meeting = get_object_or_404(
        Meeting.objects.select_related("session__event", "request__requester", "request__recipient"),
        pk=meeting_id,
    )
    institutions = Institution.objects.in_bulk(meeting_institution_ids(meeting=meeting))
    parties = [{"institution": pk} for pk in sorted(institutions, key=lambda pk: sort_key(institutions[pk].name))]
    return {"event": meeting.session.event, "meetings": [meeting.pk], "status": Mou.Status.SIGNED}, parties


@login_required
@require_http_methods(["GET", "POST"])
def mou_new(request):
    """The secretariat logs an MoU."""
    _secretariat_or_404(request)
    initial, parties = _prefill_from_meeting(request) if request.method == "GET" else ({}, [])

    def factory(data):
        return MouEdit(data=data, user=request.user, initial=initial, parties_initial=parties or None)

    def saved(mou):
        messages.success(request, _("The MoU was recorded."))

    return _edit_and_save(
        request, factory, template="mous/logging/form.html", context={"heading": _("Log an MoU")}, on_saved=saved
    )


@login_required
@require_http_methods(["GET", "POST"])
def mou_edit(request, pk: int):
    """The secretariat edits any MoU; a proposer's admins edit their draft until it is confirmed."""
    mou = get_object_or_404(Mou.objects.prefetch_related("parties"), pk=pk)
    if not request.user.has_perm("mous.edit_mou_form", mou):
        raise Http404
    proposal = not is_secretariat(request.user)

    def factory(data):
        return MouEdit(instance=mou, data=data, user=request.user, proposal=proposal)

    def saved(saved_mou):
        messages.success(request, _("The MoU was saved."))

    return _edit_and_save(
        request,
        factory,
        template="mous/logging/form.html",
        context={"heading": _("Edit the MoU"), "mou": mou},
        on_saved=saved,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mou_propose(request):
    """An institution's admin proposes a draft MoU for the secretariat to confirm."""
    admin_of = Institution.objects.filter(pk__in=active_institution_ids(request.user, admin_only=True)).order_by("name")
    allowed = [institution for institution in admin_of if request.user.has_perm("mous.propose_mou", institution)]
    if not allowed:
        raise Http404
    choices = Institution.objects.filter(pk__in=[institution.pk for institution in allowed]).order_by("name")
    parties = [{"institution": allowed[0].pk}, {}] if request.method == "GET" else None

    def factory(data):
        return MouEdit(data=data, user=request.user, proposal=True, proposer_choices=choices, parties_initial=parties)

    def saved(mou):
        messages.success(request, _("Your proposal was sent: the secretariat will confirm it."))

    return _edit_and_save(
        request,
        factory,
        template="mous/logging/form.html",
        context={"heading": _("Propose an MoU"), "proposing": True},
        on_saved=saved,
    )


@login_required
@require_GET
def proposals(request):
    """Proposed drafts waiting for the secretariat."""
    _secretariat_or_404(request)
    waiting = (
        Mou.objects.filter(status=Mou.Status.DRAFT, proposed_by__isnull=False)
        .select_related("proposed_by")
        .prefetch_related("parties__institution")
        .order_by("created_at")
    )
    return render(request, "mous/logging/proposals.html", {"proposals": waiting})


@login_required
@require_POST
def proposal_confirm(request, pk: int):
    _secretariat_or_404(request)
    mou = get_object_or_404(Mou, pk=pk, status=Mou.Status.DRAFT, proposed_by__isnull=False)
    raw = request.POST.get("signed_on", "")
    try:
        signed_on = parse_date(raw) if raw else None
    except ValueError:
        signed_on = None
    if raw and signed_on is None:
        messages.error(request, _("The signing date is not a valid date; nothing was changed."))
        return redirect("mous:proposals")
    try:
        mou_proposal_confirm(mou=mou, signed_on=signed_on)
    except MouError as error:
        messages.error(request, error.message)
        return redirect("mous:proposals")
    messages.success(request, _("The MoU “%(title)s” is confirmed as signed.") % {"title": mou.title})
    return redirect(mou)


@login_required
@require_POST
def proposal_reject(request, pk: int):
    _secretariat_or_404(request)
    mou = get_object_or_404(Mou, pk=pk, status=Mou.Status.DRAFT, proposed_by__isnull=False)
    title = mou.title
    mou_proposal_reject(mou=mou)
    messages.success(request, _("The proposal “%(title)s” was rejected and deleted.") % {"title": title})
    return redirect("mous:proposals")


def meetings_to_log():
    """Meetings whose participants reported an MoU signed that no MoU records yet."""
    return (
        Meeting.objects.filter(outcome="mou_signed", mou_link__isnull=True)
        .select_related(
            "session__event",
            "request__requester__institution",
            "request__recipient__institution",
            "request__recipient_institution",
        )
        .order_by("-outcome_at", "pk")
    )


@login_required
@require_GET
def to_log(request):
    _secretariat_or_404(request)
    return render(request, "mous/logging/to_log.html", {"meetings": meetings_to_log()})


urlpatterns = [
    path("new/", mou_new, name="new"),
    path("propose/", mou_propose, name="propose"),
    path("proposals/", proposals, name="proposals"),
    path("to-log/", to_log, name="to_log"),
    path("institutions/search/", institution_search, name="institution_search"),
    path("<int:pk>/edit/", mou_edit, name="edit"),
    path("<int:pk>/confirm/", proposal_confirm, name="proposal_confirm"),
    path("<int:pk>/reject/", proposal_reject, name="proposal_reject"),
]
