"""Writes behind alliance membership: asking to join, deciding, adding, changing and ending.

An alliance (or network, platform, council) is an institution of kind ``alliance``; its members
are institutions. An institution's admins ask for it to join; the alliance's admins or the
secretariat decide, add members directly, change roles and dates, and end memberships (a
member's admins may also end their own institution's membership: leaving). Every function checks
who acts, raises ``InstitutionError`` with nothing changed when a rule refuses, and queues its
emails in the outbox in the same transaction (the alliance's admins on a request, the member's
admins on a decision). The audit trail records each change (``institutions.audit``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox

from . import emails
from .alliance_pages import alliance_page_url
from .errors import InstitutionError
from .models import AllianceMembership, Institution
from .onboarding import absolute_url, institution_admins, join_request_deciders
from .permissions import is_institution_admin, is_secretariat

Status = AllianceMembership.Status


def can_manage_alliance(user: AbstractBaseUser, alliance: Institution) -> bool:
    """Whether ``user`` decides on ``alliance``'s members: its admins and the secretariat."""
    return alliance.kind == Institution.Kind.ALLIANCE and (is_secretariat(user) or is_institution_admin(user, alliance))


def _require_manager(by: AbstractBaseUser, alliance: Institution) -> None:
    if not can_manage_alliance(by, alliance):
        raise InstitutionError(_("Only the alliance's admins or the secretariat can manage its members."))


def _check_pair(alliance: Institution, member: Institution) -> None:
    if alliance.kind != Institution.Kind.ALLIANCE:
        raise InstitutionError(_("%(name)s is not an alliance or network.") % {"name": alliance.name})
    if alliance.pk == member.pk:
        raise InstitutionError(_("An alliance cannot be a member of itself."))
    if Institution.Verification.REJECTED in (alliance.verification_status, member.verification_status):
        raise InstitutionError(_("This institution is not listed in the portal."))


def _refuse_if_open(alliance: Institution, member: Institution) -> None:
    existing = (
        AllianceMembership.objects.select_for_update()
        .filter(alliance=alliance, member=member, status__in=AllianceMembership.OPEN_STATUSES)
        .first()
    )
    if existing is None:
        return
    if existing.status == Status.REQUESTED:
        raise InstitutionError(
            _("%(member)s has already asked to join %(alliance)s; the request is waiting.")
            % {"member": member.name, "alliance": alliance.name}
        )
    raise InstitutionError(
        _("%(member)s is already a member of %(alliance)s.") % {"member": member.name, "alliance": alliance.name}
    )


def _check_date(day: date | None) -> None:
    # A day of grace: the person's own time zone may already be a day ahead of the server's.
    if day and day > timezone.localdate() + timedelta(days=1):
        raise InstitutionError(_("The date cannot be in the future."))


def _save_new(membership: AllianceMembership) -> AllianceMembership:
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # the same request sent twice at once
        raise InstitutionError(
            _("%(member)s already has a membership or a request with %(alliance)s.")
            % {"member": membership.member.name, "alliance": membership.alliance.name}
        ) from exc
    return membership


def _email(template: str, recipients, *, about: str, membership: AllianceMembership, url: str) -> None:
    """Queue the onboarding email ``template`` about ``membership`` to each recipient, in their language."""
    context = {
        "template": template,
        "objects": outbox.refs(membership=membership, alliance=membership.alliance, member=membership.member),
        "values": {"url": url},
    }
    for person in recipients:
        outbox.enqueue(
            key=f"alliance:{template}:{about}:{person.pk}",
            kind=emails.ONBOARDING,
            user=person,
            context=context,
            immediately=True,
        )


def _tell_member(membership: AllianceMembership, template: str) -> None:
    _email(
        template,
        institution_admins(institution=membership.member),
        about=f"{membership.pk}:{membership.status}",
        membership=membership,
        url=absolute_url(base_url="", path=alliance_page_url(membership.alliance)),
    )


@transaction.atomic
def alliance_membership_request(
    *, alliance: Institution, member: Institution, by: AbstractBaseUser, note: str = ""
) -> AllianceMembership:
    """Ask for ``member`` to join ``alliance``, by one of ``member``'s admins; email the alliance's admins.

    Refused when ``by`` is not an admin of ``member``, when the pair already has an open
    request or membership, and for an alliance joining itself. A declined or ended membership
    does not stop a new request.
    """
    if not is_institution_admin(by, member):
        raise InstitutionError(_("Only an admin of %(name)s can ask for it to join.") % {"name": member.name})
    _check_pair(alliance, member)
    _refuse_if_open(alliance, member)
    membership = _save_new(
        AllianceMembership(
            alliance=alliance,
            member=member,
            role=AllianceMembership.Role.MEMBER,
            status=Status.REQUESTED,
            note=note.strip(),
            requested_by=by,
        )
    )
    _email(
        "alliance_request",
        join_request_deciders(institution=alliance),
        about=str(membership.pk),
        membership=membership,
        url=absolute_url(base_url="", path=reverse("institutions:alliance_members", args=[alliance.slug])),
    )
    return membership


