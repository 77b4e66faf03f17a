"""The business rules of registrations: register, cancel, approve, reject, change role.

Views and imports call these functions rather than saving registrations themselves, so that
the rules (registration window, capacity, one registration per person and event) hold
whichever page a change comes from.

Capacity counts the places that are held: pending and approved registrations. A pending
registration is a promise the secretariat has not yet kept or broken; counting only approved
ones would let more people register than the room holds and leave the secretariat to turn
them away afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import domain_events, outbox
from core.audit import audit_log
from core.pagecache import public_pages_changed
from institutions.models import Institution, Membership

from . import emails
from .errors import EventError
from .models import Delegation, Event, Registration
from .permissions import registration_is_open

# The roles a person may choose when registering; organisers and speakers are set by the
# people running the event.
PARTICIPANT_ROLES = (Registration.Role.DELEGATE, Registration.Role.OBSERVER, Registration.Role.PRESS)
# Registrations that hold a place at the event.
HOLDING_PLACE = (Registration.Status.PENDING, Registration.Status.APPROVED)


class RegistrationError(EventError):
    """A refused change, with a message for the person and the form field it concerns."""

    def __init__(self, message, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def places_taken(*, event: Event) -> int:
    """How many places of ``event`` are held: pending and approved registrations. No side effects."""
    return event.registrations.filter(status__in=HOLDING_PLACE).count()


def _check_delegation(delegation: Delegation | None, *, event: Event, institution: Institution) -> None:
    if delegation is None:
        return
    if delegation.event_id != event.pk:
        raise RegistrationError(_("This delegation does not belong to this event."), field="delegation")
    if delegation.country != institution.country and delegation.lead_institution_id != institution.pk:
        raise RegistrationError(
            _("This delegation is for another country: choose a delegation of your institution's country."),
            field="delegation",
        )


@transaction.atomic
def register(
    *,
    user,
    event: Event,
    institution: Institution,
    role: str = Registration.Role.DELEGATE,
    job_title: str = "",
    delegation: Delegation | None = None,
) -> Registration:
    """Register ``user`` for ``event``, pending the organisers' approval, or raise RegistrationError.

    The event row is locked before the places are counted, so that two people registering
    for the last place at the same moment cannot both get it. A cancelled registration is
    reactivated rather than duplicated (one registration per person and event).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if role not in PARTICIPANT_ROLES:
        raise RegistrationError(_("Choose one of the roles offered."), field="role")
    if not Membership.objects.filter(user=user, institution=institution, status=Membership.Status.ACTIVE).exists():
        raise RegistrationError(_("You can only register for an institution you belong to."), field="institution")
    if not registration_is_open(user, event):
        raise RegistrationError(_("Registration for this event is not open."))
    _check_delegation(delegation, event=event, institution=institution)

    existing = Registration.objects.select_for_update().filter(event=event, user=user).first()
    if existing is not None and existing.status in HOLDING_PLACE:
        raise RegistrationError(_("You are already registered for this event."))
    if existing is not None and existing.status == Registration.Status.REJECTED:
        raise RegistrationError(_("Your registration for this event was declined. Please contact the organisers."))
    if event.capacity is not None and places_taken(event=event) >= event.capacity:
        raise RegistrationError(_("This event is full: all places have been taken."))

    registration = existing or Registration(event=event, user=user)
    registration.institution = institution
    registration.role = role
    registration.job_title = job_title
    registration.delegation = delegation
    registration.status = Registration.Status.PENDING
    registration.checked_in_at = None
    registration.save()
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration) -> Registration:
    """Cancel a registration, which frees its place; the person may register again later."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise RegistrationError(_("This registration is already cancelled."))
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    return registration


@transaction.atomic
def approve_registration(*, registration: Registration) -> Registration:
    """Approve a pending (or previously rejected) registration and tell the participant.

    Approving takes a place again for a rejected or cancelled registration, so capacity is
    checked under the event lock as for a new registration.
    """
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.APPROVED:
        raise RegistrationError(_("This registration is already approved."))
    if (
        registration.status not in HOLDING_PLACE
        and event.capacity is not None
        and places_taken(event=event) >= event.capacity
    ):
        raise RegistrationError(_("This event is full: all places have been taken."))
    registration.status = Registration.Status.APPROVED
    registration.save(update_fields=["status"])
    _notify(registration, "approved")
    domain_events.publish(domain_events.REGISTRATION_APPROVED, instance=registration)
    return registration


@transaction.atomic
def approve_registrations(*, event: Event, ids: Iterable[int], by=None) -> int:
    """Approve the registrations ``ids`` of ``event`` together, or none of them.

    Refused as a whole when an id is not a registration of the event or when the places the
    approval takes back (for declined or cancelled registrations) exceed the capacity.
    Returns the number of registrations newly approved; each person is told by email. Each
    approval is recorded in the audit trail as done ``by`` (None: the person of the request),
    since a bulk update records no model change.
    """
    ids = set(ids)
    event = Event.objects.select_for_update().get(pk=event.pk)
    registrations = list(
        Registration.objects.select_for_update().filter(event=event, pk__in=ids).select_related("user", "event")
    )
    if not ids or len(registrations) != len(ids):
        raise RegistrationError(_("Select registrations of this event to approve."))
    to_approve = [r for r in registrations if r.status != Registration.Status.APPROVED]
    extra_places = sum(1 for r in to_approve if r.status not in HOLDING_PLACE)
    if event.capacity is not None and extra_places and places_taken(event=event) + extra_places > event.capacity:
        raise RegistrationError(_("This event is full: all places have been taken."))
    for registration in to_approve:
        registration.status = Registration.Status.APPROVED
    Registration.objects.bulk_update(to_approve, ["status"])
    public_pages_changed()  # bulk_update sends no signal; the public page counts approvals
    for registration in to_approve:
        audit_log(
            action="events.registration.approved",
            actor=by,
            target=registration,
            institution=registration.institution_id,
            event=event,
            data={"person": str(registration.user)},
        )
        _notify(registration, "approved")
    domain_events.publish_many(domain_events.REGISTRATION_APPROVED, instances=to_approve)
    return len(to_approve)


@transaction.atomic
def reject_registration(*, registration: Registration) -> Registration:
    """Decline a registration and tell the participant; the place is freed."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.REJECTED:
        raise RegistrationError(_("This registration is already declined."))
    registration.status = Registration.Status.REJECTED
    registration.save(update_fields=["status"])
    _notify(registration, "rejected")
    return registration


def change_role(*, registration: Registration, role: str, allowed: Iterable[str] | None = None) -> Registration:
    """Set the registration's role; ``allowed`` limits the roles (e.g. for a head of delegation)."""
    allowed = list(allowed) if allowed is not None else list(Registration.Role.values)
    if role not in allowed:
        raise RegistrationError(_("Choose one of the roles offered."), field="role")
    registration.role = role
    registration.save(update_fields=["role"])
    return registration


def _notify(registration: Registration, outcome: str) -> None:
    """Queue the email telling the participant, in their language, sent once the decision commits.

    A mail server that fails does not undo the decision: the outbox retries. A registration
    may be declined and approved again, so each decision has its own key.
    """
    outbox.enqueue(
        key=f"registration:{registration.pk}:{outcome}:{timezone.now().timestamp()}",
        kind=emails.REGISTRATION_DECISION,
        user=registration.user,
        context={"objects": outbox.refs(registration=registration), "outcome": outcome},
        immediately=True,
    )
