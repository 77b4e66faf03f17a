"""The whole event report: the events app's figures, the matchmaking figures and the MoUs.

The events app computes the figures of the event itself (``events.report``); this module adds
the requests, meetings and follow-up answers of the event's matchmaking sessions, and asks the
MoU app (through ``matchmaking.mou_links``) for the MoUs signed, with a fixed number of queries
each: one for the requests, one for the meetings, one for the follow-up answers, one for MoUs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.report import Breakdown, EventReport
from events.report import build_report as build_event_figures

from .followups import COOPERATION_OUTCOMES, StepLine, led_to_signed_mou, meeting_held, step_lines
from .models import FollowUp, Meeting, MeetingRequest
from .mou_links import mou_links

__all__ = ["Breakdown", "FunnelStage", "Matchmaking", "Report", "build_report"]


@dataclass
class FunnelStage:
    """One stage of the funnel meeting → MoU: a number of meetings, and what puts a meeting in it."""

    key: str
    label: str
    count: int
    help: str = ""


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
    def counts_help(self) -> str:
        """What the request and meeting counts count, on the page and in the PDF."""
        return str(
            _(
                "Requests sent are all the requests of the event's matchmaking sessions, whatever became of "
                "them; meetings scheduled are the published meetings, and meetings held those that took place."
            )
        )

    @property
    def steps_help(self) -> str:
        """What the step table counts, on the page and in the PDF."""
        return str(
            _(
                "At each step, both sides of a meeting are asked one question each, so these figures count "
                "questions and answers, not meetings: a meeting both sides answered counts twice. The funnel "
                "below counts meetings."
            )
        )

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

    @property
    def outcomes_help(self) -> str:
        """What "meetings held" and "MoUs signed" count, on the page and in the PDF."""
        return str(
            _(
                "Meetings held are the matchmaking meetings that took place; MoUs signed are the MoUs logged "
                "for this event, whether or not they came from a meeting, among the institutions party to them."
            )
        )


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
    ended and it was not marked a no-show (``followups.meeting_held``, which the MoU statistics
    count too). The funnel counts held meetings: outcome known (reported by either side, or led
    to a signed MoU), then in discussion or further (latest outcome), then led to a signed MoU
    (``followups.led_to_signed_mou``, which the organisers' follow-up page lists), so each stage
    holds the next. The step table counts questions and answers instead, one per person and
    meeting.
    """
    result = Matchmaking()
    for row in MeetingRequest.objects.filter(session__event=event).values("status").annotate(count=Count("pk")):
        result.requests[row["status"]] = row["count"]

    # Held and led to a signed MoU by the shared definitions (the MoU links asked of the MoU
    # app through ``matchmaking.mou_links``), in the same query.
    meetings = list(
        Meeting.objects.filter(session__event=event, status=Meeting.Status.PUBLISHED).values(
            "pk",
            "attendance",
            "outcome",
            "outcome_at",
            held=ExpressionWrapper(meeting_held(now), output_field=BooleanField()),
            signed_mou=ExpressionWrapper(led_to_signed_mou(), output_field=BooleanField()),
        )
    )
    held = [row for row in meetings if row["held"]]
    result.meetings_scheduled = len(meetings)
    result.meetings_held = len(held)
    result.no_shows = sum(1 for row in meetings if row["attendance"] == Meeting.Attendance.NO_SHOW)

    # Every answer either side gave, with the meeting's own latest outcome (answers given
    # without a follow-up row): the latest one says where the meeting stands.
    answers: dict[int, list[tuple]] = defaultdict(list)
    for meeting_id, outcome, answered_at in FollowUp.objects.filter(
        meeting__session__event=event, answered_at__isnull=False
    ).values_list("meeting_id", "outcome", "answered_at"):
        answers[meeting_id].append((answered_at, outcome))
    known = cooperation = signed = 0
    for row in held:
        said = list(answers.get(row["pk"], []))
        if row["outcome"]:
            said.append((row["outcome_at"] or now, row["outcome"]))
        is_signed = row["signed_mou"]
        latest = max(said, key=lambda answer: answer[0])[1] if said else ""
        known += bool(said) or is_signed
        cooperation += is_signed or latest in COOPERATION_OUTCOMES
        signed += is_signed
    result.funnel = [
        FunnelStage(
            "held",
            str(_("Meetings held")),
            result.meetings_held,
            str(_("Published meetings marked held, or whose session ended without a no-show.")),
        ),
        FunnelStage(
            "known",
            str(_("Outcome known")),
            known,
            str(
                _(
                    "Held meetings whose outcome a side reported (a follow-up answer or their own page), "
                    "or that led to a signed MoU."
                )
            ),
        ),
        FunnelStage(
            "cooperation",
            str(_("Discussing or preparing an MoU")),
            cooperation,
            str(
                _(
                    "Held meetings whose latest reported outcome is “in discussion”, “MoU planned” or "
                    "“MoU signed”, or that led to a signed MoU."
                )
            ),
        ),
        FunnelStage(
            "signed",
            str(_("Led to a signed MoU")),
            signed,
            str(_("Held meetings about which a side reported “MoU signed”, or that are linked to a logged MoU.")),
        ),
    ]

    result.steps = step_lines(event)
    return result


def _mous(event: Event) -> tuple[int, int]:
    """MoUs signed at the event and the distinct institutions party to them (0, 0 without the MoU app).

    Asked of the MoU app, which sits above events, through ``matchmaking.mou_links``.
    """
    return mou_links().signed_at_event(event=event)
