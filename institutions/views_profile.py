"""Profile editing, members and invitations, and the contact relay.

Every view that concerns one institution answers 404, not 403, to a signed-in person without
the right: the page of an institution is public, but whether someone may edit it or see its
members is not something to reveal. Visitors are sent to sign in first.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .completeness import profile_completeness
from .duplicates import email_domain_matches_website
from .errors import InstitutionError
from .forms import ITEM_FORMSETS, MAX_PROFILE_ITEMS, ContactForm, InvitationForm, JobTitleForm, ProfileEdit, RoleForm
from .models import Institution, Invitation, Membership
from .services_profile import (
    contact_message_send,
    institution_profile_update,
    invitation_accept,
    invitation_create,
    invitation_is_expired,
    invitation_revoke,
    invitations_open,
    membership_change_role,
    membership_remove,
    membership_update_job_title,
    user_has_verified_email,
)


def institution_with_permission(request, slug: str, permission: str) -> Institution:
    """Return the institution ``slug`` if the signed-in person has ``permission`` on it, else 404."""
    institution = get_object_or_404(Institution, slug=slug)
    if not request.user.has_perm(permission, institution):
        raise Http404
    return institution


# --- Profile editing -----------------------------------------------------------------------


@login_required
def institution_edit(request, slug: str):
    """Edit the profile with its offers and needs; all of it is saved, or none of it.

    Without JavaScript, the "Add offer"/"Add need" buttons submit the form with ``add`` set:
    the page comes back with one more empty row and nothing is saved.
    """
    institution = institution_with_permission(request, slug, "institutions.edit_institution")
    if request.method == "POST":
        kind = request.POST.get("add")
        if kind in ITEM_FORMSETS:
            data = request.POST.copy()
            key = f"{kind}-TOTAL_FORMS"
            try:
                data[key] = str(min(int(data.get(key, 0)) + 1, MAX_PROFILE_ITEMS))
            except ValueError:
                return HttpResponseBadRequest()
            edit = ProfileEdit(institution, data)
            return render(request, "institutions/profile/edit.html", edit_context(edit, added=kind))
        edit = ProfileEdit(institution, request.POST, request.FILES)
        if edit.is_valid():
            try:
                saved = institution_profile_update(
                    form=edit.form, item_formsets=[edit.offers, edit.needs], previous_logo=edit.previous_logo
                )
            except InstitutionError as exc:
                edit.form.add_error(None, str(exc))
            else:
                messages.success(request, _("The profile was saved."))
                return redirect(saved)
        messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    else:
        edit = ProfileEdit(institution)
    return render(request, "institutions/profile/edit.html", edit_context(edit))


def edit_context(edit: ProfileEdit, *, added: str = "") -> dict:
    return {
        "institution": edit.institution,
        "form": edit.form,
        "formsets": [
            ("offers", _("Offers"), _("What your institution can give a partner."), _("Add an offer"), edit.offers),
            ("needs", _("Needs"), _("What your institution looks for in a partner."), _("Add a need"), edit.needs),
        ],
        "added": added,
        "completeness": profile_completeness(edit.institution),
    }


_ROW_PREFIX = re.compile(r"^(offers|needs)-(\d{1,3})$")


@login_required
@require_GET
def institution_edit_row(request, slug: str, kind: str):
    """Return one empty offer or need row for the edit form (htmx), and the new row count."""
    institution = institution_with_permission(request, slug, "institutions.edit_institution")
    if kind not in ITEM_FORMSETS:
        raise Http404
    try:
        index = int(request.GET.get(f"{kind}-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponseBadRequest()
    if not 0 <= index < MAX_PROFILE_ITEMS:
        return render(request, "institutions/profile/edit.html#row-limit", {"limit": MAX_PROFILE_ITEMS})
    formset = ITEM_FORMSETS[kind](instance=institution, prefix=kind)
    return render(
        request,
        "institutions/profile/edit.html#item-row-added",
        {"row": formset.new_row(index), "kind": kind, "total": index + 1, "institution": institution},
    )


@login_required
@require_GET
def institution_edit_row_removed(request, slug: str, kind: str):
    """Replace a row of the edit form with its "removed" state (htmx): deleted when saved."""
    institution_with_permission(request, slug, "institutions.edit_institution")
    match = _ROW_PREFIX.match(request.GET.get("prefix", ""))
    if kind not in ITEM_FORMSETS or not match or match.group(1) != kind:
        return HttpResponseBadRequest()
    prefix = match.group(0)
    row_id = request.GET.get(f"{prefix}-id", "")
    return render(
        request,
        "institutions/profile/edit.html#item-row-removed",
        {"prefix": prefix, "row_id": row_id if row_id.isdigit() else ""},
    )


# --- Members and invitations ---------------------------------------------------------------


@login_required
@require_GET
def institution_members(request, slug: str):
    institution = institution_with_permission(request, slug, "institutions.view_members")
    return render(request, "institutions/profile/members.html", members_context(request, institution))


def members_context(request, institution: Institution, **forms) -> dict:
    can_manage = request.user.has_perm("institutions.manage_members", institution)
    memberships = list(
        institution.memberships.select_related("user").order_by("role", "user__display_name", "user__email")
    )
    active = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    pending = [m for m in memberships if m.status == Membership.Status.PENDING] if can_manage else []
    for membership in pending:
        # The hint the approve/decline row shows: does the requester's address match the website?
        membership.domain_matches = email_domain_matches_website(membership.user.email, institution.website)
    mine = next((m for m in active if m.user_id == request.user.pk), None)
    return {
        "institution": institution,
        "can_manage": can_manage,
        "members": active,
        "pending": pending,
        "invitations": list(invitations_open(institution=institution)) if can_manage else [],
        "my_membership": mine,
        "invite_form": forms.get("invite_form") or InvitationForm(),
        "title_form": forms.get("title_form") or JobTitleForm(initial={"job_title": mine.job_title if mine else ""}),
        "roles": Membership.Role.choices,
    }


@login_required
@require_POST
def member_invite(request, slug: str):
    institution = institution_with_permission(request, slug, "institutions.manage_members")
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                institution=institution,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except (InstitutionError, ValidationError) as exc:
            form.add_error("email", exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("institutions:members", slug=institution.slug)
    return render(
        request,
        "institutions/profile/members.html",
        members_context(request, institution, invite_form=form),
        status=400,
    )


@login_required
@require_POST
def invitation_revoke_view(request, slug: str, pk: int):
    institution = institution_with_permission(request, slug, "institutions.manage_members")
    invitation = get_object_or_404(Invitation, pk=pk, institution=institution)
    try:
        invitation_revoke(invitation=invitation)
    except InstitutionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("institutions:members", slug=institution.slug)


@login_required
@require_POST
def member_role(request, slug: str, pk: int):
    institution = institution_with_permission(request, slug, "institutions.manage_members")
    membership = get_object_or_404(Membership, pk=pk, institution=institution)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except InstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The role was changed."))
    return redirect("institutions:members", slug=institution.slug)


@login_required
@require_POST
def member_remove(request, slug: str, pk: int):
    """Remove a member (admins, the secretariat) or leave the institution (oneself)."""
    institution = get_object_or_404(Institution, slug=slug)
    membership = Membership.objects.filter(pk=pk, institution=institution).select_related("user").first()
    leaving = membership is not None and membership.user_id == request.user.pk
    if membership is None or not (leaving or request.user.has_perm("institutions.manage_members", institution)):
        raise Http404
    try:
        membership_remove(membership=membership, by=request.user)
    except InstitutionError as exc:
        messages.error(request, str(exc))
        return redirect("institutions:members", slug=institution.slug)
    if leaving:
        messages.success(request, _("You left %(institution)s.") % {"institution": institution.name})
        return redirect("dashboard")
    messages.success(request, _("The member was removed."))
    return redirect("institutions:members", slug=institution.slug)


@login_required
@require_POST
def member_job_title(request, slug: str):
    """Let a member set their own job title (shown only if they allow it in their preferences)."""
    institution = get_object_or_404(Institution, slug=slug)
    membership = Membership.objects.filter(
        institution=institution, user=request.user, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise Http404
    form = JobTitleForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "institutions/profile/members.html",
            members_context(request, institution, title_form=form),
            status=400,
        )
    membership_update_job_title(membership=membership, job_title=form.cleaned_data["job_title"])
    messages.success(request, _("Your job title was saved."))
    return redirect("institutions:members", slug=institution.slug)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept_view(request, token: str):
    """Show an invitation and let the owner of the invited address accept it.

    Visitors sign in (or sign up) first and come back here. A withdrawn or accepted
    invitation answers 404; an expired one says so.
    """
    invitation = get_object_or_404(
        Invitation.objects.select_related("institution", "invited_by"), token=token, accepted_at__isnull=True
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {
        "invitation": invitation,
        "institution": invitation.institution,
        "expired": invitation_is_expired(invitation=invitation),
        "matches": user_has_verified_email(user=request.user, email=invitation.email),
    }
    if request.method == "POST" and not context["expired"]:
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except InstitutionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Welcome to %(institution)s.") % {"institution": invitation.institution.name})
            return redirect(invitation.institution)
    status = 410 if context["expired"] else 200
    return render(request, "institutions/profile/invitation.html", context, status=status)


# --- Contact relay -------------------------------------------------------------------------


@login_required
def institution_contact(request, slug: str):
    """Write to an institution through the portal; the sender never learns any address."""
    institution = get_object_or_404(
        Institution.objects.exclude(verification_status=Institution.Verification.REJECTED), slug=slug
    )
    if Membership.objects.filter(institution=institution, user=request.user, status=Membership.Status.ACTIVE).exists():
        messages.info(request, _("You are a member of this institution; write to your colleagues directly."))
        return redirect(institution)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_message_send(
                institution=institution,
                sender=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except InstitutionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Your message was sent to %(institution)s. Their reply will come to your email "
                    "address; a copy of your message is on its way to you."
                )
                % {"institution": institution.name},
            )
            return redirect(institution)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "institutions/profile/contact.html", {"institution": institution, "form": form}, status=status
    )


urlpatterns = [
    path("invitations/<str:token>/", invitation_accept_view, name="invitation_accept"),
    path("<slug:slug>/edit/", institution_edit, name="edit"),
    path("<slug:slug>/edit/rows/<str:kind>/", institution_edit_row, name="edit_row"),
    path("<slug:slug>/edit/rows/<str:kind>/removed/", institution_edit_row_removed, name="edit_row_removed"),
    path("<slug:slug>/members/", institution_members, name="members"),
    path("<slug:slug>/members/invite/", member_invite, name="member_invite"),
    path("<slug:slug>/members/title/", member_job_title, name="member_job_title"),
    path("<slug:slug>/members/<int:pk>/role/", member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/remove/", member_remove, name="member_remove"),
    path("<slug:slug>/invitations/<int:pk>/revoke/", invitation_revoke_view, name="invitation_revoke"),
    path("<slug:slug>/contact/", institution_contact, name="contact"),
]
