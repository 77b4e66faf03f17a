"""Reading the cooperation that follows an MoU: exchanges by year and projects.

Visibility follows the MoU's (``mous.open_mou``): a public MoU's projects and exchange figures
are public (numbers of people per year, category and direction, no personal data); the notes
on exchanges are for the parties and the secretariat (``mous.view_exchange_notes``). A private
MoU's are shown to no one else: its page answers 404 before any of this is read.
An alliance's projects are public like the alliance's page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from institutions.models import Institution

from .models import Exchange, Mou, Project


def exchanges_of(*, mou: Mou) -> QuerySet[Exchange]:
    return Exchange.objects.filter(mou=mou).select_related("from_institution", "to_institution", "field")


def projects_of_mou(*, mou: Mou) -> QuerySet[Project]:
    return Project.objects.filter(mou=mou)


def projects_for_alliance(alliance: Institution, viewer=None) -> QuerySet[Project]:
    """The projects of ``alliance``, for its page: public as the alliance page is.

    ``viewer`` is the person reading (kept so that the page asks the one question that may one
    day narrow the list); today every project of an alliance is public.
    """
    if viewer is not None and not viewer.has_perm("institutions.open_institution", alliance):
        return Project.objects.none()
    return Project.objects.filter(alliance=alliance)


@dataclass
class YearRow:
    """One year of an MoU's exchanges: its flows and their planned and actual totals."""

    year: int
    exchanges: list[Exchange] = field(default_factory=list)
    planned: int = 0
    actual: int = 0


@dataclass
class ExchangeTable:
    years: list[YearRow]
    planned: int
    actual: int
    by_category: list[tuple[str, int, int]]


def exchange_table(*, mou: Mou) -> ExchangeTable:
    """The MoU's exchanges grouped by year (newest first) with totals; one query."""
    by_year: dict[int, YearRow] = {}
    categories: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for exchange in exchanges_of(mou=mou).order_by("-year", "category", "from_institution__name", "pk"):
        row = by_year.setdefault(exchange.year, YearRow(year=exchange.year))
        row.exchanges.append(exchange)
        row.planned += exchange.planned or 0
        row.actual += exchange.actual or 0
        categories[exchange.category][0] += exchange.planned or 0
        categories[exchange.category][1] += exchange.actual or 0
    years = list(by_year.values())
    labels = dict(Exchange.Category.choices)
    return ExchangeTable(
        years=years,
        planned=sum(row.planned for row in years),
        actual=sum(row.actual for row in years),
        by_category=[(labels[code], *categories[code]) for code in Exchange.Category.values if code in categories],
    )
