"""Follow-ups after meetings: the steps after a matchmaking session, answers, flags and outcomes.

After a matchmaking session, both sides of every published meeting are asked what came of it
at each step of ``Event.follow_up_days`` (days after the end of the session). Each question is
a ``FollowUp`` row (one per meeting, person and step), and each person gets ONE email per
session and step listing all their meetings due then: an outbox row keyed
``follow-up:<session>:<registration>:<step>``. Both are written in the transaction that
publishes the meetings, never as delayed Celery tasks.

The email is written when it is sent, from the rows still open then: a meeting whose outcome
is "MoU signed", that the person opted out of, that was cancelled or marked a no-show, or that
they already answered at that step is left out, and with nothing left the email is not sent.
Answers come from one-click links (``FollowUp.token``, valid for ``LINK_VALID_DAYS`` after the
step is due) or from the signed-in participant's own page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.dates import date_format
from core.models import OutboundEmail
from events.models import Registration, Session, new_token

from .errors import MatchmakingError
from .models import FollowUp, Meeting, MeetingOutcome
from .mou_links import mou_links

# The outbox kind, like the Celery task names, is the one it had when matchmaking was part of
# the events app, so that outbox rows queued before the move are still written and sent.
KIND = "follow_up"
# One-click links stay valid this long after their step is due.
LINK_VALID_DAYS = 180
# Meetings nobody answered this long after the last step are flagged to the secretariat.
FLAG_AFTER_DAYS = 14


def meeting_held(now) -> Q:
    """Meetings that took place: published, and marked held or of a session ended by ``now`` without a no-show.

    The one definition for the event report and the MoU statistics (a filter or an annotation on
    ``Meeting``).
    """
    took_place = Q(attendance=Meeting.Attendance.HELD) | (
        ~Q(attendance=Meeting.Attendance.NO_SHOW) & Q(session__ends_at__lte=now)
    )
    return Q(status=Meeting.Status.PUBLISHED) & took_place


def reported_mou_signed() -> Q:
    """Meetings a side reported "MoU signed" about: in a follow-up answer, or as the meeting's outcome."""
    answered_signed = FollowUp.objects.filter(meeting=OuterRef("pk"), outcome=MeetingOutcome.MOU_SIGNED)
    return Q(outcome=MeetingOutcome.MOU_SIGNED) | Q(Exists(answered_signed))


def led_to_signed_mou() -> Q:
    """Meetings that led to a signed MoU: reported "MoU signed" by a side, or linked to a logged MoU.

    The one definition for the report's funnel and the organisers' follow-up page (a filter or
    an annotation on ``Meeting``).
    """
    return reported_mou_signed() | Q(pk__in=mou_links().linked_meeting_ids())


class FollowUpError(MatchmakingError):
    """An answer that cannot be recorded; the message is shown to the person."""


def email_key(session_id: int, registration_id: int, step: int) -> str:
    return f"follow-up:{session_id}:{registration_id}:{step}"


# --- planning ------------------------------------------------------------------------------


