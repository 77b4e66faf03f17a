"""Meeting requests at matchmaking sessions: sending, answering, expiry and the daily digest.

The rules, in one place so that the views, the signed email links and the tests agree:

- Only approved registrations take part. A request goes to a person or to an institution
  attending the event; any approved participant of that institution may answer it, and the
  first to accept becomes its recipient.
- Nobody requests themselves, their own institution or a colleague, and there is one open
  request per pair of people (whichever asked first) and per requester and institution. When
  the other person already asked me, asking them back accepts their request as mutual.
- Every refusal raises ``RequestError`` with a translated message and writes nothing; the
  database constraints are the last guard (an IntegrityError gives the same message).
- Accepting creates the Meeting. In sessions where participants pick a slot, the accepting
  person chooses a slot free for both, and the lowest free table is assigned while the session
  row is locked.
- Emails (expiry notices, the daily digest) are outbox rows queued in the same transaction;
  the digest is written at sending time, so it lists only what is still waiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import domain_events, outbox
from events.models import MeetingSlot, Registration, Session
from institutions.models import Institution

from .errors import MatchmakingError
from .followups import plan_follow_ups
from .models import Meeting, MeetingRequest, SlotUnavailability

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 1000
# The salt, the outbox email kinds and the Celery task names of this module are the ones they
# had when matchmaking was part of the events app: links already sent, outbox rows already
# queued and tasks in flight keep working.
SIGNING_SALT = "events.meeting-request-answer"
ACCEPT = "accept"
DECLINE = "decline"
OPEN_STATUSES = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)


class RequestError(MatchmakingError):
    """A refused action on a meeting request; ``str(error)`` is the translated message."""


# ---------------------------------------------------------------------------------------------
# Reading


def approved_registration(event, user) -> Registration | None:
    """``user``'s approved registration for ``event``: the only one that takes part in matchmaking."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("user", "institution", "event")
        .filter(event=event, user=user, status=Registration.Status.APPROVED)
        .first()
    )


def participant_label(registration: Registration) -> str:
    """How a participant is shown to other participants: their name only if they allow it."""
    name = registration.user.display_name if registration.user.show_profile_to_participants else ""
    if name:
        return name
    return gettext("a participant of %(institution)s") % {"institution": registration.institution.name}


def matchmaking_sessions(event) -> QuerySet[Session]:
    return Session.objects.filter(event=event, kind=Session.Kind.MATCHMAKING).order_by("starts_at", "pk")


def request_deadline_passed(session: Session, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return session.request_deadline is not None and now >= session.request_deadline


def received_requests(registration: Registration) -> QuerySet[MeetingRequest]:
    """Requests to this person, and to their institution at this event (answered by anyone or not).

    ``recipient_institution`` is set on institution requests only, and stays set once a colleague
    answered, so the others still see who did.
    """
    return MeetingRequest.objects.filter(session__event_id=registration.event_id).filter(
        Q(recipient=registration) | Q(recipient_institution_id=registration.institution_id)
    )


def sent_requests(registration: Registration) -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.filter(requester=registration)


def request_people(request: MeetingRequest) -> list[int]:
    """Registration ids on both sides of an accepted request, sharers included."""
    people = [request.requester_id]
    if request.recipient_id:
        people.append(request.recipient_id)
    return people


def busy_slot_ids(session: Session, registration_ids) -> set[int]:
    meetings = (
        Meeting.objects.filter(session=session, slot__isnull=False)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(
            Q(request__requester_id__in=registration_ids)
            | Q(request__recipient_id__in=registration_ids)
            | Q(sharers__in=registration_ids)
        )
    )
    return set(meetings.values_list("slot_id", flat=True))


def free_slots(session: Session, registration_ids) -> list[MeetingSlot]:
    """Slots in which everyone listed is available, in no other meeting, and a table is free."""
    registration_ids = list(registration_ids)
    busy = busy_slot_ids(session, registration_ids)
    unavailable = set(
        SlotUnavailability.objects.filter(slot__session=session, registration_id__in=registration_ids).values_list(
            "slot_id", flat=True
        )
    )
    tables = session.table_count or 0
    slots = session.slots.annotate(
        taken=Count("meetings", filter=~Q(meetings__status=Meeting.Status.CANCELLED), distinct=True)
    ).order_by("starts_at")
    return [slot for slot in slots if slot.pk not in busy and slot.pk not in unavailable and slot.taken < tables]


def meeting_count(session: Session, registration_id: int) -> int:
    """Meetings (not cancelled) a person has at the session, shared ones included."""
    return (
        Meeting.objects.filter(session=session)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(
            Q(request__requester_id=registration_id)
            | Q(request__recipient_id=registration_id)
            | Q(sharers__id=registration_id)
        )
        .distinct()
        .count()
    )


def colleagues_attending(registration: Registration) -> QuerySet[Registration]:
    """Approved colleagues of the same institution at the event, who may share a meeting."""
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            institution_id=registration.institution_id,
            status=Registration.Status.APPROVED,
        )
        .exclude(pk=registration.pk)
        .select_related("user", "institution")
    )


