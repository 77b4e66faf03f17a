"""Statistics of the MoUs for the secretariat: a handful of aggregate queries, no per-row work in SQL loops."""

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from core.collation import sort_key
from core.countries import countries
from events.charts import bar_chart, ring_chart
from events.models import Event
from matchmaking.followups import meeting_held, reported_mou_signed
from matchmaking.models import Meeting

from .models import Milestone, Mou

# MoUs in force: their parties are expected to record activity.
ACTIVE_STATUSES = (Mou.Status.SIGNED, Mou.Status.ACTIVE, Mou.Status.EXPIRING)


@dataclass
class PairMatrix:
    """Counts of MoUs by unordered country pair; ``rows`` is a square table for the template."""

    countries: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[tuple[str, str], list[int]]]:
        codes = [code for code, _name in self.countries]
        return [
            (country, [self.counts.get(tuple(sorted((country[0], other))), 0) for other in codes])
            for country in self.countries
        ]


@dataclass
class YearTable:
    """Counts by (label, year): ``years`` are the columns, ``rows`` (label, [count per year], total)."""

    years: list[int]
    rows: list[tuple[str, list[int], int]]


@dataclass
class FunnelRow:
    event: str
    held: int
    reported: int
    linked: int


@dataclass
class Statistics:
    total: int
    pairs: PairMatrix
    by_sector: YearTable
    by_type: YearTable
    active: int
    active_with_activity: int
    funnel: list[FunnelRow]
    sector_chart: str = ""
    activity_chart: str = ""


def country_pairs(queryset=None) -> PairMatrix:
    """MoUs by country pair: an MoU among parties of countries A, B and C counts for A–B, A–C and B–C.

    An MoU whose parties are all of one country counts on the diagonal.
    """
    queryset = Mou.objects.all() if queryset is None else queryset
    counts: Counter = Counter()
    seen: set[str] = set()
    for party_countries in queryset.values_list("party_countries", flat=True).iterator(chunk_size=5000):
        distinct = sorted(set(party_countries))
        seen.update(distinct)
        if len(distinct) == 1:
            counts[(distinct[0], distinct[0])] += 1
        counts.update(combinations(distinct, 2))
    names = dict(countries)
    ordered = sorted(seen, key=lambda code: sort_key(names.get(code, code)))
    return PairMatrix(countries=[(code, str(names.get(code, code))) for code in ordered], counts=dict(counts))


def _per_year(through, field_name: str, queryset) -> YearTable:
    rows = (
        through.objects.filter(mou__in=queryset, mou__signed_on__isnull=False)
        .annotate(year=ExtractYear("mou__signed_on"))
        .values(f"{field_name}_id", "year")
        .annotate(n=Count("mou_id"))
    )
    table: dict[int, Counter] = {}
    years: set[int] = set()
    for row in rows:
        years.add(row["year"])
        table.setdefault(row[f"{field_name}_id"], Counter())[row["year"]] += row["n"]
    model = through._meta.get_field(field_name).related_model
    labels = {pk: item.label for pk, item in model.objects.in_bulk(list(table)).items()}
    ordered_years = sorted(years)
    result = [
        (labels.get(key, ""), [counter.get(year, 0) for year in ordered_years], sum(counter.values()))
        for key, counter in table.items()
    ]
    result.sort(key=lambda item: (-item[2], sort_key(item[0])))
    return YearTable(years=ordered_years, rows=result)


def by_sector_per_year(queryset=None) -> YearTable:
    queryset = Mou.objects.all() if queryset is None else queryset
    return _per_year(Mou.sectors.through, "sector", queryset)


def by_type_per_year(queryset=None) -> YearTable:
    queryset = Mou.objects.all() if queryset is None else queryset
    return _per_year(Mou.cooperation_types.through, "cooperationtype", queryset)


def activity_share(queryset=None) -> tuple[int, int]:
    """(MoUs in force, those with recorded activity: last_activity_at set or any milestone)."""
    queryset = Mou.objects.all() if queryset is None else queryset
    has_milestone = Exists(Milestone.objects.filter(mou=OuterRef("pk")))
    result = queryset.filter(status__in=ACTIVE_STATUSES).aggregate(
        active=Count("pk"),
        with_activity=Count("pk", filter=Q(last_activity_at__isnull=False) | Q(has_milestone)),
    )
    return result["active"], result["with_activity"]


def funnel() -> list[FunnelRow]:
    """Per event: meetings held → reported "MoU signed" → linked to an MoU.

    Held and reported as the event report counts them (``matchmaking.followups``), so that the two
    pages agree.
    """
    rows = (
        Meeting.objects.filter(meeting_held(timezone.now()))
        .values("session__event")
        .annotate(
            held=Count("pk"),
            reported=Count("pk", filter=reported_mou_signed()),
            linked=Count("pk", filter=Q(mou_link__isnull=False)),
        )
    )
    by_event = {row["session__event"]: row for row in rows}
    titles = dict(Event.objects.filter(pk__in=by_event).values_list("pk", "title"))
    result = [
        FunnelRow(event=titles[pk], held=row["held"], reported=row["reported"], linked=row["linked"])
        for pk, row in by_event.items()
    ]
    result.sort(key=lambda row: (-row.held, sort_key(row.event)))
    return result


def compute() -> Statistics:
    from django.utils.translation import gettext as _

    by_sector = by_sector_per_year()
    active, with_activity = activity_share()
    result = Statistics(
        total=Mou.objects.count(),
        pairs=country_pairs(),
        by_sector=by_sector,
        by_type=by_type_per_year(),
        active=active,
        active_with_activity=with_activity,
        funnel=funnel(),
    )
    result.sector_chart = bar_chart(
        [(label, total) for label, _years, total in by_sector.rows[:12]], title=_("MoUs by sector")
    )
    result.activity_chart = ring_chart(with_activity, active, title=_("MoUs in force with recorded activity"))
    return result
