"""The meeting funnel: requests sent → accepted → scheduled → held → answered → MoU in preparation → signed.

One definition of each step, computed here once, for the event report (page and PDF) and, across
events, the secretariat's dashboard, so the figures agree everywhere. Each step holds a subset
of the one before it:

- requests sent: every meeting request of the events' matchmaking sessions, whatever became of it;
- accepted: the requests accepted (``MeetingRequest.Status.ACCEPTED``);
- scheduled: the published meetings (each comes from one accepted request);
- held: published meetings that took place (``followups.meeting_held``: marked held by a side
  or the organisers, or of a session that ended without a no-show);
- follow-up answered: held meetings whose outcome a side reported (a follow-up answer or their
  own page), or that led to an MoU;
- MoU in preparation: held meetings whose latest reported outcome is "MoU in preparation" or
  "MoU signed", or that are linked to an MoU;
- MoU signed: held meetings that led to a signed MoU (``followups.led_to_signed_mou``).

The MoU links come from the MoU app through ``matchmaking.mou_links``. Countries are the
requester's institution's. Three queries whatever the number of requests and meetings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.collation import sort_key
from core.countries import countries
from events.models import Event

from .followups import led_to_signed_mou, meeting_held
from .models import FollowUp, Meeting, MeetingOutcome, MeetingRequest
from .mou_links import mou_links

__all__ = ["FUNNEL_STEPS", "Funnel", "FunnelStep", "meeting_funnel"]

# (key, label, what puts a request or meeting in the step), in funnel order.
FUNNEL_STEPS = (
    ("sent", _("Requests sent"), _("Every meeting request, whatever became of it.")),
    ("accepted", _("Accepted"), _("Requests the other side accepted.")),
    ("scheduled", _("Scheduled"), _("Meetings published in the meeting schedule.")),
    (
        "held",
        _("Held"),
        _(
            "Scheduled meetings marked held by either side or the organisers (one side's “we met” "
            "beats the other's “did not come”), or whose session ended without a no-show."
        ),
    ),
    (
        "answered",
        _("Follow-up answered"),
        _("Held meetings whose outcome a side reported (a follow-up answer or their own page), or linked to an MoU."),
    ),
    (
        "preparing",
        _("MoU in preparation"),
        _("Held meetings whose latest reported outcome is “MoU in preparation” or “MoU signed”, or linked to an MoU."),
    ),
    (
        "signed",
        _("MoU signed"),
        _("Held meetings about which a side reported “MoU signed”, or that are linked to a logged MoU."),
    ),
)
PREPARING_OUTCOMES = (MeetingOutcome.MOU_PLANNED, MeetingOutcome.MOU_SIGNED)


def _country(path: str):
    """The country code at ``path``, "" when unknown."""
    return Coalesce(F(path), Value(""))


def _rate(count: int, of: int) -> float | None:
    return None if not of else 100 * count / of


@dataclass(frozen=True)
class FunnelStep:
    """One step: its count, and its rate of the step before and of the requests sent (percent, None of 0)."""

    key: str
    label: str
    help: str
    count: int
    of_previous: float | None
    of_sent: float | None


@dataclass
class Funnel:
    """The funnel in total and per country of the requester's institution."""

    steps: list[FunnelStep] = field(default_factory=list)
    # (country code, country name, steps), by name; "" for requesters without a country.
    by_country: list[tuple[str, str, list[FunnelStep]]] = field(default_factory=list)
    # Counted on the way, for the event report: the requests per status (every status, where
    # the funnel keeps only "accepted"), and the scheduled meetings marked no-shows.
    requests: dict[str, int] = field(default_factory=dict)
    no_shows: int = 0

    @property
    def count(self) -> dict[str, int]:
        return {step.key: step.count for step in self.steps}

    @property
    def help(self) -> str:
        return str(
            _(
                "Each rate is of the step before and of the requests sent. Per country: the country of the "
                "requesting institution."
            )
        )


def _steps(counts: dict[str, int]) -> list[FunnelStep]:
    steps, previous = [], None
    sent = counts.get("sent", 0)
    for key, label, help_text in FUNNEL_STEPS:
        count = counts.get(key, 0)
        steps.append(
            FunnelStep(
                key=key,
                label=str(label),
                help=str(help_text),
                count=count,
                of_previous=None if previous is None else _rate(count, previous),
                of_sent=_rate(count, sent),
            )
        )
        previous = count
    return steps


def meeting_funnel(*, event_filter: Q, now: datetime) -> Funnel:
    """The funnel of the events that ``event_filter`` (a ``Q`` on ``Event``) selects; three queries.

    ``event_filter`` is applied through each row's event (``Q(pk=event.pk)`` for one event,
    ``Q()`` for all of them).
    """

    def through(prefix: str) -> Q:
        # The events selected, reached from a row through ``prefix`` (e.g. "session__event").
        return Q(**{f"{prefix}__in": Event.objects.filter(event_filter).values("pk")}) if event_filter else Q()

    per_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    requests: dict[str, int] = defaultdict(int)
    for row in (
        MeetingRequest.objects.filter(through("session__event"))
        .values("status", country=_country("requester__institution__country"))
        .annotate(n=Count("pk"))
    ):
        per_country[row["country"]]["sent"] += row["n"]
        requests[row["status"]] += row["n"]
        if row["status"] == MeetingRequest.Status.ACCEPTED:
            per_country[row["country"]]["accepted"] += row["n"]

    linked = mou_links().linked_meeting_ids()
    meetings = list(
        Meeting.objects.filter(through("session__event"), status=Meeting.Status.PUBLISHED).values(
            "pk",
            "attendance",
            "outcome",
            "outcome_at",
            country=_country("request__requester__institution__country"),
            held=ExpressionWrapper(meeting_held(now), output_field=BooleanField()),
            signed_mou=ExpressionWrapper(led_to_signed_mou(), output_field=BooleanField()),
            linked=ExpressionWrapper(Q(pk__in=linked), output_field=BooleanField()),
        )
    )
    # Every answer either side gave; with the meeting's own latest outcome (answers given
    # without a follow-up row), the latest one says where the meeting stands.
    answers: dict[int, list[tuple]] = defaultdict(list)
    for meeting_id, outcome, answered_at in FollowUp.objects.filter(
        through("meeting__session__event"), answered_at__isnull=False, meeting__status=Meeting.Status.PUBLISHED
    ).values_list("meeting_id", "outcome", "answered_at"):
        answers[meeting_id].append((answered_at, outcome))
    no_shows = 0
    for row in meetings:
        counts = per_country[row["country"]]
        counts["scheduled"] += 1
        no_shows += row["attendance"] == Meeting.Attendance.NO_SHOW
        if not row["held"]:
            continue
        counts["held"] += 1
        said = list(answers.get(row["pk"], []))
        if row["outcome"]:
            said.append((row["outcome_at"] or now, row["outcome"]))
        latest = max(said, key=lambda answer: answer[0])[1] if said else ""
        linked_or_signed = row["linked"] or row["signed_mou"]
        counts["answered"] += bool(said) or linked_or_signed
        counts["preparing"] += latest in PREPARING_OUTCOMES or linked_or_signed
        counts["signed"] += row["signed_mou"]

    total: dict[str, int] = defaultdict(int)
    for counts in per_country.values():
        for key, value in counts.items():
            total[key] += value
    return Funnel(
        steps=_steps(total),
        by_country=sorted(
            (
                (code, str(countries.name(code)) if code else "—", _steps(counts))
                for code, counts in per_country.items()
            ),
            key=lambda line: sort_key(line[1]),
        ),
        requests=dict(requests),
        no_shows=no_shows,
    )
