"""The cooperation report: what came of the MoUs, per year and country pair.

Ministries and secretariats report every year how many people were exchanged under their
agreements, which courses were shared and used, which projects run, and how many agreements
led to anything at all. This module computes those four tables for a year range and optional
filters, each in one or two aggregate queries (no query per row); the page
(``mous.views_reporting``) shows them and the workbook (``mous.report_xlsx``) lays them out
for an annual report.

Who sees which figures (:func:`report_scope_for`):

- the secretariat: every MoU, course and project;
- an institution's admins: their own institutions' figures only, the MoUs their institutions
  are party to (private ones included: they may open them), the courses their institutions
  share and the projects under those MoUs;
- anyone else: nothing. The figures of a public MoU are not public for that: an exchange
  count or a project under it is what its parties record for themselves, and a country pair
  with a single MoU would reveal it. There is no public version of the report.

Drafts are never counted: a draft is not an agreement yet.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.collation import sort_key
from core.countries import countries
from institutions.permissions import active_institution_ids, is_secretariat

from .models import Milestone, Mou, MouParty


@dataclass(frozen=True)
class ReportScope:
    """Whose figures a report holds: everything (the secretariat) or ``institution_ids``' own."""

    everything: bool
    institution_ids: frozenset[int] = frozenset()


def report_scope_for(user) -> ReportScope | None:
    """The scope of the report ``user`` may read, or None when they may read none."""
    if is_secretariat(user):
        return ReportScope(everything=True)
    ids = active_institution_ids(user, admin_only=True)
    if ids:
        return ReportScope(everything=False, institution_ids=frozenset(ids))
    return None


@dataclass(frozen=True)
class ReportFilters:
    """The period (years, both included) and the optional country and sector of a report."""

    year_from: int
    year_to: int
    country: str = ""
    sector_id: int | None = None

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)


@dataclass(frozen=True)
class Column:
    """A column of a report table: its heading (a msgid, for both languages of the workbook)."""

    label: Promise
    width: int = 14
    numeric: bool = True


@dataclass
class ReportTable:
    """One table of the report: its title, columns, rows (lists of cells) and totals row."""

    key: str
    sheet_name: Promise
    title: Promise
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    totals: list | None = None
    note: Promise | str = ""
    label_columns: int = 1


@dataclass
class Report:
    filters: ReportFilters
    scope: ReportScope
    tables: list[ReportTable]


def _country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


def _pair_label(pair: tuple[str, str]) -> str:
    first, second = sorted((_country_name(code) for code in pair), key=sort_key)
    return first if pair[0] == pair[1] else f"{first} – {second}"


def mous_in_scope(*, scope: ReportScope, filters: ReportFilters) -> QuerySet[Mou]:
    """The signed MoUs (any status but draft) the report counts, signed in the period."""
    queryset = Mou.objects.exclude(status=Mou.Status.DRAFT).filter(
        signed_on__year__gte=filters.year_from, signed_on__year__lte=filters.year_to
    )
    queryset = _mou_scope(queryset, scope=scope, prefix="")
    if filters.country:
        queryset = queryset.filter(party_countries__contains=[filters.country])
    if filters.sector_id:
        queryset = queryset.filter(
            Exists(Mou.sectors.through.objects.filter(mou_id=OuterRef("pk"), sector_id=filters.sector_id))
        )
    return queryset.order_by()


def _mou_scope(queryset: QuerySet, *, scope: ReportScope, prefix: str) -> QuerySet:
    """``queryset`` narrowed to the MoUs (at ``prefix``) of the scope's institutions."""
    if scope.everything:
        return queryset
    own = MouParty.objects.filter(mou_id=OuterRef(f"{prefix}pk"), institution_id__in=scope.institution_ids)
    return queryset.filter(Exists(own))


def cooperation_recorded() -> Q:
    """Whether an MoU has any recorded cooperation: a milestone or activity (more kinds below)."""
    return Q(Exists(Milestone.objects.filter(mou_id=OuterRef("pk"))))


def _pairs_of(party_countries: list[str], country: str) -> list[tuple[str, str]]:
    """The country pairs an MoU counts under (see ``mous.stats.country_pairs``), those of ``country`` only."""
    distinct = sorted(set(party_countries))
    pairs = [(distinct[0], distinct[0])] if len(distinct) == 1 else list(combinations(distinct, 2))
    return [pair for pair in pairs if not country or country in pair]


MOU_COLUMNS = [
    Column(_("Year signed"), 10),
    Column(_("Country pair"), 30, numeric=False),
    Column(_("MoUs signed"), 12),
    Column(_("With recorded cooperation"), 16),
    Column(_("Without recorded cooperation"), 16),
]


def mou_table(*, scope: ReportScope, filters: ReportFilters) -> ReportTable:
    """MoUs signed per year and country pair, with and without recorded cooperation.

    One query. An MoU among parties of three countries counts under each of its pairs; the
    totals row counts each MoU once.
    """
    rows = (
        mous_in_scope(scope=scope, filters=filters)
        .annotate(year=ExtractYear("signed_on"), cooperated=cooperation_recorded())
        .values_list("year", "party_countries", "cooperated")
    )
    counts: Counter = Counter()
    total = with_cooperation = 0
    for year, party_countries, cooperated in rows:
        total += 1
        with_cooperation += bool(cooperated)
        for pair in _pairs_of(party_countries, filters.country) if party_countries else [("", "")]:
            counts[(year, pair, bool(cooperated))] += 1
    keys = sorted({(year, pair) for year, pair, _cooperated in counts}, key=lambda k: (k[0], sort_key(_pair_label(k[1]))))
    table_rows = []
    for year, pair in keys:
        done, none = counts[(year, pair, True)], counts[(year, pair, False)]
        table_rows.append([year, _pair_label(pair), done + none, done, none])
    return ReportTable(
        key="mous",
        sheet_name=_("MoUs"),
        title=_("MoUs with and without recorded cooperation"),
        columns=MOU_COLUMNS,
        rows=table_rows,
        totals=[pgettext_lazy("report totals row", "Total"), "", total, with_cooperation, total - with_cooperation],
        note=_(
            "Recorded cooperation: an exchange, a project, a shared course or a milestone or activity "
            "under the MoU. An MoU among parties of three countries counts under each of its country "
            "pairs; the total counts it once."
        ),
        label_columns=2,
    )


def build_report(*, scope: ReportScope, filters: ReportFilters) -> Report:
    """The report's tables for ``scope`` and ``filters``."""
    return Report(filters=filters, scope=scope, tables=[mou_table(scope=scope, filters=filters)])
