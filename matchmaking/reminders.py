"""Reminders before each meeting, and nudges about meeting requests, all through the outbox.

- **Before each meeting**, everyone in it (requester, recipient, colleagues sharing it) gets a
  reminder at each of the session's two steps: ``first_reminder_hours`` before it (a day by
  default) and ``second_reminder_minutes`` before it (an hour by default; either may be
  turned off). The email gives the slot on the event's clock, the table and the other side.
- **An unanswered request**: whoever may answer it is nudged once when it has waited
  ``UNANSWERED_AFTER`` (48 hours) and is still open.
- **No request at all**: ``NO_REQUEST_DAYS_BEFORE_DEADLINE`` days before a session's request
  deadline, approved participants who may send requests and have neither sent nor received one
  at that session are nudged once.

Celery beat runs ``queue_meeting_reminders`` and ``queue_request_nudges``; each may run twice or
late without harm. Every email is an outbox row under a key that names the person, the meeting
or request, and the step, so queueing it again changes nothing. A reminder's key also names the
meeting's start: a meeting that moves is reminded at its new time, under a new key. Each email
is written when it is sent, in its recipient's language, from the rows as they are then: a
meeting that moved or was cancelled since, a request answered since, or a person who sent a
request since, gets no email. Turning off ``email_meeting_reminders`` or ``email_request_nudges``
in one's email preferences (or its unsubscribe link) stops the kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from core import outbox
from events.models import Event, Registration, Session

from .models import Meeting, MeetingRequest
from .requests import ACCEPT, DECLINE, answer_url, participant_label
from .selectors import MEETING_SIDES, partner_of

REMINDER_KIND = "meeting_reminder"
UNANSWERED_KIND = "request_unanswered"
NO_REQUEST_KIND = "no_request_yet"

# A request waiting this long for an answer is worth a nudge.
UNANSWERED_AFTER = timedelta(hours=48)
# Participants without any request are nudged this many days before the request deadline.
NO_REQUEST_DAYS_BEFORE_DEADLINE = 3
# The earliest a first reminder may come (the session form's limit on ``first_reminder_hours``).
MAX_FIRST_REMINDER_HOURS = 168

FIRST, SECOND = "first", "second"


# --- Reminders before each meeting -------------------------------------------------------------


def reminder_steps(session: Session) -> list[tuple[str, timedelta]]:
    """The session's reminder steps with how long before a meeting each comes."""
    steps = []
    if session.first_reminder_hours:
        steps.append((FIRST, timedelta(hours=session.first_reminder_hours)))
    if session.second_reminder_minutes:
        steps.append((SECOND, timedelta(minutes=session.second_reminder_minutes)))
    return steps


def due_step(session: Session, starts_at: datetime, now: datetime) -> str | None:
    """The latest step whose time has come before ``starts_at``, or None.

    Only the latest: a meeting published (or a beat that was down) after both times have come
    gets one reminder, not two.
    """
    due = [(before, step) for step, before in reminder_steps(session) if starts_at - before <= now < starts_at]
    return min(due)[1] if due else None


def _people(meeting: Meeting) -> list[Registration]:
    """Everyone in ``meeting``: requester, recipient and the colleagues sharing it."""
    request = meeting.request
    people = [request.requester]
    if request.recipient_id:
        people.append(request.recipient)
    people.extend(meeting.sharers.all())
    return list({registration.pk: registration for registration in people}.values())


def _reminder_key(meeting: Meeting, registration: Registration, step: str, starts_at: datetime) -> str:
    return f"meeting-reminder:{meeting.pk}:{registration.pk}:{step}:{int(starts_at.timestamp())}"


