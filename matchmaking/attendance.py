"""Whether a published meeting took place: each side's mark, the organisers' mark, and what they add up to.

Both sides of a meeting (the people who asked and were asked, and colleagues sharing it) mark
it "we met" or "the other side did not come" from their agenda or the table's QR code; the
organisers mark no-shows from the room's attendance page. Each mark is an ``AttendanceMark``
row per side, with who marked it and when (audit-logged). ``Meeting.attendance`` holds the
result: one "held" from anyone makes the meeting held, whatever the others said, because a
side that met someone knows better than a side that says nobody came; otherwise any "missed"
makes it a no-show. Follow-ups are planned for held meetings and stopped for no-shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Registration
from events.permissions import administers_an_organiser
from institutions.permissions import is_secretariat

from . import followups
from .errors import MatchmakingError
from .models import AttendanceMark, Meeting

Side = AttendanceMark.Side


def combined_attendance(values: Iterable[str]) -> str:
    """What the marks of a meeting add up to: any "held" wins, then any "no-show", else unmarked."""
    values = set(values)
    if Meeting.Attendance.HELD in values:
        return Meeting.Attendance.HELD
    if Meeting.Attendance.NO_SHOW in values:
        return Meeting.Attendance.NO_SHOW
    return ""


def side_of_registration(meeting: Meeting, registration: Registration) -> str:
    """The side ``registration`` takes in ``meeting``: one of the two parties, or a colleague of one."""
    request = meeting.request
    if registration.pk == request.requester_id:
        return Side.REQUESTER
    if registration.pk == request.recipient_id:
        return Side.RECIPIENT
    # A colleague sharing the meeting sits with their own institution's side.
    if registration.institution_id == request.requester.institution_id:
        return Side.REQUESTER
    return Side.RECIPIENT


def meeting_registration_of(meeting: Meeting, user) -> Registration | None:
    """``user``'s registration as a party to ``meeting`` or a colleague sharing it, or None."""
    if not user.is_authenticated:
        return None
    request = meeting.request
    for registration in (request.requester, request.recipient):
        if registration is not None and registration.user_id == user.pk:
            return registration
    return meeting.sharers.filter(user=user).first()


def may_mark_as_organiser(user, meeting: Meeting) -> bool:
    return user.is_authenticated and (is_secretariat(user) or administers_an_organiser(user, meeting.session.event))


def attendance_side(meeting: Meeting, user) -> str | None:
    """The side ``user`` marks ``meeting`` for, or None when they may not mark it at all."""
    registration = meeting_registration_of(meeting, user)
    if registration is not None:
        return side_of_registration(meeting, registration)
    if may_mark_as_organiser(user, meeting):
        return Side.ORGANISERS
    return None


@transaction.atomic
def meeting_attendance_mark(
    *, meeting: Meeting, user, attendance: str, as_organiser: bool = False, now: datetime | None = None
) -> Meeting:
    """Record ``user``'s mark of ``meeting`` (held or no-show) for their side, and return the meeting.

    ``user`` must be one of the meeting's people, a colleague sharing it, or (``as_organiser``,
    or when they take no part in it) an organiser of its event or the secretariat; anyone else
    gets a ``MatchmakingError``. Only published meetings whose slot has started can be marked.
    Idempotent for the same answer (the first mark's time and author stay).
    """
    side = Side.ORGANISERS if as_organiser and may_mark_as_organiser(user, meeting) else attendance_side(meeting, user)
    if side is None or (as_organiser and side != Side.ORGANISERS):
        raise MatchmakingError(_("Only the people of this meeting and its event's organisers can mark it."))
    return attendance_record(meeting=meeting, side=side, attendance=attendance, marked_by=user, now=now)


def attendance_record(*, meeting: Meeting, side: str, attendance: str, marked_by, now: datetime | None) -> Meeting:
    """Store one side's mark and the meeting's combined attendance; the caller checked permission."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("slot").get(pk=meeting.pk)
    if attendance not in Meeting.Attendance.values:
        raise MatchmakingError(_("Choose “held” or “no-show”."))
    if meeting.status != Meeting.Status.PUBLISHED or meeting.slot is None:
        raise MatchmakingError(_("Only a published meeting can be marked."))
    if meeting.slot.starts_at > now:
        raise MatchmakingError(_("This meeting has not started yet: you can mark it from its start time."))
    mark = AttendanceMark.objects.filter(meeting=meeting, side=side).first()
    if mark is None:
        AttendanceMark.objects.create(
            meeting=meeting, side=side, attendance=attendance, marked_by=marked_by, marked_at=now
        )
    elif mark.attendance != attendance:
        mark.attendance, mark.marked_by, mark.marked_at = attendance, marked_by, now
        mark.save(update_fields=["attendance", "marked_by", "marked_at"])
    combined = combined_attendance(meeting.attendance_marks.values_list("attendance", flat=True))
    if combined == meeting.attendance:
        return meeting
    meeting.attendance = combined
    meeting.save(update_fields=["attendance", "updated_at"])
    if combined == Meeting.Attendance.NO_SHOW:
        followups.cancel_follow_ups(meetings=[meeting])
    else:
        followups.plan_follow_ups(meetings=[meeting])
    return meeting


def with_attendance(meetings: list[Meeting], *, registration: Registration, now: datetime) -> list[Meeting]:
    """Set ``started``, ``my_mark`` and ``their_mark`` on each meeting for ``registration``'s agenda (one query)."""
    prefetch_related_objects(meetings, "attendance_marks")
    for meeting in meetings:
        side = side_of_registration(meeting, registration)
        marks = {mark.side: mark for mark in meeting.attendance_marks.all()}
        other = Side.RECIPIENT if side == Side.REQUESTER else Side.REQUESTER
        meeting.started = meeting.slot is not None and meeting.slot.starts_at <= now
        meeting.my_mark = marks.get(side)
        meeting.their_mark = marks.get(other)
    return meetings
