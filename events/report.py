"""The figures of an event's automatic report.

A hand-written event report tends to disagree with itself (a headline of 134 participants over
a per-country breakdown that adds up to 114). Here every breakdown of participants and
institutions is computed in Python from ONE list of rows, the event's approved registrations,
so each breakdown sums to its total by construction. The report makes a fixed number of SQL
queries whatever the number of registrations: one for the registrations, one each for
delegations, sessions, meetings and MoUs (plus whatever the survey summary needs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from institutions.models import Institution

from .followups import COOPERATION_OUTCOMES, StepLine, led_to_signed_mou, meeting_held, step_lines
from .models import Delegation, Event, FollowUp, Meeting, MeetingRequest, Registration, Session
from .mou_links import mou_links


@dataclass
class Breakdown:
    """One line of a breakdown: a label, its participants and the distinct institutions they came from."""

    key: str
    label: str
    participants: int
    institutions: int


@dataclass
class DelegationLine:
    name: str
    country: str
    lead_institution: str
    head: str
    members: int


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
        from .charts import bar_chart

        return bar_chart([(stage.label, stage.count) for stage in self.funnel], title=str(_("From meeting to MoU")))

    @property
    def request_lines(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.requests.get(value, 0)) for value, label in MeetingRequest.Status.choices]


@dataclass
class EventReport:
    event: Event
    participants: int = 0
    institutions: int = 0
    countries: list[Breakdown] = field(default_factory=list)
    kinds: list[Breakdown] = field(default_factory=list)
    roles: list[Breakdown] = field(default_factory=list)
    checked_in: int = 0
    delegations: list[DelegationLine] = field(default_factory=list)
    sessions: list[Breakdown] = field(default_factory=list)
    sessions_total: int = 0
    sessions_held: int = 0
    meetings_held: int = 0
    mous_signed: int = 0
    mou_institutions: int = 0
    has_matchmaking: bool = False
    matchmaking: Matchmaking = field(default_factory=Matchmaking)
    survey: object | None = None

    @property
    def check_in_rate(self) -> float:
        """Checked in / approved, between 0 and 1 (0 when nobody is approved)."""
        return self.checked_in / self.participants if self.participants else 0.0

    @property
    def check_in_percent(self) -> int:
        return round(self.check_in_rate * 100)

    @property
    def country_count(self) -> int:
        return len(self.countries)

    @property
    def outcomes_help(self) -> str:
        """What "meetings held" and "MoUs signed" count, on the page and in the PDF."""
        return str(
            _(
                "Meetings held are the matchmaking meetings that took place; MoUs signed are the MoUs logged "
                "for this event, whether or not they came from a meeting, among the institutions party to them."
            )
        )


def _breakdown(rows, key_of, label_of) -> list[Breakdown]:
    """Group ``rows`` by ``key_of(row)``: participants and distinct institutions per group, largest first."""
    people: dict[str, int] = defaultdict(int)
    institutions: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        key = key_of(row)
        people[key] += 1
        institutions[key].add(row["institution_id"])
    lines = [Breakdown(key, str(label_of(key)), people[key], len(institutions[key])) for key in people]
    lines.sort(key=lambda line: (-line.participants, line.label))
    return lines


def build_report(event: Event) -> EventReport:
    """Compute every figure of the report of ``event`` (counts = approved registrations)."""
    report = EventReport(event=event)
    rows = list(
        Registration.objects.filter(event=event, status=Registration.Status.APPROVED).values(
            "institution_id", "institution__country", "institution__kind", "role", "checked_in_at"
        )
    )
    report.participants = len(rows)
    report.institutions = len({row["institution_id"] for row in rows})
    report.checked_in = sum(1 for row in rows if row["checked_in_at"] is not None)
    report.countries = _breakdown(
        rows, lambda row: str(row["institution__country"]), lambda code: countries.name(code) or code
    )
    kind_labels = dict(Institution.Kind.choices)
    report.kinds = _breakdown(rows, lambda row: row["institution__kind"], lambda kind: kind_labels.get(kind, kind))
    role_labels = dict(Registration.Role.choices)
    report.roles = _breakdown(rows, lambda row: row["role"], lambda role: role_labels.get(role, role))

    delegations = (
        Delegation.objects.filter(event=event)
        .select_related("lead_institution", "head__user")
        .annotate(approved=Count("members", filter=Q(members__status=Registration.Status.APPROVED)))
        .order_by("name")
    )
    report.delegations = [
        DelegationLine(
            name=delegation.name,
            country=str(delegation.country.name) if delegation.country else "",
            lead_institution=delegation.lead_institution.name if delegation.lead_institution else "",
            head=_person(delegation.head.user) if delegation.head else "",
            members=delegation.approved,
        )
        for delegation in delegations
    ]

    now = timezone.now()
    session_rows = list(Session.objects.filter(event=event).values_list("kind", "ends_at"))
    kind_labels = dict(Session.Kind.choices)
    held = [kind for kind, ends_at in session_rows if ends_at <= now]
    report.sessions_total = len(session_rows)
    report.sessions_held = len(held)
    counts: dict[str, int] = defaultdict(int)
    for kind, _ends_at in session_rows:
        counts[kind] += 1
    report.sessions = sorted(
        (Breakdown(kind, str(kind_labels.get(kind, kind)), count, 0) for kind, count in counts.items()),
        key=lambda line: (-line.participants, line.label),
    )

    report.has_matchmaking = Session.Kind.MATCHMAKING in counts
    report.matchmaking = _matchmaking(event, now)
    report.meetings_held = report.matchmaking.meetings_held
    report.mous_signed, report.mou_institutions = _mous(event)
    report.survey = _survey(event)
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
    # app through ``events.mou_links``), in the same query.
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


def _person(user) -> str:
    """The head's name only: a printed report carries no email addresses."""
    return (user.display_name or "").strip()


def _mous(event: Event) -> tuple[int, int]:
    """MoUs signed at the event and the distinct institutions party to them (0, 0 without the MoU app).

    Asked of the MoU app, which sits above events, through ``events.mou_links``.
    """
    return mou_links().signed_at_event(event=event)


def _survey(event: Event):
    """The networking survey's summary, or None while the survey module is not there or has no answers."""
    try:
        from . import survey
    except ImportError:
        return None
    summary = getattr(survey, "survey_summary", None)
    if summary is None:
        return None
    return summary(event)