@dataclass(frozen=True)
class SessionChoice:
    """A matchmaking session where a chosen institution has approved participants."""

    session: Session
    registration: Registration


def sessions_for_institution(user, institution: Institution) -> list[SessionChoice]:
    """Matchmaking sessions, of events the user is approved for, where ``institution`` attends."""
    if not user.is_authenticated:
        return []
    registrations = {
        reg.event_id: reg
        for reg in Registration.objects.filter(user=user, status=Registration.Status.APPROVED).select_related(
            "event", "institution", "user"
        )
    }
    if not registrations:
        return []
    attending_events = set(
        Registration.objects.filter(
            institution=institution, status=Registration.Status.APPROVED, event_id__in=registrations
        ).values_list("event_id", flat=True)
    )
    now = timezone.now()
    sessions = (
        Session.objects.filter(kind=Session.Kind.MATCHMAKING, event_id__in=attending_events, ends_at__gt=now)
        .select_related("event")
        .order_by("starts_at", "pk")
    )
    return [
        SessionChoice(session=session, registration=registrations[session.event_id])
        for session in sessions
        if not request_deadline_passed(session, now)
    ]


# ---------------------------------------------------------------------------------------------
# Sending


def _refuse(message) -> RequestError:
    return RequestError(str(message))


def _open_pair(session: Session, a: Registration, b: Registration) -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.filter(session=session, status__in=OPEN_STATUSES).filter(
        Q(requester=a, recipient=b) | Q(requester=b, recipient=a)
    )


def _check_sender(requester: Registration, session: Session, now: datetime) -> None:
    if requester.status != Registration.Status.APPROVED:
        raise _refuse(_("Only approved participants can request meetings."))
    if not session.is_matchmaking or session.event_id != requester.event_id:
        raise _refuse(_("Meetings can only be requested at a matchmaking session of this event."))
    if request_deadline_passed(session, now):
        raise _refuse(_("The deadline for meeting requests at this session has passed."))
    if requester.role in session.roles_cannot_request:
        raise _refuse(_("Participants in your role cannot request meetings at this session."))


def _expiry(session: Session, now: datetime) -> datetime:
    expires_at = now + timedelta(hours=session.request_expiry_hours)
    if session.request_deadline and session.request_deadline > now:
        expires_at = min(expires_at, session.request_deadline)
    return expires_at