def plan_follow_ups(*, meetings: Iterable[Meeting]) -> None:
    """Create the follow-up rows and outbox emails of published meetings (idempotent).

    Only published meetings of matchmaking sessions that were not marked no-show and have not
    led to a signed MoU get follow-ups; both sides (the requester and the recipient, not
    colleagues sharing the meeting) at each step of the event's ``follow_up_days``. A fixed
    number of queries, whatever the number of meetings.
    """
    ids = [meeting.pk for meeting in meetings]
    if not ids:
        return
    rows = list(
        Meeting.objects.filter(pk__in=ids, status=Meeting.Status.PUBLISHED, session__kind=Session.Kind.MATCHMAKING)
        .exclude(attendance=Meeting.Attendance.NO_SHOW)
        .exclude(outcome=MeetingOutcome.MOU_SIGNED)
        .select_related("session__event", "request__requester__user", "request__recipient__user")
    )
    follow_ups: list[FollowUp] = []
    emails: dict[str, OutboundEmail] = {}
    now = timezone.now()
    for meeting in rows:
        session = meeting.session
        request = meeting.request
        sides = [request.requester] + ([request.recipient] if request.recipient_id else [])
        for step, days in enumerate(session.event.follow_up_days or [], start=1):
            due_at = session.ends_at + timedelta(days=days)
            for registration in sides:
                follow_ups.append(FollowUp(meeting=meeting, recipient=registration, step=step, due_at=due_at))
                key = email_key(session.pk, registration.pk, step)
                emails.setdefault(
                    key,
                    # The same row as outbox.enqueue() writes, in one INSERT for all of them.
                    OutboundEmail(
                        key=key,
                        kind=KIND,
                        user=registration.user,
                        due_at=due_at,
                        next_attempt_at=due_at,
                        context={"session": session.pk, "registration": registration.pk, "step": step},
                        message_id=outbox.message_id_for(key),
                    ),
                )
    if not follow_ups:
        return
    FollowUp.objects.bulk_create(follow_ups, ignore_conflicts=True)
    OutboundEmail.objects.bulk_create(emails.values(), ignore_conflicts=True)
    # An email found "not needed" earlier (everything in it answered or cancelled) has new
    # meetings to ask about again while it is still to come.
    OutboundEmail.objects.filter(
        key__in=list(emails), state=OutboundEmail.State.CANCELLED, sent_at__isnull=True, due_at__gt=now
    ).update(state=OutboundEmail.State.PENDING)


def cancel_follow_ups(*, meetings: Iterable[Meeting]) -> None:
    """Stop the follow-ups not yet sent for meetings that were cancelled or did not take place."""
    ids = [meeting.pk for meeting in meetings]
    if not ids:
        return
    _drop(FollowUp.objects.filter(meeting_id__in=ids, sent_at__isnull=True))


def _drop(follow_ups) -> None:
    """Delete the unsent ``follow_ups`` and cancel the emails that have nothing left to ask."""
    keys = {
        (session_id, recipient_id, step)
        for session_id, recipient_id, step in follow_ups.values_list("meeting__session_id", "recipient_id", "step")
    }
    follow_ups.delete()
    _release(keys)


def _release(keys: set[tuple[int, int, int]]) -> None:
    """Cancel the outbox emails of ``keys`` (session, registration, step) with no open question left."""
    if not keys:
        return
    still_open = set(
        _open_questions()
        .filter(
            meeting__session_id__in={key[0] for key in keys},
            recipient_id__in={key[1] for key in keys},
            step__in={key[2] for key in keys},
        )
        .values_list("meeting__session_id", "recipient_id", "step")
    )
    empty = [email_key(*key) for key in keys - still_open]
    if empty:
        outbox.cancel(keys=empty)


def _open_questions():
    """Follow-ups still to be asked: not sent, answered, opted out of, nor made pointless."""
    signed = FollowUp.objects.filter(meeting=OuterRef("meeting"), outcome=MeetingOutcome.MOU_SIGNED)
    return (
        FollowUp.objects.filter(
            sent_at__isnull=True,
            answered_at__isnull=True,
            opted_out_at__isnull=True,
            meeting__status=Meeting.Status.PUBLISHED,
        )
        .exclude(meeting_id__in=mou_links().linked_meeting_ids())
        .exclude(meeting__attendance=Meeting.Attendance.NO_SHOW)
        .exclude(meeting__outcome=MeetingOutcome.MOU_SIGNED)
        .exclude(Exists(signed))
    )


# --- the digest email ----------------------------------------------------------------------


def _digest_rows(email: OutboundEmail):
    context = email.context or {}
    return (
        _open_questions()
        .filter(
            meeting__session_id=context.get("session"),
            recipient_id=context.get("registration"),
            step=context.get("step"),
        )
        .select_related(
            "meeting__session__event",
            "meeting__slot",
            "meeting__request__requester__user",
            "meeting__request__requester__institution",
            "meeting__request__recipient__user",
            "meeting__request__recipient__institution",
            "meeting__request__recipient_institution",
            "recipient__user",
        )
        .order_by("meeting__slot__starts_at", "meeting__table_number", "pk")
    )


