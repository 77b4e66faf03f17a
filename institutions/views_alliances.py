"""An alliance's members, managed by its admins and the secretariat, and the request to join it.

The alliance's public page (members by country, its events and MoUs) is served by the MoU app
(``/alliances/<slug>/``, see ``institutions.alliance_pages``); these views only write. Like the
other profile views they answer 404 to a signed-in person without the right.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .alliance_pages import alliance_page_url
from .errors import InstitutionError
from .forms_alliances import (
    AllianceAddForm,
    AllianceDecisionForm,
    AllianceEndForm,
    AllianceJoinForm,
    AllianceMemberForm,
)
from .models import AllianceMembership, Institution
from .selectors import alliance_candidates, alliance_memberships_for_management, institutions_matching
from .services_alliances import (
    alliance_membership_add,
    alliance_membership_approve,
    alliance_membership_decline,
    alliance_membership_end,
    alliance_membership_request,
    alliance_membership_update,
)
from .views_profile import institution_with_permission


def _managed(request, slug: str) -> Institution:
    return institution_with_permission(request, slug, "institutions.manage_alliance_members")


def _membership(alliance: Institution, pk: int, *, status: str) -> AllianceMembership:
    return get_object_or_404(
        AllianceMembership.objects.select_related("alliance", "member"), pk=pk, alliance=alliance, status=status
    )


def _form_error(request, form) -> None:
    messages.error(request, next(iter(form.errors.values()))[0])


@login_required
@require_GET
def alliance_members(request, slug: str):
    alliance = _managed(request, slug)
    return render(request, "institutions/alliances/members.html", _members_context(request, alliance))


@login_required
@require_GET
def alliance_member_candidates(request, slug: str):
    """The institutions matching ``find`` that may be added, as the add form's ``<option>``s (htmx)."""
    alliance = _managed(request, slug)
    matches = institutions_matching(request.GET.get("find", ""), among=alliance_candidates(alliance))
    return render(request, "institutions/_institution_options.html", {"matches": matches})


def _members_context(request, alliance: Institution, **forms) -> dict:
    memberships = alliance_memberships_for_management(alliance=alliance)
    find = request.GET.get("find", "")
    return {
        "alliance": alliance,
        "alliance_url": alliance_page_url(alliance),
        "requests": [m for m in memberships if m.status == AllianceMembership.Status.REQUESTED],
        "members": [m for m in memberships if m.status == AllianceMembership.Status.ACTIVE],
        "past": [
            m for m in memberships if m.status in (AllianceMembership.Status.LEFT, AllianceMembership.Status.DECLINED)
        ],
        "roles": AllianceMembership.Role.choices,
        "find": find,
        "add_form": forms.get("add_form") or AllianceAddForm(alliance=alliance, find=find),
    }


@login_required
@require_POST
def alliance_request_decide(request, slug: str, pk: int):
    alliance = _managed(request, slug)
    membership = _membership(alliance, pk, status=AllianceMembership.Status.REQUESTED)
    try:
        if request.POST.get("decision") == "decline":
            alliance_membership_decline(membership=membership, by=request.user)
            messages.success(request, _("The request of %(name)s was declined.") % {"name": membership.member.name})
        else:
            form = AllianceDecisionForm(request.POST)
            if not form.is_valid():
                _form_error(request, form)
                return redirect("institutions:alliance_members", slug=alliance.slug)
            alliance_membership_approve(
                membership=membership,
                by=request.user,
                role=form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
            )
            messages.success(request, _("%(name)s is now a member.") % {"name": membership.member.name})
    except InstitutionError as exc:
        messages.error(request, str(exc))
    return redirect("institutions:alliance_members", slug=alliance.slug)


@login_required
@require_POST
def alliance_member_add(request, slug: str):
    alliance = _managed(request, slug)
    form = AllianceAddForm(request.POST, alliance=alliance)
    if form.is_valid():
        try:
            membership = alliance_membership_add(
                alliance=alliance,
                member=form.cleaned_data["member"],
                by=request.user,
                role=form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except InstitutionError as exc:
            form.add_error("member", str(exc))
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": membership.member.name})
            return redirect("institutions:alliance_members", slug=alliance.slug)
    return render(
        request, "institutions/alliances/members.html", _members_context(request, alliance, add_form=form), status=400
    )


@login_required
@require_POST
def alliance_member_change(request, slug: str, pk: int):
    alliance = _managed(request, slug)
    membership = _membership(alliance, pk, status=AllianceMembership.Status.ACTIVE)
    form = AllianceMemberForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            alliance_membership_update(membership=membership, by=request.user, **form.cleaned_data)
        except InstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The membership of %(name)s was changed.") % {"name": membership.member.name})
    return redirect("institutions:alliance_members", slug=alliance.slug)


@login_required
@require_POST
def alliance_member_end(request, slug: str, pk: int):
    """End a membership: the alliance's admins and the secretariat, or the member's admins (leaving)."""
    alliance = get_object_or_404(Institution, slug=slug, kind=Institution.Kind.ALLIANCE)
    membership = _membership(alliance, pk, status=AllianceMembership.Status.ACTIVE)
    managing = request.user.has_perm("institutions.manage_alliance_members", alliance)
    if not (managing or request.user.has_perm("institutions.manage_members", membership.member)):
        raise Http404
    form = AllianceEndForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            alliance_membership_end(membership=membership, by=request.user, left_on=form.cleaned_data["left_on"])
        except InstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(member)s is no longer a member of %(alliance)s.")
                % {"member": membership.member.name, "alliance": alliance.name},
            )
    if managing:
        return redirect("institutions:alliance_members", slug=alliance.slug)
    return redirect(alliance_page_url(alliance))


@login_required
@require_POST
def alliance_join(request, slug: str):
    """Ask for one of the person's institutions to join the alliance; back to the alliance's page."""
    alliance = institution_with_permission(request, slug, "institutions.join_alliance")
    form = AllianceJoinForm(request.POST, user=request.user, alliance=alliance)
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            alliance_membership_request(
                alliance=alliance, member=form.cleaned_data["member"], by=request.user, note=form.cleaned_data["note"]
            )
        except InstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The request for %(member)s to join was sent to the alliance's admins.")
                % {"member": form.cleaned_data["member"].name},
            )
    return redirect(alliance_page_url(alliance))


urlpatterns = [
    path("<slug:slug>/alliance-members/", alliance_members, name="alliance_members"),
    path("<slug:slug>/alliance-members/add/", alliance_member_add, name="alliance_member_add"),
    path("<slug:slug>/alliance-members/candidates/", alliance_member_candidates, name="alliance_member_candidates"),
    path("<slug:slug>/alliance-members/<int:pk>/decide/", alliance_request_decide, name="alliance_request_decide"),
    path("<slug:slug>/alliance-members/<int:pk>/change/", alliance_member_change, name="alliance_member_change"),
    path("<slug:slug>/alliance-members/<int:pk>/end/", alliance_member_end, name="alliance_member_end"),
    path("<slug:slug>/join-alliance/", alliance_join, name="alliance_join"),
]