def _requested(membership: AllianceMembership) -> AllianceMembership:
    locked = AllianceMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None or locked.status != Status.REQUESTED:
        raise InstitutionError(_("This request has already been decided."))
    return locked


@transaction.atomic
def alliance_membership_approve(
    *,
    membership: AllianceMembership,
    by: AbstractBaseUser,
    role: str = AllianceMembership.Role.MEMBER,
    joined_on: date | None = None,
) -> AllianceMembership:
    """Make a requested membership active (from ``joined_on``, today by default); tell the member's admins."""
    _require_manager(by, membership.alliance)
    if role not in AllianceMembership.Role.values:
        raise InstitutionError(_("Choose a valid role."))
    _check_date(joined_on)
    membership = _requested(membership)
    membership.status = Status.ACTIVE
    membership.role = role
    membership.joined_on = joined_on or timezone.localdate()
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "role", "joined_on", "decided_by", "decided_at"])
    _tell_member(membership, "alliance_approved")
    return membership


@transaction.atomic
def alliance_membership_decline(*, membership: AllianceMembership, by: AbstractBaseUser) -> AllianceMembership:
    """Decline a request; it stays on record as declined, the institution may ask again. Tells its admins."""
    _require_manager(by, membership.alliance)
    membership = _requested(membership)
    membership.status = Status.DECLINED
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    _tell_member(membership, "alliance_declined")
    return membership


@transaction.atomic
def alliance_membership_add(
    *,
    alliance: Institution,
    member: Institution,
    by: AbstractBaseUser,
    role: str = AllianceMembership.Role.MEMBER,
    joined_on: date | None = None,
    note: str = "",
) -> AllianceMembership:
    """Add ``member`` to ``alliance`` as an active member at once (alliance admins, the secretariat).

    A waiting request of the same institution is approved instead. Tells the member's admins.
    """
    _require_manager(by, alliance)
    _check_pair(alliance, member)
    if role not in AllianceMembership.Role.values:
        raise InstitutionError(_("Choose a valid role."))
    _check_date(joined_on)
    waiting = AllianceMembership.objects.filter(alliance=alliance, member=member, status=Status.REQUESTED).first()
    if waiting is not None:
        return alliance_membership_approve(membership=waiting, by=by, role=role, joined_on=joined_on)
    _refuse_if_open(alliance, member)
    membership = _save_new(
        AllianceMembership(
            alliance=alliance,
            member=member,
            role=role,
            status=Status.ACTIVE,
            joined_on=joined_on or timezone.localdate(),
            note=note.strip(),
            requested_by=by,
            decided_by=by,
            decided_at=timezone.now(),
        )
    )
    _tell_member(membership, "alliance_approved")
    return membership


@transaction.atomic
def alliance_membership_update(
    *, membership: AllianceMembership, by: AbstractBaseUser, role: str, joined_on: date | None, note: str = ""
) -> AllianceMembership:
    """Change an active membership's role, joining date and note (alliance admins, the secretariat)."""
    _require_manager(by, membership.alliance)
    membership = AllianceMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.ACTIVE:
        raise InstitutionError(_("Only an active membership can be changed."))
    if role not in AllianceMembership.Role.values:
        raise InstitutionError(_("Choose a valid role."))
    _check_date(joined_on)
    membership.role, membership.joined_on, membership.note = role, joined_on, note.strip()
    membership.full_clean(validate_constraints=False)
    membership.save(update_fields=["role", "joined_on", "note"])
    return membership


@transaction.atomic
def alliance_membership_end(
    *, membership: AllianceMembership, by: AbstractBaseUser, left_on: date | None = None
) -> AllianceMembership:
    """End an active membership on ``left_on`` (today by default): the alliance's admins and the
    secretariat, or the member's own admins (leaving). The record stays, with status "left".
    """
    if not (can_manage_alliance(by, membership.alliance) or is_institution_admin(by, membership.member)):
        raise InstitutionError(_("Only the alliance's admins, the member's admins or the secretariat can end it."))
    membership = AllianceMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.ACTIVE:
        raise InstitutionError(_("This membership is not active."))
    _check_date(left_on)
    left_on = left_on or timezone.localdate()
    if membership.joined_on and left_on < membership.joined_on:
        raise InstitutionError(_("The end date cannot be before the joining date."))
    membership.status, membership.left_on = Status.LEFT, left_on
    membership.save(update_fields=["status", "left_on"])
    return membership