def partner_of(meeting: Meeting, registration_id: int) -> tuple[str, str]:
    """(name, institution) of the other side of ``meeting`` for ``registration_id``.

    The name is left empty when that person does not show their profile to participants.
    """
    request = meeting.request
    other = request.recipient if request.requester_id == registration_id else request.requester
    if other is None:
        return "", request.recipient_institution.name if request.recipient_institution_id else ""
    name = (other.user.display_name or "").strip() if other.user.show_profile_to_participants else ""
    return name, other.institution.name


def answer_url(follow_up: FollowUp, outcome: str) -> str:
    return settings.SITE_URL + reverse(
        "matchmaking:follow_up_answer", kwargs={"token": follow_up.token, "outcome": outcome}
    )


def opt_out_url(follow_up: FollowUp) -> str:
    return settings.SITE_URL + reverse("matchmaking:follow_up_opt_out", kwargs={"token": follow_up.token})


@dataclass
class DigestLine:
    follow_up: FollowUp
    partner: str
    institution: str
    when: str
    table: int | None
    room: str
    answers: list[tuple[str, str]]
    opt_out: str


def mark_follow_ups_sent(email: OutboundEmail) -> None:
    """After the digest went out: its questions count as asked (sent_at)."""
    FollowUp.objects.filter(pk__in=_digest_rows(email).values("pk")).update(sent_at=timezone.now())


@outbox.renderer(KIND, preference="email_follow_ups", after_sent=mark_follow_ups_sent)
def render_follow_up(email: OutboundEmail) -> outbox.Rendered | None:
    """One digest per person, session and step; None when no meeting is left to ask about."""
    rows = list(_digest_rows(email))
    if not rows:
        return None
    session = rows[0].meeting.session
    event = session.event
    zone = ZoneInfo(event.time_zone)
    lines = []
    for follow_up in rows:
        meeting = follow_up.meeting
        name, institution = partner_of(meeting, follow_up.recipient_id)
        lines.append(
            DigestLine(
                follow_up=follow_up,
                partner=name,
                institution=institution,
                when=date_format(timezone.localtime(meeting.slot.starts_at, zone), "DATETIME_FORMAT")
                if meeting.slot_id
                else "",
                table=meeting.table_number,
                room=session.room,
                answers=[(label, answer_url(follow_up, value)) for value, label in MeetingOutcome.choices],
                opt_out=opt_out_url(follow_up),
            )
        )
    context = {
        "event": event,
        "session": session,
        "registration": rows[0].recipient,
        "step": email.context.get("step"),
        "lines": lines,
        "count": len(lines),
        "site_url": settings.SITE_URL,
        "page_url": settings.SITE_URL + reverse("matchmaking:my_meeting_outcomes", kwargs={"slug": event.slug}),
        "valid_days": LINK_VALID_DAYS,
    }
    subject = render_to_string("matchmaking/followups/email/follow_up_subject.txt", context).strip()
    text = render_to_string("matchmaking/followups/email/follow_up_body.txt", context)
    html = render_to_string("matchmaking/followups/email/follow_up_body.html", context)
    return outbox.Rendered(subject=" ".join(subject.split()), text=text, html=html)


# --- answers -------------------------------------------------------------------------------


def link_expires_at(follow_up: FollowUp):
    return follow_up.due_at + timedelta(days=LINK_VALID_DAYS)


def follow_up_for_link(token: str) -> FollowUp | None:
    """The follow-up of a one-click link, or None when the token is unknown."""
    return (
        FollowUp.objects.select_related(
            "meeting__session__event",
            "meeting__slot",
            "meeting__request__requester__user",
            "meeting__request__requester__institution",
            "meeting__request__recipient__user",
            "meeting__request__recipient__institution",
            "meeting__request__recipient_institution",
        )
        .filter(token=token)
        .first()
    )


