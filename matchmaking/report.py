"""The whole event report: the events app's figures, the matchmaking figures and the MoUs.

The events app computes the figures of the event itself (``events.report``); this module adds
the requests, meetings and follow-up answers of the event's matchmaking sessions, and asks the
MoU app (through ``matchmaking.mou_links``) for the MoUs signed, with a fixed number of queries
each: one for the requests, one for the meetings, one for the follow-up answers, one for MoUs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.report import Breakdown, EventReport
from events.report import build_report as build_event_figures

from .followups import COOPERATION_OUTCOMES, StepLine, step_lines
from .models import FollowUp, Meeting, MeetingOutcome, MeetingRequest
from .mou_links import mou_links

__all__ = ["Breakdown", "FunnelStage", "Matchmaking", "Report", "build_report"]


@dataclass
class FunnelStage:
    key: str
    label: str
    count: int


@dataclass
class Matchmaking:
    """Requests and meetings of the event's matchmaking sessions, and what the meetings led to."""

    requests: dict[str, int] = field(default_factory=dict)  # per MeetingRequest status
    meetings_scheduled: int = 0
    meetings_held: int = 0
    no_shows: int = 0
    steps: list[StepLine] = field(default_factory=list)
    funnel: list[FunnelStage] = field(default_factory=list)

    @property
    def requests_sent(self) -> int:
        return sum(self.requests.values())

    def requests_in(self, status: str) -> int:
        return self.requests.get(status, 0)

    @property
    def funnel_chart(self):
        """The funnel meeting → MoU as server-drawn SVG bars."""
        from events.charts import bar_chart

        return bar_chart([(stage.label, stage.count) for stage in self.funnel], title=str(_("From meeting to MoU")))

    @property
    def request_lines(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.requests.get(value, 0)) for value, label in MeetingRequest.Status.choices]


@dataclass
class Report(EventReport):
    """The report of an event as its page and PDF show it."""

    meetings_held: int = 0
    mous_signed: int = 0
    mou_institutions: int = 0
    matchmaking: Matchmaking = field(default_factory=Matchmaking)


def build_report(event: Event) -> Report:
    """Compute every figure of the report of ``event`` (counts = approved registrations)."""
    report = build_event_figures(event, report=Report(event=event))
    report.matchmaking = _matchmaking(event, timezone.now())
    report.meetings_held = report.matchmaking.meetings_held
    report.mous_signed, report.mou_institutions = _mous(event)
    return report


def _matchmaking(event: Event, now) -> Matchmaking:
    """Requests, meetings and follow-up answers of the event (four queries).

    A meeting counts as held when it was published and either marked held, or its session has
    ended and it was not marked a no-show. The funnel follows the held meetings: outcome known
    (answered by either side, or linked to a logged MoU), then in discussion or further (latest
    outcome), then MoU signed (or linked to one), so each stage holds the next.
    """
    result = Matchmaking()
    for row in MeetingRequest.objects.filter(session__event=event).values("status").annotate(count=Count("pk")):
        result.requests[row["status"]] = row["count"]

    # Linked to an MoU: asked of the MoU app through ``matchmaking.mou_links``, in the same query.
    linked = ExpressionWrapper(Q(pk__in=mou_links().linked_meeting_ids()), output_field=BooleanField())
    meetings = list(
        Meeting.objects.filter(session__event=event, status=Meeting.Status.PUBLISHED).values(
            "pk", "attendance", "session__ends_at", "outcome", "outcome_at", mou_linked=linked
        )
    )
    no_show = Meeting.Attendance.NO_SHOW
    held = [
        row
        for row in meetings
        if row["attendance"] == Meeting.Attendance.HELD
        or (row["attendance"] != no_show and row["session__ends_at"] <= now)
    ]
    result.meetings_scheduled = len(meetings)
    result.meetings_held = len(held)
    result.no_shows = sum(1 for row in meetings if row["attendance"] == no_show)

    # Every answer either side gave, with the meeting's own latest outcome (answers given
    # without a follow-up row): the latest one says where the meeting stands; "MoU signed"
    # once said, or an MoU linked, counts as signed.
    answers: dict[int, list[tuple]] = defaultdict(list)
    for meeting_id, outcome, answered_at in FollowUp.objects.filter(
        meeting__session__event=event, answered_at__isnull=False
    ).values_list("meeting_id", "outcome", "answered_at"):
        answers[meeting_id].append((answered_at, outcome))
    answered = cooperation = signed = 0
    for row in held:
        said = list(answers.get(row["pk"], []))
        if row["outcome"]:
            said.append((row["outcome_at"] or now, row["outcome"]))
        is_signed = row["mou_linked"] or any(outcome == MeetingOutcome.MOU_SIGNED for _at, outcome in said)
        latest = max(said, key=lambda answer: answer[0])[1] if said else ""
        answered += bool(said) or is_signed
        cooperation += is_signed or latest in COOPERATION_OUTCOMES
        signed += is_signed
    result.funnel = [
        FunnelStage("held", str(_("Meetings held")), result.meetings_held),
        FunnelStage("answered", str(_("Outcome reported")), answered),
        FunnelStage("cooperation", str(_("Discussing or preparing an MoU")), cooperation),
        FunnelStage("signed", str(_("MoU signed")), signed),
    ]

    result.steps = step_lines(event)
    return result


def _mous(event: Event) -> tuple[int, int]:
    """MoUs signed at the event and the distinct institutions party to them (0, 0 without the MoU app).

    Asked of the MoU app, which sits above events, through ``matchmaking.mou_links``.
    """
    return mou_links().signed_at_event(event=event)
