"""The figures of an event's automatic report.

A hand-written event report tends to disagree with itself (a headline of 134 participants over
a per-country breakdown that adds up to 114). Here every breakdown of participants and
institutions is computed in Python from ONE list of rows, the event's approved registrations,
so each breakdown sums to its total by construction. The report makes a fixed number of SQL
queries whatever the number of registrations: one for the registrations, one each for
delegations and sessions (plus whatever the survey summary needs). The matchmaking figures and
the MoUs are added by ``matchmaking.report``, which composes the whole report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from core.collation import sort_key
from core.countries import countries
from institutions.models import Institution

from .models import Delegation, Event, Registration, Session


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
    has_matchmaking: bool = False
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


def _breakdown(rows, key_of, label_of) -> list[Breakdown]:
    """Group ``rows`` by ``key_of(row)``: participants and distinct institutions per group, largest first."""
    people: dict[str, int] = defaultdict(int)
    institutions: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        key = key_of(row)
        people[key] += 1
        institutions[key].add(row["institution_id"])
    lines = [Breakdown(key, str(label_of(key)), people[key], len(institutions[key])) for key in people]
    lines.sort(key=lambda line: (-line.participants, sort_key(line.label)))
    return lines


def build_report(event: Event, *, report: EventReport | None = None) -> EventReport:
    """Compute the event's own figures of the report of ``event`` (counts = approved registrations).

    The matchmaking app, which sits above events, adds its figures (requests, meetings, the
    funnel from meeting to MoU) to the same report: it passes its own subclass of
    ``EventReport`` as ``report`` (see ``matchmaking.report``).
    """
    report = report if report is not None else EventReport(event=event)
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
        key=lambda line: (-line.participants, sort_key(line.label)),
    )

    report.has_matchmaking = Session.Kind.MATCHMAKING in counts
    report.survey = _survey(event)
    return report


def _person(user) -> str:
    """The head's name only: a printed report carries no email addresses."""
    return (user.display_name or "").strip()


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