def send_request(
    *,
    requester: Registration,
    session: Session,
    recipient: Registration | None = None,
    institution: Institution | None = None,
    message: str = "",
    slot: MeetingSlot | None = None,
) -> MeetingRequest:
    """Send a meeting request to a person or to an institution attending the event.

    Returns the new request, or, when ``recipient`` had already asked the requester, their
    request, now accepted with ``mutual=True`` (with its Meeting). In sessions where
    participants pick a slot, that acceptance needs ``slot``. Raises ``RequestError`` and
    writes nothing when a rule refuses the request.
    """
    if (recipient is None) == (institution is None):
        raise _refuse(_("Choose one person or one institution to meet."))
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise _refuse(
            _("The message is too long: at most %(max)d characters.") % {"max": MESSAGE_MAX_LENGTH},
        )
    now = timezone.now()
    _check_sender(requester, session, now)
    if recipient is not None:
        if recipient.pk == requester.pk:
            raise _refuse(_("You cannot request a meeting with yourself."))
        if recipient.event_id != requester.event_id or recipient.status != Registration.Status.APPROVED:
            raise _refuse(_("This person is not an approved participant of the event."))
        if recipient.institution_id == requester.institution_id:
            raise _refuse(_("You cannot request a meeting with a colleague of your own institution."))
        if recipient.role in session.roles_cannot_be_requested:
            raise _refuse(_("Participants in this role cannot receive meeting requests at this session."))
        theirs = (
            MeetingRequest.objects.filter(session=session, status=MeetingRequest.Status.PENDING)
            .filter(
                Q(requester=recipient, recipient=requester)
                | Q(requester=recipient, recipient__isnull=True, recipient_institution_id=requester.institution_id)
            )
            .order_by("created_at")
            .first()
        )
        if theirs is not None:
            if session.scheduling_mode == Session.SchedulingMode.PARTICIPANT and slot is None:
                raise _refuse(
                    _(
                        "This person already asked you for a meeting: accept their request on your meetings page "
                        "and choose a time slot."
                    )
                )
            accept_request(request_id=theirs.pk, registration=requester, slot=slot, mutual=True)
            theirs.refresh_from_db()
            return theirs
        if _open_pair(session, requester, recipient).exists():
            raise _refuse(_("You already have an open meeting request with this person at this session."))
    else:
        if institution.pk == requester.institution_id:
            raise _refuse(_("You cannot request a meeting with your own institution."))
        attending = Registration.objects.filter(
            event_id=requester.event_id, institution=institution, status=Registration.Status.APPROVED
        ).exclude(role__in=session.roles_cannot_be_requested)
        if not attending.exists():
            raise _refuse(_("This institution has no participants at the event who can receive meeting requests."))
        if MeetingRequest.objects.filter(
            session=session,
            requester=requester,
            recipient__isnull=True,
            recipient_institution=institution,
            status__in=OPEN_STATUSES,
        ).exists():
            raise _refuse(_("You already have an open meeting request with this institution at this session."))
    request = MeetingRequest(
        session=session,
        requester=requester,
        recipient=recipient,
        recipient_institution=institution,
        message=message,
        expires_at=_expiry(session, now),
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # Two requests sent at the same moment: the unique constraints keep one.
        raise _refuse(_("You already have an open meeting request with this participant at this session.")) from None
    return request


def cancel_request(*, request_id: int, registration: Registration) -> MeetingRequest:
    """Withdraw a pending request the registration sent."""
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().filter(pk=request_id, requester=registration).first()
        if request is None:
            raise _refuse(_("This meeting request was not found."))
        if request.status != MeetingRequest.Status.PENDING:
            raise _refuse(_("Only a request that is still waiting for an answer can be withdrawn."))
        request.status = MeetingRequest.Status.CANCELLED
        request.responded_at = timezone.now()
        request.save(update_fields=["status", "responded_at"])
    return request


# ---------------------------------------------------------------------------------------------
# Answering


def can_answer(request: MeetingRequest, registration: Registration) -> bool:
    """Whether ``registration`` is (one of) the recipient(s) of ``request``."""
    if registration.status != Registration.Status.APPROVED:
        return False
    if registration.event_id != request.session.event_id:
        return False
    if request.recipient_id is not None:
        return request.recipient_id == registration.pk
    return request.recipient_institution_id == registration.institution_id


def _check_answerable(request: MeetingRequest, registration: Registration, now: datetime) -> None:
    if not can_answer(request, registration):
        if request.recipient_id and request.recipient_institution_id == registration.institution_id:
            raise _refuse(_("A colleague already answered this request."))
        raise _refuse(_("This meeting request is not addressed to you."))
    status = request.status
    if status == MeetingRequest.Status.CANCELLED:
        raise _refuse(_("This meeting request was withdrawn by the person who sent it."))
    if status == MeetingRequest.Status.EXPIRED or (
        status == MeetingRequest.Status.PENDING and request.expires_at and request.expires_at <= now
    ):
        raise _refuse(_("This meeting request has expired."))
    if status == MeetingRequest.Status.ACCEPTED:
        raise _refuse(_("This meeting request was already accepted."))
    if status == MeetingRequest.Status.DECLINED:
        raise _refuse(_("This meeting request was already declined."))


def _lowest_free_table(session: Session, slot: MeetingSlot) -> int | None:
    taken = set(
        Meeting.objects.filter(slot=slot)
        .exclude(status=Meeting.Status.CANCELLED)
        .values_list("table_number", flat=True)
    )
    for number in range(1, (session.table_count or 0) + 1):
        if number not in taken:
            return number
    return None


def accept_request(
    *,
    request_id: int,
    registration: Registration,
    slot: MeetingSlot | None = None,
    sharers=(),
    mutual: bool = False,
) -> Meeting:
    """Accept a request as ``registration`` and create its Meeting.

    The request row is locked, so of two colleagues accepting an institution request the first
    wins and the second gets a clear message. In sessions where participants pick a slot,
    ``slot`` must be free for both sides (and sharers); the meeting gets the lowest free table
    and is published, and its follow-ups are planned. Raises ``RequestError``, writing nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        request = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("session", "requester")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            raise _refuse(_("This meeting request was not found."))
        _check_answerable(request, registration, now)
        session = request.session
        sharer_list = list(sharers)
        for sharer in sharer_list:
            if (
                sharer.institution_id != registration.institution_id
                or sharer.event_id != registration.event_id
                or sharer.status != Registration.Status.APPROVED
                or sharer.pk == registration.pk
            ):
                raise _refuse(_("Only approved colleagues attending the event can join the meeting."))
        meeting = Meeting(request=request, session=session, status=Meeting.Status.PROVISIONAL)
        if session.scheduling_mode == Session.SchedulingMode.PARTICIPANT:
            if slot is None:
                raise _refuse(_("Choose a time slot for the meeting."))
            # One picker at a time per session, so two acceptances cannot take the same table.
            session = Session.objects.select_for_update().get(pk=session.pk)
            people = [request.requester_id, registration.pk, *(s.pk for s in sharer_list)]
            if slot.session_id != session.pk or slot.pk not in {s.pk for s in free_slots(session, people)}:
                raise _refuse(_("This time slot is no longer free for both of you. Choose another one."))
            limit = session.max_meetings_per_person
            if limit and any(meeting_count(session, pk) >= limit for pk in people):
                raise _refuse(
                    _("One of you already has the maximum of %(max)d meetings at this session.") % {"max": limit}
                )
            table = _lowest_free_table(session, slot)
            if table is None:
                raise _refuse(_("Every table is taken in this time slot. Choose another one."))
            meeting.slot, meeting.table_number, meeting.status = slot, table, Meeting.Status.PUBLISHED
        request.status = MeetingRequest.Status.ACCEPTED
        request.recipient = registration
        request.responded_at = now
        request.mutual = request.mutual or mutual
        try:
            with transaction.atomic():
                request.save(update_fields=["status", "recipient", "responded_at", "mutual"])
                meeting.save()
                if sharer_list:
                    meeting.sharers.set(sharer_list)
        except IntegrityError:
            raise _refuse(
                _("This meeting could not be booked: the slot or the pair is already taken. Reload and try again.")
            ) from None
        if meeting.status == Meeting.Status.PUBLISHED:
            plan_follow_ups(meetings=[meeting])
            domain_events.publish(domain_events.MEETING_SCHEDULED, instance=meeting, change="new")
    return meeting


def decline_request(*, request_id: int, registration: Registration) -> MeetingRequest:
    """Decline a request as (one of) its recipient(s); raises ``RequestError``, writing nothing."""
    now = timezone.now()
    with transaction.atomic():
        request = (
            MeetingRequest.objects.select_for_update(of=("self",)).select_related("session").filter(pk=request_id)
        ).first()
        if request is None:
            raise _refuse(_("This meeting request was not found."))
        _check_answerable(request, registration, now)
        request.status = MeetingRequest.Status.DECLINED
        request.recipient = registration
        request.responded_at = now
        request.save(update_fields=["status", "recipient", "responded_at"])
    return request


# ---------------------------------------------------------------------------------------------
# Unavailability


def set_unavailable(*, registration: Registration, slot: MeetingSlot, unavailable: bool) -> bool:
    """Mark (or clear) a slot as unavailable for the registration; return the new state.

    Allowed after the schedule was published too: the organiser must then re-run the scheduler.
    """
    if slot.session.event_id != registration.event_id or registration.status != Registration.Status.APPROVED:
        raise _refuse(_("This time slot is not part of your event."))
    if unavailable:
        SlotUnavailability.objects.get_or_create(registration=registration, slot=slot)
    else:
        SlotUnavailability.objects.filter(registration=registration, slot=slot).delete()
    return unavailable


# ---------------------------------------------------------------------------------------------
# Signed links in emails


def answer_token(request: MeetingRequest, registration: Registration, action: str) -> str:
    """A signed token that lets ``registration`` accept or decline ``request`` without logging in."""
    return signing.dumps({"r": request.pk, "g": registration.pk, "a": action}, salt=SIGNING_SALT, compress=True)


def answer_url(request: MeetingRequest, registration: Registration, action: str) -> str:
    path = reverse("matchmaking:request_answer", kwargs={"token": answer_token(request, registration, action)})
    return settings.SITE_URL + path


@dataclass(frozen=True)
class SignedAnswer:
    request: MeetingRequest
    registration: Registration
    action: str


def read_answer_token(token: str) -> SignedAnswer:
    """Check a signed link: raises ``RequestError`` if tampered, unknown, used or expired."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
        request_id, registration_id, action = int(data["r"]), int(data["g"]), data["a"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _refuse(_("This link is not valid. Open the request from your meetings page instead.")) from None
    if action not in (ACCEPT, DECLINE):
        raise _refuse(_("This link is not valid. Open the request from your meetings page instead."))
    request = (
        MeetingRequest.objects.select_related(
            "session__event", "requester__user", "requester__institution", "recipient_institution"
        )
        .filter(pk=request_id)
        .first()
    )
    registration = Registration.objects.select_related("user", "institution").filter(pk=registration_id).first()
    if request is None or registration is None:
        raise _refuse(_("This meeting request no longer exists."))
    _check_answerable(request, registration, timezone.now())
    return SignedAnswer(request=request, registration=registration, action=action)


# ---------------------------------------------------------------------------------------------
# Expiry


def _recipient_users(request: MeetingRequest) -> list:
    """Users who should hear about a request: its recipient, or the institution's participants."""
    if request.recipient_id:
        return [request.recipient.user]
    return [
        reg.user
        for reg in Registration.objects.filter(
            event_id=request.session.event_id,
            institution_id=request.recipient_institution_id,
            status=Registration.Status.APPROVED,
        ).select_related("user")
    ]


def expire_requests(*, now: datetime | None = None) -> list[int]:
    """Expire pending requests past their time and tell both sides; return the expired ids.

    One UPDATE ... RETURNING over rows locked with SKIP LOCKED, so a request being answered at
    this moment is left for the next run; the emails are queued in the same transaction, with
    keys that make a second run harmless.
    """
    now = now or timezone.now()
    table = MeetingRequest._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} SET status = %s
                WHERE id IN (
                    SELECT id FROM {table}
                    WHERE status = %s AND expires_at <= %s
                    ORDER BY id
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING id
                """,  # the table name comes from the model; values are parameters  # nosec B608
                [MeetingRequest.Status.EXPIRED, MeetingRequest.Status.PENDING, now],
            )
            expired_ids = sorted(row[0] for row in cursor.fetchall())
        requests = MeetingRequest.objects.filter(pk__in=expired_ids).select_related(
            "session", "requester__user", "recipient__user"
        )
        for request in requests:
            sides = [("requester", request.requester.user)] + [
                ("recipient", user) for user in _recipient_users(request)
            ]
            for side, user in sides:
                outbox.enqueue(
                    key=f"request-expired:{request.pk}:{user.pk}",
                    kind="request_expired",
                    user=user,
                    context={"request_id": request.pk, "side": side},
                )
    return expired_ids


# The task keeps the name it had when matchmaking was part of the events app, so that tasks
# already queued under that name, and Celery beat's schedule, still reach it.
@shared_task(name="events.expire_meeting_requests")
def expire_meeting_requests() -> int:
    """Beat, every five minutes: expire unanswered meeting requests and tell both sides."""
    return len(expire_requests())


# ---------------------------------------------------------------------------------------------
# Daily digest


def pending_for_user(user, *, now: datetime | None = None) -> list[tuple[MeetingRequest, Registration]]:
    """Every request still waiting for ``user``'s answer, with the registration that answers it."""
    now = now or timezone.now()
    registrations = Registration.objects.filter(user=user, status=Registration.Status.APPROVED)
    by_event = {reg.event_id: reg for reg in registrations}
    if not by_event:
        return []
    institution_q = Q()
    for reg in by_event.values():
        institution_q |= Q(session__event_id=reg.event_id, recipient_institution_id=reg.institution_id)
    requests = (
        MeetingRequest.objects.filter(status=MeetingRequest.Status.PENDING)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(recipient__in=by_event.values()) | (Q(recipient__isnull=True) & institution_q))
        .select_related("session__event", "requester__user", "requester__institution", "recipient_institution")
        .order_by("expires_at", "pk")
    )
    return [(request, by_event[request.session.event_id]) for request in requests]


def queue_digests(*, now: datetime | None = None) -> int:
    """Queue one digest per person with pending received requests today; return how many people."""
    now = now or timezone.now()
    pending = MeetingRequest.objects.filter(status=MeetingRequest.Status.PENDING).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    direct = Registration.objects.filter(
        status=Registration.Status.APPROVED, requests_received__in=pending
    ).values_list("user_id", flat=True)
    institution_pairs = set(
        pending.filter(recipient__isnull=True).values_list("session__event_id", "recipient_institution_id")
    )
    user_ids = set(direct)
    if institution_pairs:
        pair_q = Q()
        for event_id, institution_id in institution_pairs:
            pair_q |= Q(event_id=event_id, institution_id=institution_id)
        user_ids |= set(
            Registration.objects.filter(pair_q, status=Registration.Status.APPROVED).values_list("user_id", flat=True)
        )
    day = now.date().isoformat()
    with transaction.atomic():
        for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
            outbox.enqueue(
                key=f"request-digest:{user.pk}:{day}",
                kind="request_digest",
                user=user,
                due_at=now,
                context={"date": day},
            )
    return len(user_ids)


# The task keeps the name it had when matchmaking was part of the events app, so that tasks
# already queued under that name, and Celery beat's schedule, still reach it.
@shared_task(name="events.queue_request_digests")
def queue_request_digests() -> int:
    """Beat, daily at 01:00 UTC: one email per person listing the requests waiting for them."""
    return queue_digests()


# ---------------------------------------------------------------------------------------------
# Emails


def _my_meetings_url(event) -> str:
    return settings.SITE_URL + reverse("matchmaking:my_meetings", kwargs={"slug": event.slug})


@outbox.renderer("request_digest", preference="email_request_digest")
def render_request_digest(email) -> outbox.Rendered | None:
    """The digest, written at sending time: only requests still waiting; None if there are none."""
    pending = pending_for_user(email.user)
    if not pending:
        return None
    items = []
    events = {}
    for request, registration in pending:
        event = request.session.event
        events[event.pk] = {"title": event.localized("title"), "url": _my_meetings_url(event)}
        items.append(
            {
                "from": participant_label(request.requester),
                "institution": request.requester.institution.name,
                "to_institution": request.recipient_institution.name if request.recipient_id is None else "",
                "session": request.session.localized("title"),
                "event": event.localized("title"),
                "message": request.message,
                "expires_at": timezone.localtime(request.expires_at, _event_zone(event))
                if request.expires_at
                else None,
                "accept_url": answer_url(request, registration, ACCEPT),
                "decline_url": answer_url(request, registration, DECLINE),
            }
        )
    context = {"user": email.user, "items": items, "events": list(events.values())}
    subject = gettext("Meeting requests waiting for your answer (%(count)d)") % {"count": len(items)}
    return outbox.Rendered(
        subject=subject,
        text=render_to_string("matchmaking/requests/email/request_digest.txt", context),
        html=render_to_string("matchmaking/requests/email/request_digest.html", context),
    )


@outbox.renderer("request_expired")
def render_request_expired(email) -> outbox.Rendered | None:
    """Tell one side that a request expired unanswered."""
    request = (
        MeetingRequest.objects.select_related(
            "session__event", "requester__user", "requester__institution", "recipient__user", "recipient__institution"
        )
        .filter(pk=email.context.get("request_id"))
        .first()
    )
    if request is None or request.status != MeetingRequest.Status.EXPIRED:
        return None
    side = email.context.get("side")
    if request.recipient_id:
        other = participant_label(request.recipient) if side == "requester" else participant_label(request.requester)
    else:
        other = request.recipient_institution.name if side == "requester" else participant_label(request.requester)
    event = request.session.event
    context = {
        "user": email.user,
        "side": side,
        "other": other,
        "requester_institution": request.requester.institution.name,
        "session": request.session.localized("title"),
        "event": event.localized("title"),
        "url": _my_meetings_url(event),
    }
    if side == "requester":
        subject = gettext("Your meeting request expired: %(other)s") % {"other": other}
    else:
        subject = gettext("A meeting request to you expired: %(other)s") % {"other": other}
    return outbox.Rendered(
        subject=subject, text=render_to_string("matchmaking/requests/email/request_expired.txt", context)
    )


def _event_zone(event):
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.time_zone)