def link_problem(follow_up: FollowUp | None) -> str | None:
    """Why a one-click link cannot be used, or None when it can."""
    if follow_up is None:
        return _("This link is not valid. Please use the link in your most recent email, or sign in to answer.")
    if timezone.now() > link_expires_at(follow_up):
        return _("This link has expired. Please sign in to tell us what came of the meeting.")
    if follow_up.meeting.status == Meeting.Status.CANCELLED:
        return _("This meeting was cancelled: there is nothing to record.")
    return None


@transaction.atomic
def follow_up_answer(*, follow_up: FollowUp, outcome: str) -> FollowUp:
    """Record ``outcome`` for ``follow_up``; it becomes the meeting's latest outcome.

    "MoU signed" stops the later reminders about the meeting, for both sides.
    """
    if outcome not in MeetingOutcome.values:
        raise FollowUpError(_("Please choose one of the answers offered."))
    follow_up = FollowUp.objects.select_for_update().select_related("meeting").get(pk=follow_up.pk)
    meeting = Meeting.objects.select_for_update().get(pk=follow_up.meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise FollowUpError(_("This meeting was cancelled: there is nothing to record."))
    now = timezone.now()
    follow_up.outcome, follow_up.answered_at = outcome, now
    follow_up.save(update_fields=["outcome", "answered_at"])
    meeting.outcome, meeting.outcome_at = outcome, now
    meeting.save(update_fields=["outcome", "outcome_at", "updated_at"])
    if outcome == MeetingOutcome.MOU_SIGNED:
        _drop(FollowUp.objects.filter(meeting=meeting, sent_at__isnull=True, step__gt=follow_up.step))
        _release(_keys(FollowUp.objects.filter(meeting=meeting, sent_at__isnull=True)))
    else:
        _release({(meeting.session_id, follow_up.recipient_id, follow_up.step)})
    return follow_up


def _keys(follow_ups) -> set[tuple[int, int, int]]:
    return set(follow_ups.values_list("meeting__session_id", "recipient_id", "step"))


@transaction.atomic
def follow_up_opt_out(*, follow_up: FollowUp) -> int:
    """No more reminders to this person about this meeting; return how many were stopped."""
    rows = FollowUp.objects.filter(
        meeting_id=follow_up.meeting_id,
        recipient_id=follow_up.recipient_id,
        sent_at__isnull=True,
        opted_out_at__isnull=True,
    )
    keys = _keys(rows)
    now = timezone.now()
    count = rows.update(opted_out_at=now)
    # The clicked question itself records the choice too, even when it was already sent.
    FollowUp.objects.filter(pk=follow_up.pk, opted_out_at__isnull=True).update(opted_out_at=now)
    _release(keys)
    return count


def meeting_sides(meeting: Meeting) -> list[Registration]:
    request = meeting.request
    return [request.requester] + ([request.recipient] if request.recipient_id else [])


def registration_in_meeting(meeting: Meeting, user) -> Registration | None:
    """The signed-in person's registration as one side of ``meeting``, or None."""
    if not user.is_authenticated:
        return None
    return next((side for side in meeting_sides(meeting) if side.user_id == user.pk), None)


@transaction.atomic
def meeting_outcome_record(*, meeting: Meeting, registration: Registration, outcome: str) -> Meeting:
    """A signed-in participant reports the outcome of their meeting from their own page.

    The answer goes to their question of the latest step already asked (or the first step when
    none is due yet, so that it is not asked again); without follow-up rows only the meeting
    records it.
    """
    if outcome not in MeetingOutcome.values:
        raise FollowUpError(_("Please choose one of the answers offered."))
    now = timezone.now()
    rows = list(FollowUp.objects.filter(meeting=meeting, recipient=registration).order_by("step"))
    asked = [row for row in rows if row.sent_at or row.due_at <= now]
    target = asked[-1] if asked else (rows[0] if rows else None)
    if target is not None:
        follow_up_answer(follow_up=target, outcome=outcome)
        meeting.refresh_from_db()
        return meeting
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise FollowUpError(_("This meeting was cancelled: there is nothing to record."))
    locked.outcome, locked.outcome_at = outcome, now
    locked.save(update_fields=["outcome", "outcome_at", "updated_at"])
    return locked


# --- flags ---------------------------------------------------------------------------------


def flag_unanswered(*, now=None) -> int:
    """Flag meetings nobody answered although the last step was asked over 14 days ago.

    Idempotent: a flagged meeting stays flagged with its first date. Returns how many were flagged.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=FLAG_AFTER_DAYS)
    mine = FollowUp.objects.filter(meeting=OuterRef("pk"))
    meetings = (
        Meeting.objects.filter(status=Meeting.Status.PUBLISHED, unanswered_flagged_at__isnull=True, outcome="")
        .exclude(attendance=Meeting.Attendance.NO_SHOW)
        .annotate(steps=Func(F("session__event__follow_up_days"), function="cardinality", output_field=IntegerField()))
        # The last step was asked, long enough ago...
        .filter(Exists(mine.filter(step=OuterRef("steps"), sent_at__lt=cutoff)))
        # ...nothing was asked since, nothing is still to be asked, and nobody answered.
        .exclude(Exists(mine.filter(sent_at__gte=cutoff)))
        .exclude(Exists(mine.filter(sent_at__isnull=True, opted_out_at__isnull=True)))
        .exclude(Exists(mine.filter(answered_at__isnull=False)))
    )
    return Meeting.objects.filter(pk__in=meetings.values("pk")).update(unanswered_flagged_at=now)


# The task keeps the name it had when matchmaking was part of the events app, so that tasks
# already queued under that name, and Celery beat's schedule, still reach it.
@shared_task(name="events.flag_unanswered_follow_ups")
def flag_unanswered_follow_ups() -> int:
    """Run daily by beat: flag meetings nobody answered after the last follow-up step."""
    return flag_unanswered()


# --- the organisers' overview --------------------------------------------------------------


@dataclass
class StepLine:
    step: int
    days: int | None
    planned: int
    asked: int
    answered: int
    outcomes: list[tuple[str, str, int]]  # (value, label, count) in MeetingOutcome order


def step_lines(event) -> list[StepLine]:
    """Per follow-up step of ``event``: questions planned, asked (sent), answered, and each outcome. One query."""
    rows = (
        FollowUp.objects.filter(meeting__session__event=event)
        .values("step", "outcome")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    )
    days = list(event.follow_up_days or [])
    steps: dict[int, dict] = {
        step: {"planned": 0, "asked": 0, "answered": 0, "outcomes": {}} for step in range(1, len(days) + 1)
    }
    for row in rows:
        line = steps.setdefault(row["step"], {"planned": 0, "asked": 0, "answered": 0, "outcomes": {}})
        line["planned"] += row["total"]
        line["asked"] += row["sent"]
        line["answered"] += row["answered"]
        if row["outcome"]:
            line["outcomes"][row["outcome"]] = line["outcomes"].get(row["outcome"], 0) + row["answered"]
    return [
        StepLine(
            step=step,
            days=days[step - 1] if step <= len(days) else None,
            planned=line["planned"],
            asked=line["asked"],
            answered=line["answered"],
            outcomes=[(value, str(label), line["outcomes"].get(value, 0)) for value, label in MeetingOutcome.choices],
        )
        for step, line in sorted(steps.items())
    ]


def follow_up_links_purge(batch: list[Registration]) -> int:
    """Replace the answer-link tokens of the follow-ups of ``batch``; return how many.

    Called by the events app's retention job (``events.retention``) for registrations whose
    personal data it purges, inside its transaction.
    """
    follow_ups = list(FollowUp.objects.filter(recipient__in=batch).only("pk", "token"))
    for follow_up in follow_ups:
        follow_up.token = new_token()
    FollowUp.objects.bulk_update(follow_ups, ["token"])
    return len(follow_ups)
