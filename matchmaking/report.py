"""The whole event report: the events app's figures, the matchmaking figures and the MoUs.

The events app computes the figures of the event itself (``events.report``); this module adds
the requests, meetings and follow-up answers of the event's matchmaking sessions, and asks the
MoU app (through ``matchmaking.mou_links``) for the MoUs signed, with a fixed number of queries
each: three for the funnel (``matchmaking.funnel``), which counts the requests and meetings too,
one for MoUs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.report import Breakdown, EventReport
from events.report import build_report as build_event_figures

from .followups import StepLine, step_lines
from .funnel import Funnel, FunnelStep, meeting_funnel
from .models import MeetingRequest
from .mou_links import mou_links

__all__ = ["Breakdown", "Funnel", "FunnelStep", "Matchmaking", "Report", "build_report"]


@dataclass
class Matchmaking:
    """Requests and meetings of the event's matchmaking sessions, and what the meetings led to."""

    requests: dict[str, int] = field(default_factory=dict)  # per MeetingRequest status
    meetings_scheduled: int = 0
    meetings_held: int = 0
    no_shows: int = 0
    steps: list[StepLine] = field(default_factory=list)
    # The meeting funnel (``matchmaking.funnel``), in total and per requesting country.
    funnel: list[FunnelStep] = field(default_factory=list)
    funnel_by_country: list[tuple[str, str, list[FunnelStep]]] = field(default_factory=list)

    @property
    def counts_help(self) -> str:
        """What the request and meeting counts count, on the page and in the PDF."""
        return str(
            _(
                "Requests sent are all the requests of the event's matchmaking sessions, whatever became of "
                "them; meetings scheduled are the published meetings, and meetings held those that took place "
                "(one side's “we met” beats the other's “did not come”)."
            )
        )

    @property
    def steps_help(self) -> str:
        """What the step table counts, on the page and in the PDF."""
        return str(
            _(
                "At each step, both sides of a meeting are asked one question each, so these figures count "
                "questions and answers, not meetings: a meeting both sides answered counts twice. The funnel "
                "below counts requests, then meetings."
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

        return bar_chart([(step.label, step.count) for step in self.funnel], title=str(_("From request to MoU")))

    @property
    def funnel_help(self) -> str:
        return Funnel().help

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
    """Requests, meetings, the funnel and the follow-up steps of the event (a fixed number of queries).

    A meeting counts as held when it was published and either marked held, or its session has
    ended and it was not marked a no-show (``followups.meeting_held``, which the MoU statistics
    and the funnel count too). The funnel (``matchmaking.funnel``) goes from requests sent to
    MoUs signed, each step holding the next. The step table counts questions and answers
    instead, one per person and meeting.
    """
    result = Matchmaking()
    # The requests and meetings are counted once, by the funnel, so that the figures agree.
    funnel = meeting_funnel(event_filter=Q(pk=event.pk), now=now)
    result.funnel, result.funnel_by_country = funnel.steps, funnel.by_country
    result.requests = dict(funnel.requests)
    result.meetings_scheduled = funnel.count["scheduled"]
    result.meetings_held = funnel.count["held"]
    result.no_shows = funnel.no_shows

    result.steps = step_lines(event)
    return result


def _mous(event: Event) -> tuple[int, int]:
    """MoUs signed at the event and the distinct institutions party to them (0, 0 without the MoU app).

    Asked of the MoU app, which sits above events, through ``matchmaking.mou_links``.
    """
    return mou_links().signed_at_event(event=event)