def queue_meeting_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminders whose time has come; return how many were due (queued or already).

    Idempotent: each reminder has its key, and queueing a key again leaves the row as it is.
    """
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PUBLISHED,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + timedelta(hours=MAX_FIRST_REMINDER_HOURS),
        )
        .select_related("session", "slot", "request__requester__user", "request__recipient__user")
        .prefetch_related("sharers__user")
        .order_by("pk")
    )
    emails = []
    for meeting in meetings:
        starts_at = meeting.slot.starts_at
        step = due_step(meeting.session, starts_at, now)
        if step is None:
            continue
        for registration in _people(meeting):
            if registration.status != Registration.Status.APPROVED or not registration.user.is_active:
                continue
            emails.append(
                {
                    "key": _reminder_key(meeting, registration, step, starts_at),
                    "user": registration.user,
                    "context": {
                        "meeting": meeting.pk,
                        "registration": registration.pk,
                        "step": step,
                        "starts_at": starts_at.isoformat(),
                    },
                }
            )
    outbox.enqueue_many(kind=REMINDER_KIND, emails=emails)
    return len(emails)


@outbox.renderer(REMINDER_KIND, preference="email_meeting_reminders")
def render_meeting_reminder(email) -> outbox.Rendered | None:
    """A reminder, or None when the meeting was cancelled, moved or has begun since it was queued."""
    context = email.context
    meeting = (
        Meeting.objects.select_related("session__event", *MEETING_SIDES)
        .filter(pk=context.get("meeting"), status=Meeting.Status.PUBLISHED)
        .first()
    )
    registration = (
        Registration.objects.filter(pk=context.get("registration"), status=Registration.Status.APPROVED)
        .select_related("institution")
        .first()
    )
    starts_at = parse_datetime(context.get("starts_at") or "")
    if meeting is None or registration is None or meeting.slot is None or starts_at is None:
        return None
    if meeting.slot.starts_at != starts_at or timezone.now() >= starts_at:
        return None
    event = meeting.session.event
    zone = ZoneInfo(event.time_zone)
    partner = partner_of(meeting, registration)
    if partner.institution:
        with_whom = gettext("Meeting with %(name)s (%(institution)s)") % {
            "name": partner.name,
            "institution": partner.institution,
        }
    else:
        with_whom = gettext("Meeting with %(name)s") % {"name": partner.name}
    starts = timezone.localtime(meeting.slot.starts_at, zone)
    values = {
        "user": email.user,
        "with_whom": with_whom,
        "event": event,
        "session": meeting.session,
        "starts_at": starts,
        "ends_at": timezone.localtime(meeting.slot.ends_at, zone),
        "time_zone": event.time_zone,
        "table": gettext("table %(number)s") % {"number": meeting.table_number} if meeting.table_number else "",
        "message": meeting.request.message,
        "url": settings.SITE_URL + reverse("matchmaking:my_agenda", kwargs={"slug": event.slug}),
    }
    subject = gettext("Reminder: %(meeting)s at %(time)s") % {"meeting": with_whom, "time": starts.strftime("%H:%M")}
    return outbox.Rendered(
        subject=subject, text=render_to_string("matchmaking/reminders/email/meeting_reminder.txt", values)
    )


# --- Nudges about requests ---------------------------------------------------------------------


def _open_requests(now: datetime):
    return MeetingRequest.objects.filter(status=MeetingRequest.Status.PENDING).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _answering_registrations(request: MeetingRequest) -> list[Registration]:
    """Who may answer ``request``: its recipient, or the approved participants of its institution."""
    if request.recipient_id:
        return [request.recipient]
    return list(
        Registration.objects.filter(
            event_id=request.session.event_id,
            institution_id=request.recipient_institution_id,
            status=Registration.Status.APPROVED,
        ).select_related("user")
    )


def queue_unanswered_request_nudges(*, now: datetime | None = None) -> int:
    """Nudge, once each, those who may answer a request open for ``UNANSWERED_AFTER``; return how many."""
    now = now or timezone.now()
    requests = (
        _open_requests(now)
        .filter(created_at__lte=now - UNANSWERED_AFTER, session__event__status=Event.Status.PUBLISHED)
        .select_related("session", "recipient__user")
        .order_by("pk")
    )
    emails = [
        {
            "key": f"request-unanswered:{request.pk}:{registration.pk}",
            "user": registration.user,
            "context": {"request": request.pk, "registration": registration.pk},
        }
        for request in requests
        for registration in _answering_registrations(request)
        if registration.user.is_active
    ]
    outbox.enqueue_many(kind=UNANSWERED_KIND, emails=emails)
    return len(emails)


@outbox.renderer(UNANSWERED_KIND, preference="email_request_nudges")
def render_unanswered_request(email) -> outbox.Rendered | None:
    """The nudge with one-click answers, or None when the request was answered or expired since."""
    now = timezone.now()
    request = (
        _open_requests(now)
        .select_related("session__event", "requester__user", "requester__institution")
        .filter(pk=email.context.get("request"))
        .first()
    )
    registration = Registration.objects.filter(
        pk=email.context.get("registration"), status=Registration.Status.APPROVED
    ).first()
    if request is None or registration is None:
        return None
    event = request.session.event
    values = {
        "user": email.user,
        "from": participant_label(request.requester),
        "institution": request.requester.institution.name,
        "session": request.session.localized("title"),
        "event": event.localized("title"),
        "message": request.message,
        "expires_at": timezone.localtime(request.expires_at, ZoneInfo(event.time_zone)) if request.expires_at else None,
        "accept_url": answer_url(request, registration, ACCEPT),
        "decline_url": answer_url(request, registration, DECLINE),
        "url": settings.SITE_URL + reverse("matchmaking:my_meetings", kwargs={"slug": event.slug}),
    }
    subject = gettext("A meeting request is waiting for your answer: %(name)s") % {"name": values["from"]}
    return outbox.Rendered(
        subject=subject, text=render_to_string("matchmaking/reminders/email/request_unanswered.txt", values)
    )


def _without_requests(session: Session):
    """The session's approved participants who may send requests and have sent or received none."""
    at_session = MeetingRequest.objects.filter(session=session)
    return (
        Registration.objects.filter(event_id=session.event_id, status=Registration.Status.APPROVED)
        .exclude(role__in=session.roles_cannot_request)
        .exclude(pk__in=at_session.values("requester"))
        .exclude(pk__in=at_session.filter(recipient__isnull=False).values("recipient"))
        .exclude(institution_id__in=at_session.filter(recipient__isnull=True).values("recipient_institution"))
    )


