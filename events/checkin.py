"""Check-in writes: record a participant's arrival at the venue, or forget it.

Checking in is idempotent and safe under two desks scanning the same badge at once: the
arrival time is written by a single conditional UPDATE, and whoever comes second is told
"already checked in at …". Each write leaves an entry in the audit trail. Who may check people
in is asked by the views (rule ``events.check_in``), as before.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_log
from core.pagecache import public_pages_changed

from .models import Event, Registration
from .qr import token_from_scan


@dataclass(frozen=True)
class CheckInResult:
    """What the desk is told after a scan or a click; ``outcome`` drives the colour."""

    outcome: str  # checked_in | already | undone | not_approved | wrong_event | unknown
    message: str
    registration: Registration | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("checked_in", "undone")


def _audit_arrival(registration: Registration, action: str) -> None:
    """Record a check-in or its undoing, done by the person at the desk (the request's user)."""
    audit_log(
        action=action,
        actor=None,
        target=registration,
        institution=registration.institution_id,
        event=registration.event_id,
        data={"person": str(registration.user)},
    )


def registration_check_in(*, registration: Registration) -> CheckInResult:
    """Record ``registration``'s arrival now, unless it was recorded already.

    The conditional UPDATE makes a double scan (or two desks at once) harmless: only the first
    writes a time; the second reads it back and reports it.

    Side effects: sets ``checked_in_at`` and writes an ``events.registration.checked_in`` audit
    entry, both only on the first call. Idempotent.
    """
    if registration.status != Registration.Status.APPROVED:
        return CheckInResult(
            "not_approved",
            _("This registration is %(status)s: only approved participants can be checked in.")
            % {"status": registration.get_status_display()},
            registration,
        )
    now = timezone.now()
    updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(checked_in_at=now)
    if updated:
        public_pages_changed()  # an update sends no signal; the registrations list shows arrivals
        registration.checked_in_at = now
        _audit_arrival(registration, "events.registration.checked_in")
        return CheckInResult("checked_in", _("Checked in."), registration)
    registration.refresh_from_db(fields=["checked_in_at"])
    return CheckInResult("already", _("Already checked in."), registration)


def registration_check_in_undo(*, registration: Registration) -> CheckInResult:
    """Forget an arrival recorded by mistake (the wrong person clicked in a search).

    Side effects: clears ``checked_in_at`` and writes an ``events.registration.check_in_undone``
    audit entry.
    """
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=None)
    public_pages_changed()
    registration.checked_in_at = None
    _audit_arrival(registration, "events.registration.check_in_undone")
    return CheckInResult("undone", _("Check-in undone."), registration)


def registration_check_in_by_token(*, event: Event, scanned: str) -> CheckInResult:
    """Check in the holder of the badge whose QR code (or typed token) is ``scanned``.

    Side effects: those of ``registration_check_in``, and only for a badge of ``event``.
    """
    token = token_from_scan(scanned)
    registration = None
    if token:
        registration = (
            Registration.objects.select_related("user", "institution", "event").filter(badge_token=token).first()
        )
    if registration is None:
        return CheckInResult("unknown", _("Unknown badge: this code is not a badge of the portal."))
    if registration.event_id != event.pk:
        # Say nothing about whose badge it is: it belongs to an event this desk does not run.
        return CheckInResult("wrong_event", _("This badge is not for this event."))
    return registration_check_in(registration=registration)
