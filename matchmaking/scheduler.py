"""The organiser's side of a matchmaking session: slots, scheduler runs, review and publication.

A run of the scheduler only writes a proposal (``Meeting.draft_slot``/``draft_table`` and
``unplaced_reason``); participants see nothing of it. Publishing copies the proposal to
``slot``/``table_number`` in one transaction, raises the calendar SEQUENCE of every published
meeting that moves or is cancelled, and queues the emails that tell the people concerned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import domain_events, outbox
from core.audit import audit_log
from events.models import MeetingSlot, Registration, Session

from . import attendance as attendance_marks
from . import followups
from .errors import MatchmakingError
from .models import AttendanceMark, Meeting, MeetingRequest, SlotUnavailability
from .selectors import partner_of

# --- Slots ---------------------------------------------------------------------------------


def slot_times(session: Session) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every slot that fits in the session, with the break after each one."""
    if not session.slot_minutes:
        return []
    length = timedelta(minutes=session.slot_minutes)
    step = length + timedelta(minutes=session.break_minutes or 0)
    times = []
    start = session.starts_at
    while start + length <= session.ends_at:
        times.append((start, start + length))
        start += step
    return times


@transaction.atomic
def generate_slots(*, session: Session) -> list[MeetingSlot]:
    """Make the session's slots match its settings; return them in time order.

    Slots whose times stay are kept (with the meetings and unavailabilities on them); the others
    are replaced. Refused while a published meeting sits on a slot that would disappear. A
    proposal from an earlier run that used a removed slot is dropped: run the scheduler again.
    Idempotent: unchanged settings change nothing.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.is_matchmaking:
        raise MatchmakingError(_("Only a matchmaking session has meeting slots."))
    if not session.slot_minutes or not session.table_count:
        raise MatchmakingError(_("Set the meeting length and the number of tables of the session first."))
    wanted = slot_times(session)
    if not wanted:
        raise MatchmakingError(_("Not even one meeting fits between the start and the end of the session."))
    existing = list(session.slots.all())
    keep = {(slot.starts_at, slot.ends_at) for slot in existing} & set(wanted)
    removed = [slot for slot in existing if (slot.starts_at, slot.ends_at) not in keep]
    if removed:
        in_use = Meeting.objects.filter(slot__in=removed, status=Meeting.Status.PUBLISHED).count()
        if in_use:
            raise MatchmakingError(
                ngettext(
                    "%(count)s published meeting is on a slot that these settings would remove. "
                    "Keep the slot times, or cancel that meeting first.",
                    "%(count)s published meetings are on slots that these settings would remove. "
                    "Keep the slot times, or cancel those meetings first.",
                    in_use,
                )
                % {"count": in_use}
            )
        if Meeting.objects.filter(draft_slot__in=removed).exists():
            session.scheduled_at = None
            session.save(update_fields=["scheduled_at"])
        MeetingSlot.objects.filter(pk__in=[slot.pk for slot in removed]).delete()
    MeetingSlot.objects.bulk_create(
        MeetingSlot(session=session, starts_at=start, ends_at=end) for start, end in wanted if (start, end) not in keep
    )
    return list(session.slots.order_by("starts_at"))


# --- Scheduler runs --------------------------------------------------------------------------


def _meetings_to_schedule(session: Session) -> list[Meeting]:
    return list(
        Meeting.objects.filter(session=session, request__status=MeetingRequest.Status.ACCEPTED)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("request")
        .order_by("request__created_at", "request__pk")
    )


@transaction.atomic
def run_scheduler(*, session: Session, by=None) -> dict[str, int]:
    """Place the session's accepted meetings and store the result as a proposal to review.

    Only approved registrations take part: a meeting whose requester or recipient is not
    approved is left unplaced (no reason code fits, so ``unplaced_reason`` stays blank), and
    sharers who are not approved are left out. Published meetings are given to the scheduler as
    fixed, so they stay where they are whenever possible. Deterministic: the same data gives the
    same proposal. Runs a fixed number of queries whatever the number of meetings.

    Returns counts: ``placed`` and ``unplaced``. Recorded in the audit trail as done ``by``
    (None: the person of the current request).
    """
    from .scheduling import Problem, Request, schedule

    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.scheduling_mode == Session.SchedulingMode.PARTICIPANT:
        raise MatchmakingError(_("In this session participants pick their slots: there is nothing to schedule."))
    slots = list(session.slots.order_by("starts_at").values_list("pk", flat=True))
    if not slots or not session.table_count:
        raise MatchmakingError(_("Generate the slots of the session first."))
    meetings = _meetings_to_schedule(session)
    approved = set(
        Registration.objects.filter(event_id=session.event_id, status=Registration.Status.APPROVED).values_list(
            "pk", flat=True
        )
    )
    sharers: dict[int, list[int]] = defaultdict(list)
    for meeting_id, registration_id in (
        Meeting.sharers.through.objects.filter(meeting__in=[m.pk for m in meetings])
        .order_by("registration_id")
        .values_list("meeting_id", "registration_id")
    ):
        sharers[meeting_id].append(registration_id)
    unavailable: dict[int, set[int]] = defaultdict(set)
    for registration_id, slot_id in SlotUnavailability.objects.filter(slot__session=session).values_list(
        "registration_id", "slot_id"
    ):
        unavailable[registration_id].add(slot_id)

    requests, fixed = [], {}
    for order, meeting in enumerate(meetings):
        request = meeting.request
        if request.recipient_id is None or not {request.requester_id, request.recipient_id} <= approved:
            continue
        people = (
            request.requester_id,
            request.recipient_id,
            *(
                pk
                for pk in sharers[meeting.pk]
                if pk in approved and pk not in (request.requester_id, request.recipient_id)
            ),
        )
        requests.append(
            Request(
                id=meeting.pk,
                people=people,
                order=order,
                mutual=request.mutual,
                requester=request.requester_id,
                recipient=request.recipient_id,
            )
        )
        if meeting.status == Meeting.Status.PUBLISHED and meeting.slot_id:
            fixed[meeting.pk] = (meeting.slot_id, meeting.table_number)
    result = schedule(
        Problem(
            slots=tuple(slots),
            tables=session.table_count,
            max_per_person=session.max_meetings_per_person,
            unavailable={pk: frozenset(ids) for pk, ids in unavailable.items()},
            requests=tuple(requests),
            fixed=fixed,
        )
    )
    for meeting in meetings:
        placement = result.placed.get(meeting.pk)
        if placement is not None:
            meeting.draft_slot_id, meeting.draft_table = placement
            meeting.unplaced_reason = ""
        else:
            meeting.draft_slot_id = meeting.draft_table = None
            meeting.unplaced_reason = result.unplaced.get(meeting.pk, "")
    Meeting.objects.bulk_update(meetings, ["draft_slot", "draft_table", "unplaced_reason"], batch_size=2000)
    session.scheduled_at = timezone.now()
    session.save(update_fields=["scheduled_at"])
    placed = sum(1 for meeting in meetings if meeting.draft_slot_id)
    counts = {"placed": placed, "unplaced": len(meetings) - placed}
    audit_log(action="events.schedule.run", actor=by, target=session, event=session.event_id, data=counts)
    return counts


# --- Review ---------------------------------------------------------------------------------


def _meetings_with_people(session: Session):
    registrations = Registration.objects.select_related("user", "institution")
    return (
        Meeting.objects.filter(session=session)
        .select_related(
            "slot",
            "draft_slot",
            "request__requester__user",
            "request__requester__institution",
            "request__recipient__user",
            "request__recipient__institution",
            "request__recipient_institution",
        )
        .prefetch_related(Prefetch("sharers", queryset=registrations))
        .order_by("request__created_at", "pk")
    )


def people_of(meeting: Meeting) -> list[Registration]:
    """Everyone told about a meeting: the requester, the recipient, then the sharers."""
    request = meeting.request
    people = [request.requester]
    if request.recipient_id:
        people.append(request.recipient)
    people.extend(sharer for sharer in meeting.sharers.all() if sharer.pk not in {p.pk for p in people})
    return people


@dataclass
class GridRow:
    slot: MeetingSlot
    cells: list[Meeting | None]


@dataclass
class Review:
    """What the organiser looks at before publishing."""

    session: Session
    rows: list[GridRow]
    tables: list[int]
    new: list[Meeting] = field(default_factory=list)
    moved: list[Meeting] = field(default_factory=list)
    cancelled: list[Meeting] = field(default_factory=list)
    unchanged: int = 0
    unplaced: list[Meeting] = field(default_factory=list)
    load: list[tuple[Registration, int, int]] = field(default_factory=list)
    accepted_since_run: int = 0


def schedule_grid(session: Session, meetings, *, draft: bool) -> tuple[list[GridRow], list[int]]:
    """The slot × table grid of ``meetings`` (already fetched), proposed (``draft``) or published."""
    slots = list(session.slots.order_by("starts_at"))
    tables = list(range(1, (session.table_count or 0) + 1))
    cells: dict[tuple[int, int], Meeting] = {}
    for meeting in meetings:
        slot_id, table = (
            (meeting.draft_slot_id, meeting.draft_table) if draft else (meeting.slot_id, meeting.table_number)
        )
        if slot_id and table and (draft or meeting.status != Meeting.Status.CANCELLED):
            cells[(slot_id, table)] = meeting
    rows = [GridRow(slot, [cells.get((slot.pk, table)) for table in tables]) for slot in slots]
    return rows, tables


def schedule_review(session: Session) -> Review:
    """The proposal of the last run: grid, changes against what is published, unplaced, load."""
    meetings = [m for m in _meetings_with_people(session) if m.status != Meeting.Status.CANCELLED]
    participant_mode = session.scheduling_mode == Session.SchedulingMode.PARTICIPANT
    rows, tables = schedule_grid(session, meetings, draft=not participant_mode)
    review = Review(session=session, rows=rows, tables=tables)
    load: dict[int, list] = {}
    for meeting in meetings:
        accepted = meeting.request.status == MeetingRequest.Status.ACCEPTED
        published = meeting.status == Meeting.Status.PUBLISHED
        placed = (meeting.slot_id if participant_mode else meeting.draft_slot_id) is not None
        if not participant_mode:
            if published and not meeting.draft_slot_id:
                review.cancelled.append(meeting)
            elif published and (meeting.draft_slot_id, meeting.draft_table) != (meeting.slot_id, meeting.table_number):
                review.moved.append(meeting)
            elif published:
                review.unchanged += 1
            elif meeting.draft_slot_id:
                review.new.append(meeting)
            if not meeting.draft_slot_id and accepted:
                review.unplaced.append(meeting)
        for person in people_of(meeting):
            entry = load.setdefault(person.pk, [person, 0, 0])
            entry[2] += 1
            if placed:
                entry[1] += 1
        if (
            session.scheduled_at
            and meeting.request.responded_at
            and meeting.request.responded_at > session.scheduled_at
        ):
            review.accepted_since_run += 1
    review.load = sorted(
        ((person, placed, total) for person, placed, total in load.values()),
        key=lambda row: (-row[1], -row[2], str(row[0].user)),
    )
    return review


def unplaced_reason_text(meeting: Meeting) -> str:
    if meeting.unplaced_reason:
        return str(meeting.get_unplaced_reason_display())
    return _("not scheduled: a participant is not approved, or the meeting was accepted after the last run")


def session_counts(session: Session) -> dict[str, int]:
    """Requests by status, meetings by status, and unavailable slots, in two queries."""
    counts = session.meeting_requests.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in MeetingRequest.Status.values}
    )
    counts.update(
        Meeting.objects.filter(session=session).aggregate(
            meetings=Count("pk", filter=~Q(status=Meeting.Status.CANCELLED)),
            meetings_published=Count("pk", filter=Q(status=Meeting.Status.PUBLISHED)),
            meetings_drafted=Count("pk", filter=Q(draft_slot__isnull=False) & ~Q(status=Meeting.Status.CANCELLED)),
        )
    )
    counts["unavailable"] = SlotUnavailability.objects.filter(slot__session=session).count()
    return counts


# --- Publication ---------------------------------------------------------------------------


def _placement(meeting: Meeting) -> dict | None:
    if meeting.slot is None:
        return None
    return {
        "starts_at": meeting.slot.starts_at.isoformat(),
        "ends_at": meeting.slot.ends_at.isoformat(),
        "table": meeting.table_number,
    }


@transaction.atomic
def publish_schedule(*, session: Session, by=None) -> dict[str, int]:
    """Publish the last proposal: participants see it from now on, and the people concerned are told.

    - a provisional meeting with a proposed place becomes published there;
    - a published meeting whose place changes moves there (calendar SEQUENCE + 1);
    - a published meeting left without a place is cancelled (SEQUENCE + 1, keeping its old slot
      so calendars can remove the entry);
    - provisional meetings without a place stay provisional.

    Follow-ups are planned for newly published meetings and cancelled for cancelled ones. The
    first publication queues "schedule_published" to everyone with a meeting; later ones queue
    "schedule_changed" to the people whose meetings are new, moved or cancelled (one email per
    person). Returns the counts of new, moved, cancelled and unchanged meetings. Recorded in the
    audit trail as done ``by`` (None: the person of the current request).
    """
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    if session.scheduling_mode == Session.SchedulingMode.PARTICIPANT:
        raise MatchmakingError(_("In this session participants pick their slots: there is nothing to publish."))
    if session.scheduled_at is None:
        raise MatchmakingError(_("Run the scheduler before publishing."))
    zone = ZoneInfo(session.event.time_zone)
    meetings = [
        m
        for m in _meetings_with_people(session).select_for_update(of=("self",))
        if m.status != Meeting.Status.CANCELLED
    ]
    new, moved, cancelled, unchanged = [], [], [], []
    before: dict[int, dict | None] = {}
    for meeting in meetings:
        draft = (meeting.draft_slot_id, meeting.draft_table)
        if meeting.status == Meeting.Status.PUBLISHED:
            before[meeting.pk] = _placement(meeting)
            if draft[0] is None:
                cancelled.append(meeting)
            elif draft != (meeting.slot_id, meeting.table_number):
                moved.append(meeting)
            else:
                unchanged.append(meeting)
        elif draft[0] is not None and meeting.request.status == MeetingRequest.Status.ACCEPTED:
            new.append(meeting)
    # Phase one frees the cells of moved and cancelled meetings, so that phase two can never
    # put two meetings in one (slot, table) even for a moment.
    # bulk_update() leaves auto_now fields alone: updated_at (calendars' LAST-MODIFIED and,
    # in feeds, DTSTAMP) is set here, for every meeting whose entry changes.
    now = timezone.now()
    for meeting in cancelled:
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.updated_at = now
    for meeting in moved:
        meeting.slot_id = meeting.table_number = None
    fields = ["status", "sequence", "slot", "table_number", "updated_at"]
    Meeting.objects.bulk_update(cancelled + moved, fields, batch_size=2000)
    for meeting in moved:
        meeting.sequence += 1
    for meeting in moved + new:
        meeting.slot_id, meeting.table_number = meeting.draft_slot_id, meeting.draft_table
        meeting.slot = meeting.draft_slot
        meeting.status = Meeting.Status.PUBLISHED
        meeting.updated_at = now
    Meeting.objects.bulk_update(moved + new, fields, batch_size=2000)
    session.published_at = now
    session.publication_count += 1
    session.save(update_fields=["published_at", "publication_count"])

    followups.plan_follow_ups(meetings=new)
    followups.cancel_follow_ups(meetings=cancelled)
    domain_events.publish_many(domain_events.MEETING_SCHEDULED, instances=new, change="new")
    domain_events.publish_many(domain_events.MEETING_SCHEDULED, instances=moved, change="moved")
    _queue_publication_emails(
        session, meetings=new + moved + unchanged, new=new, moved=moved, cancelled=cancelled, before=before, zone=zone
    )
    counts = {"new": len(new), "moved": len(moved), "cancelled": len(cancelled), "unchanged": len(unchanged)}
    audit_log(action="events.schedule.published", actor=by, target=session, event=session.event_id, data=counts)
    return counts


def _queue_publication_emails(session, *, meetings, new, moved, cancelled, before, zone) -> None:
    count = session.publication_count
    if count == 1:
        people = {person.pk: person for meeting in meetings for person in people_of(meeting)}
        for person in people.values():
            outbox.enqueue(
                key=f"schedule:{session.pk}:{person.pk}:{count}",
                kind="schedule_published",
                user=person.user,
                context={"session": session.pk, "registration": person.pk, "publication": count},
            )
        # A first publication moves and cancels nothing that was published before.
        return
    changes: dict[int, list[dict]] = defaultdict(list)
    people: dict[int, Registration] = {}
    for kind, group in (("new", new), ("moved", moved), ("cancelled", cancelled)):
        for meeting in group:
            for person in people_of(meeting):
                people[person.pk] = person
                changes[person.pk].append(
                    {
                        "meeting": meeting.pk,
                        "change": kind,
                        "before": before.get(meeting.pk),
                        "after": None if kind == "cancelled" else _placement(meeting),
                    }
                )
    for pk, person in people.items():
        outbox.enqueue(
            key=f"schedule:{session.pk}:{pk}:{count}",
            kind="schedule_changed",
            user=person.user,
            context={"session": session.pk, "registration": pk, "publication": count, "changes": changes[pk]},
        )


# --- On the day ------------------------------------------------------------------------------


def meeting_mark_attendance(
    *, meeting: Meeting, attendance: str, marked_by=None, now: datetime | None = None
) -> Meeting:
    """Record the organisers' mark of a published meeting (held or no-show); a no-show stops its follow-ups.

    The organisers' mark is one of the meeting's marks (``matchmaking.attendance``): a side that
    marked it held keeps it held. The caller checked that ``marked_by`` organises the event.
    """
    return attendance_marks.attendance_record(
        meeting=meeting, side=AttendanceMark.Side.ORGANISERS, attendance=attendance, marked_by=marked_by, now=now
    )


def room_slots(session: Session, *, now: datetime) -> tuple[MeetingSlot | None, MeetingSlot | None]:
    """The slot running at ``now`` (None in a break) and the next one to start."""
    slots = list(session.slots.filter(ends_at__gt=now).order_by("starts_at")[:2])
    current = slots[0] if slots and slots[0].starts_at <= now else None
    following = [slot for slot in slots if slot.starts_at > now]
    return current, (following[0] if following else None)


def published_meetings_in(slots) -> dict[int, list[Meeting]]:
    """Published meetings of ``slots`` by slot id, in table order, with both sides."""
    slot_ids = [slot.pk for slot in slots if slot is not None]
    result: dict[int, list[Meeting]] = {pk: [] for pk in slot_ids}
    for meeting in (
        Meeting.objects.filter(slot_id__in=slot_ids, status=Meeting.Status.PUBLISHED)
        .select_related(
            "request__requester__user",
            "request__requester__institution",
            "request__recipient__user",
            "request__recipient__institution",
            "request__recipient_institution",
        )
        .order_by("table_number")
    ):
        result[meeting.slot_id].append(meeting)
    return result


# --- Emails -----------------------------------------------------------------------------------


def _agenda_link(session: Session) -> str:
    return settings.SITE_URL + reverse("matchmaking:my_agenda", kwargs={"slug": session.event.slug})


def _local(value: str | None, zone: ZoneInfo) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(zone) if value else None


def _email_subjects(email) -> tuple[Registration | None, Session | None]:
    """The registration and session an agenda email is about (None once deleted)."""
    registration = (
        Registration.objects.select_related("user", "institution", "event")
        .filter(pk=email.context.get("registration"))
        .first()
    )
    session = Session.objects.select_related("event").filter(pk=email.context.get("session")).first()
    return registration, session


def _agenda_email(template: str, subject: str, session: Session, registration: Registration, lines) -> outbox.Rendered:
    context = {
        "session": session,
        "event": session.event,
        "registration": registration,
        "lines": lines,
        "link": _agenda_link(session),
        "zone": session.event.time_zone,
    }
    return outbox.Rendered(
        subject=subject, text=render_to_string(f"matchmaking/schedule/email/{template}.txt", context)
    )


@outbox.renderer("schedule_published")
def render_schedule_published(email) -> outbox.Rendered | None:
    registration, session = _email_subjects(email)
    if registration is None or session is None:
        return None
    zone = ZoneInfo(session.event.time_zone)
    meetings = list(
        _meetings_with_people(session)
        .filter(Q(request__requester=registration) | Q(request__recipient=registration) | Q(sharers=registration))
        .filter(status=Meeting.Status.PUBLISHED, slot__isnull=False)
        .distinct()
        .order_by("slot__starts_at", "table_number")
    )
    if not meetings:
        return None
    lines = [
        {
            "starts_at": meeting.slot.starts_at.astimezone(zone),
            "ends_at": meeting.slot.ends_at.astimezone(zone),
            "table": meeting.table_number,
            "partner": partner_of(meeting, registration),
            "message": meeting.request.message,
        }
        for meeting in meetings
    ]
    subject = _("Your meeting agenda for %(session)s is ready") % {"session": session.localized("title")}
    return _agenda_email("schedule_published", subject, session, registration, lines)


@outbox.renderer("schedule_changed")
def render_schedule_changed(email) -> outbox.Rendered | None:
    registration, session = _email_subjects(email)
    changes = email.context.get("changes") or []
    if registration is None or session is None or not changes:
        return None
    zone = ZoneInfo(session.event.time_zone)
    meetings = {m.pk: m for m in _meetings_with_people(session).filter(pk__in=[c["meeting"] for c in changes])}
    lines = []
    for change in changes:
        meeting = meetings.get(change["meeting"])
        if meeting is None:
            continue
        before, after = change.get("before") or {}, change.get("after") or {}
        lines.append(
            {
                "change": change["change"],
                "partner": partner_of(meeting, registration),
                "before_starts_at": _local(before.get("starts_at"), zone),
                "before_ends_at": _local(before.get("ends_at"), zone),
                "before_table": before.get("table"),
                "after_starts_at": _local(after.get("starts_at"), zone),
                "after_ends_at": _local(after.get("ends_at"), zone),
                "after_table": after.get("table"),
            }
        )
    if not lines:
        return None
    subject = _("Your meeting agenda for %(session)s has changed") % {"session": session.localized("title")}
    return _agenda_email("schedule_changed", subject, session, registration, lines)