def queue_no_request_nudges(*, now: datetime | None = None) -> int:
    """Nudge, once per session, approved participants without any request before its deadline."""
    now = now or timezone.now()
    sessions = Session.objects.filter(
        kind=Session.Kind.MATCHMAKING,
        event__status=Event.Status.PUBLISHED,
        request_deadline__gt=now,
        request_deadline__lte=now + timedelta(days=NO_REQUEST_DAYS_BEFORE_DEADLINE),
    ).order_by("pk")
    emails = [
        {
            "key": f"no-request-nudge:{session.pk}:{registration.pk}",
            "user": registration.user,
            "context": {"session": session.pk, "registration": registration.pk},
        }
        for session in sessions
        for registration in _without_requests(session).select_related("user").order_by("pk")
        if registration.user.is_active
    ]
    outbox.enqueue_many(kind=NO_REQUEST_KIND, emails=emails)
    return len(emails)


@outbox.renderer(NO_REQUEST_KIND, preference="email_request_nudges")
def render_no_request_yet(email) -> outbox.Rendered | None:
    """The nudge, or None once the person has a request there or the deadline has passed."""
    session = Session.objects.select_related("event").filter(pk=email.context.get("session")).first()
    if session is None or session.request_deadline is None or timezone.now() >= session.request_deadline:
        return None
    if not _without_requests(session).filter(pk=email.context.get("registration")).exists():
        return None
    event = session.event
    values = {
        "user": email.user,
        "session": session.localized("title"),
        "event": event.localized("title"),
        "deadline": timezone.localtime(session.request_deadline, ZoneInfo(event.time_zone)),
        "time_zone": event.time_zone,
        "url": settings.SITE_URL + reverse("matchmaking:participants", kwargs={"slug": event.slug}),
    }
    subject = gettext("Request your meetings at %(session)s") % {"session": session.localized("title")}
    return outbox.Rendered(
        subject=subject, text=render_to_string("matchmaking/reminders/email/no_request_yet.txt", values)
    )


# --- Celery beat -------------------------------------------------------------------------------


@shared_task(name="matchmaking.queue_meeting_reminders")
def queue_meeting_reminders_task() -> int:
    """Beat, every five minutes: queue the reminders before meetings whose time has come."""
    return queue_meeting_reminders()


@shared_task(name="matchmaking.queue_request_nudges")
def queue_request_nudges_task() -> int:
    """Beat, hourly: nudge about requests left unanswered and participants without requests."""
    return queue_unanswered_request_nudges() + queue_no_request_nudges()
