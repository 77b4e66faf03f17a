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

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.collation import sort_key
from core.countries import countries
from institutions.models import CourseUseRequest, Sector, SharedCourse
from institutions.permissions import active_institution_ids, is_secretariat

from .models import Exchange, Milestone, Mou, MouParty, MouSharedCourse, Project


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
    return f"{first} – {second}"  # "China – China": MoUs among institutions of one country


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
    """Whether an MoU has any recorded cooperation: an exchange, a project, a linked course, a
    milestone or an activity."""
    return (
        Q(Exists(Exchange.objects.filter(mou_id=OuterRef("pk"))))
        | Q(Exists(Project.objects.filter(mou_id=OuterRef("pk"))))
        | Q(Exists(MouSharedCourse.objects.filter(mou_id=OuterRef("pk"))))
        | Q(Exists(Milestone.objects.filter(mou_id=OuterRef("pk"))))
    )


def signed_mous(*, scope: ReportScope) -> QuerySet[Mou]:
    """Every signed MoU (any status but draft) of the scope, whenever signed: exchanges and
    projects are counted by their own year, not their MoU's."""
    return _mou_scope(Mou.objects.exclude(status=Mou.Status.DRAFT), scope=scope, prefix="").order_by()


def _total(values) -> int | None:
    """The sum of the known figures; None (unknown) when none is known."""
    known = [value for value in values if value is not None]
    return sum(known) if known else None


EXCHANGE_COLUMNS = [
    Column(_("Year"), 8),
    Column(_("From country"), 18, numeric=False),
    Column(_("To country"), 18, numeric=False),
    Column(_("People exchanged"), 16, numeric=False),
    Column(_("Planned (quota)"), 12),
    Column(_("Actual"), 12),
    Column(_("Flows recorded"), 12),
]


def exchange_table(*, scope: ReportScope, filters: ReportFilters) -> ReportTable:
    """People exchanged per year, direction (country to country) and category, planned and actual.

    One query: the sums by year, the two institutions' countries and the category. A figure
    nobody recorded (a quota without the actual number yet) stays empty, not zero.
    """
    queryset = Exchange.objects.filter(
        mou__in=signed_mous(scope=scope), year__gte=filters.year_from, year__lte=filters.year_to
    )
    if filters.country:
        queryset = queryset.filter(
            Q(from_institution__country=filters.country) | Q(to_institution__country=filters.country)
        )
    if filters.sector_id:
        queryset = queryset.filter(field_id=filters.sector_id)
    sums = (
        queryset.order_by()
        .values("year", "from_institution__country", "to_institution__country", "category")
        .annotate(planned=Sum("planned"), actual=Sum("actual"), flows=Count("pk"))
    )
    labels = dict(Exchange.Category.choices)
    order = {code: index for index, code in enumerate(Exchange.Category.values)}
    rows = []
    for item in sums:
        origin, destination = item["from_institution__country"], item["to_institution__country"]
        rows.append(
            (
                (item["year"], sort_key(_country_name(origin)), sort_key(_country_name(destination))),
                order.get(item["category"], 99),
                [
                    item["year"],
                    _country_name(origin),
                    _country_name(destination),
                    str(labels.get(item["category"], item["category"])),
                    item["planned"],
                    item["actual"],
                    item["flows"],
                ],
            )
        )
    rows.sort(key=lambda row: (row[0], row[1]))
    body = [cells for _key, _order, cells in rows]
    return ReportTable(
        key="exchanges",
        sheet_name=_("Exchanges"),
        title=_("People exchanged per year and direction"),
        columns=EXCHANGE_COLUMNS,
        rows=body,
        totals=[
            _("Total"),
            "",
            "",
            "",
            _total(row[4] for row in body),
            _total(row[5] for row in body),
            sum(row[6] for row in body),
        ],
        note=_(
            "Planned is the quota agreed for the year, actual what took place; an empty cell was not "
            "recorded. Countries are those of the sending and the receiving institution."
        ),
        label_columns=4,
    )


PROJECT_COLUMNS = [
    Column(_("Year started"), 10),
    Column(pgettext_lazy("project", "Kind"), 30, numeric=False),
    *(Column(label, 12) for label in Project.Status.labels),
    Column(_("Total"), 10),
]


def projects_in_scope(*, scope: ReportScope) -> QuerySet[Project]:
    """The projects under the scope's signed MoUs, and under the alliances its institutions are
    (an alliance is an institution: its admins see its projects)."""
    under_mou = Q(mou__in=signed_mous(scope=scope))
    if scope.everything:
        return Project.objects.filter(under_mou | Q(alliance__isnull=False))
    return Project.objects.filter(under_mou | Q(alliance_id__in=scope.institution_ids))


def project_table(*, scope: ReportScope, filters: ReportFilters) -> ReportTable:
    """Projects per year started and kind, one column per status; one query.

    A project whose start date is not recorded counts under its own row, so that it is not
    lost from the report.
    """
    queryset = projects_in_scope(scope=scope).filter(
        Q(start_on__year__gte=filters.year_from, start_on__year__lte=filters.year_to) | Q(start_on__isnull=True)
    )
    if filters.country:
        queryset = queryset.filter(
            Q(mou__party_countries__contains=[filters.country]) | Q(alliance__country=filters.country)
        )
    if filters.sector_id:
        queryset = queryset.filter(
            Exists(Mou.sectors.through.objects.filter(mou_id=OuterRef("mou_id"), sector_id=filters.sector_id))
        )
    counts = (
        queryset.order_by()
        .annotate(year=ExtractYear("start_on"))
        .values("year", "kind", "status")
        .annotate(n=Count("pk"))
    )
    table: dict[tuple, Counter] = {}
    for item in counts:
        table.setdefault((item["year"], item["kind"]), Counter())[item["status"]] += item["n"]
    kinds = dict(Project.Kind.choices)
    kind_order = {code: index for index, code in enumerate(Project.Kind.values)}
    statuses = Project.Status.values
    keys = sorted(table, key=lambda key: (key[0] is None, key[0] or 0, kind_order.get(key[1], 99)))
    body = []
    for year, kind in keys:
        counter = table[(year, kind)]
        year_cell = year if year is not None else str(pgettext_lazy("project start year", "not recorded"))
        body.append([year_cell, str(kinds.get(kind, kind)), *(counter[status] for status in statuses), counter.total()])
    totals = [
        _("Total"),
        "",
        *(sum(table[key][status] for key in table) for status in statuses),
        sum(counter.total() for counter in table.values()),
    ]
    return ReportTable(
        key="projects",
        sheet_name=_("Projects"),
        title=_("Projects by kind and status, per year started"),
        columns=PROJECT_COLUMNS,
        rows=body,
        totals=totals,
        note=_(
            "Projects under the MoUs and under the alliances. A project whose start date is not "
            "recorded is counted in every period, on its own row."
        ),
        label_columns=2,
    )


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
    keys = sorted(
        {(year, pair) for year, pair, _cooperated in counts}, key=lambda k: (k[0], sort_key(_pair_label(k[1])))
    )
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
        totals=[_("Total"), "", total, with_cooperation, total - with_cooperation],
        note=_(
            "Recorded cooperation: an exchange, a project, a shared course or a milestone or activity "
            "under the MoU. An MoU among parties of three countries counts under each of its country "
            "pairs; the total counts it once."
        ),
        label_columns=2,
    )


COURSE_COLUMNS = [
    Column(_("Year"), 8),
    Column(_("Country"), 18, numeric=False),
    Column(_("Sector"), 24, numeric=False),
    Column(_("Course format"), 12, numeric=False),
    Column(_("Courses shared"), 12),
    Column(_("Requests to use accepted"), 14),
    Column(_("Courses linked to MoUs"), 14),
]


def courses_in_scope(*, scope: ReportScope, filters: ReportFilters) -> QuerySet[SharedCourse]:
    """The courses whose figures the report holds: every course, or those the scope's institutions share."""
    queryset = SharedCourse.objects.all()
    if not scope.everything:
        queryset = queryset.filter(institution_id__in=scope.institution_ids)
    if filters.country:
        queryset = queryset.filter(institution__country=filters.country)
    if filters.sector_id:
        queryset = queryset.filter(sector_id=filters.sector_id)
    return queryset.order_by()


def course_table(*, scope: ReportScope, filters: ReportFilters) -> ReportTable:
    """Courses shared, used and linked to MoUs, per year, country of the sharing institution, sector and format.

    Three aggregate queries, each counting what happened in a year: the published courses
    added that year, the requests to use one accepted that year, and the courses linked to a
    signed MoU that year (a course linked to two MoUs in a year counts once).
    """
    courses = courses_in_scope(scope=scope, filters=filters)
    dimensions = ("year", "course_country", "course_sector", "course_format")

    def per_year(queryset, date_field: str, course: str, counted) -> QuerySet:
        """``queryset``'s rows of the period, counted per year and per its course's dimensions."""
        return (
            queryset.filter(
                **{f"{date_field}__year__gte": filters.year_from, f"{date_field}__year__lte": filters.year_to}
            )
            .order_by()
            .annotate(
                year=ExtractYear(date_field),
                course_country=F(f"{course}institution__country"),
                course_sector=F(f"{course}sector_id"),
                course_format=F(f"{course}format"),
            )
            .values(*dimensions)
            .annotate(n=counted)
        )

    shared = per_year(courses.filter(is_published=True), "created_at", "", Count("pk"))
    used = per_year(
        CourseUseRequest.objects.filter(course__in=courses, status=CourseUseRequest.Status.ACCEPTED),
        "decided_at",
        "course__",
        Count("pk"),
    )
    linked = per_year(
        MouSharedCourse.objects.filter(course__in=courses, mou__in=Mou.objects.exclude(status=Mou.Status.DRAFT)),
        "linked_at",
        "course__",
        Count("course_id", distinct=True),
    )
    counts: dict[tuple, list[int]] = {}
    for index, rows in enumerate((shared, used, linked)):
        for item in rows:
            key = tuple(item[name] for name in dimensions)
            counts.setdefault(key, [0, 0, 0])[index] += item["n"]
    sectors = {sector.pk: sector.label for sector in Sector.objects.filter(pk__in={key[2] for key in counts})}
    formats = dict(SharedCourse.Format.choices)
    body = [
        [
            year,
            _country_name(country),
            sectors.get(sector, ""),
            str(formats.get(course_format, course_format)),
            *figures,
        ]
        for (year, country, sector, course_format), figures in counts.items()
    ]
    body.sort(key=lambda row: (row[0], sort_key(row[1]), sort_key(row[2]), row[3]))
    return ReportTable(
        key="courses",
        sheet_name=_("Courses"),
        title=_("Courses shared and used, per year"),
        columns=COURSE_COLUMNS,
        rows=body,
        totals=[_("Total"), "", "", "", *(sum(row[index] for row in body) for index in (4, 5, 6))],
        note=_(
            "Per year: the published courses added to the catalogue, the requests to use a course that "
            "were accepted, and the courses linked to a signed MoU. The country is that of the institution "
            "sharing the course."
        ),
        label_columns=4,
    )


def build_report(*, scope: ReportScope, filters: ReportFilters) -> Report:
    """The report's tables for ``scope`` and ``filters``."""
    return Report(
        filters=filters,
        scope=scope,
        tables=[
            exchange_table(scope=scope, filters=filters),
            course_table(scope=scope, filters=filters),
            project_table(scope=scope, filters=filters),
            mou_table(scope=scope, filters=filters),
        ],
    )
