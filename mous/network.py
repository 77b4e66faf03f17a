"""The partnership network drawn as server-side SVG: institutions as nodes, MoUs as edges.

The layout is deterministic and needs no JavaScript: the countries sit on a circle (in the
order of their codes) and each country's institutions on a small circle around its point,
largest (most MoUs) first. Colours come from a fixed palette by country.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_countries import countries

from .models import MouParty

# At most this many institutions (those with the most MoUs) are drawn.
NODE_CAP = 300
# MoUs read for the picture, newest first.
MOU_CAP = 5000
SIZE = 800
PALETTE = [
    "#0d6e6e",
    "#c8553d",
    "#3b5ba5",
    "#a15c00",
    "#6a4c93",
    "#2e7d32",
    "#b0306a",
    "#4b5b6b",
    "#1f8fb8",
    "#8a7a00",
    "#7a3b2e",
    "#00897b",
]


@dataclass
class Node:
    pk: int
    name: str
    country: str
    degree: int = 0
    x: float = 0.0
    y: float = 0.0
    colour: str = "#4b5b6b"


@dataclass
class Edge:
    a: int
    b: int
    mou_pk: int
    title: str


@dataclass
class Picture:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, colour)
    capped: bool = False
    mous_capped: bool = False
    total_nodes: int = 0
    # bandit: an empty string.
    svg: SafeString = mark_safe("")  # nosec B308

    @property
    def edge_rows(self) -> list[tuple[Node, Node, Edge]]:
        by_pk = {node.pk: node for node in self.nodes}
        return [(by_pk[edge.a], by_pk[edge.b], edge) for edge in self.edges]


def build(mous, *, node_cap: int | None = None) -> Picture:
    """Build the picture of the MoUs of ``mous`` (a queryset, already filtered and permitted)."""
    node_cap = node_cap or NODE_CAP
    mou_ids = list(mous.prefetch_related(None).values_list("pk", flat=True)[: MOU_CAP + 1])
    mous_capped = len(mou_ids) > MOU_CAP
    mou_ids = mou_ids[:MOU_CAP]
    parties = (
        MouParty.objects.filter(mou_id__in=mou_ids)
        .order_by("mou_id", "position", "pk")
        .values_list("mou_id", "mou__title", "institution_id", "institution__name", "institution__country")
    )
    by_mou: dict[int, list[int]] = {}
    titles: dict[int, str] = {}
    nodes: dict[int, Node] = {}
    for mou_id, title, institution_id, name, country in parties:
        by_mou.setdefault(mou_id, []).append(institution_id)
        titles[mou_id] = title
        if institution_id not in nodes:
            nodes[institution_id] = Node(pk=institution_id, name=name, country=str(country))
    degree: Counter = Counter()
    for members in by_mou.values():
        degree.update(set(members))
    for pk, node in nodes.items():
        node.degree = degree[pk]
    picture = Picture(total_nodes=len(nodes), mous_capped=mous_capped)
    kept = sorted(nodes.values(), key=lambda node: (-node.degree, node.name, node.pk))
    if len(kept) > node_cap:
        picture.capped = True
        kept = kept[:node_cap]
    kept_ids = {node.pk for node in kept}
    for mou_id in sorted(by_mou):
        for a, b in combinations(by_mou[mou_id], 2):
            if a in kept_ids and b in kept_ids:
                picture.edges.append(Edge(a=a, b=b, mou_pk=mou_id, title=titles[mou_id]))
    picture.nodes = kept
    _layout(picture)
    picture.svg = _svg(picture)
    return picture


def _layout(picture: Picture) -> None:
    names = dict(countries)
    codes = sorted({node.country for node in picture.nodes})
    colours = {code: PALETTE[index % len(PALETTE)] for index, code in enumerate(codes)}
    picture.legend = [(code, str(names.get(code, code)), colours[code]) for code in codes]
    centre = SIZE / 2
    ring = SIZE * 0.3 if len(codes) > 1 else 0
    by_country: dict[str, list[Node]] = {}
    for node in picture.nodes:
        by_country.setdefault(node.country, []).append(node)
    for index, code in enumerate(codes):
        angle = 2 * math.pi * index / len(codes) - math.pi / 2
        cx, cy = centre + ring * math.cos(angle), centre + ring * math.sin(angle)
        members = by_country[code]
        spread = min(SIZE * 0.17, 12 + 4 * math.sqrt(len(members)) * 3) if len(members) > 1 else 0
        for position, node in enumerate(members):
            # A sunflower spiral: evenly filled disc, the best-connected institutions in the middle.
            radius = spread * math.sqrt((position + 0.5) / len(members))
            theta = position * 2.399963
            node.x = round(cx + radius * math.cos(theta), 1)
            node.y = round(cy + radius * math.sin(theta), 1)
        for node in members:
            node.colour = colours[code]


def _svg(picture: Picture) -> SafeString:
    if not picture.nodes:
        # bandit: an empty string.
        return mark_safe("")  # nosec B308
    by_pk = {node.pk: node for node in picture.nodes}
    parts = [
        f'<svg class="mou-network" role="img" viewBox="0 0 {SIZE} {SIZE}" width="100%" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(_('Partnership network'))}</title>",
        '<g class="edges" stroke="#4b5b6b" stroke-opacity="0.35" stroke-width="1">',
    ]
    for edge in picture.edges:
        a, b = by_pk[edge.a], by_pk[edge.b]
        parts.append(
            f'<line data-mou="{edge.mou_pk}" x1="{a.x}" y1="{a.y}" x2="{b.x}" y2="{b.y}">'
            f"<title>{escape(edge.title)}</title></line>"
        )
    parts.append('</g><g class="nodes">')
    for node in picture.nodes:
        radius = round(min(3 + 1.5 * math.sqrt(node.degree), 12), 1)
        parts.append(
            f'<circle data-institution="{node.pk}" cx="{node.x}" cy="{node.y}" r="{radius}" '
            f'fill="{node.colour}" stroke="#fff" stroke-width="0.8">'
            f"<title>{escape(node.name)} ({escape(node.country)})</title></circle>"
        )
    parts.append("</g></svg>")
    # bandit: names pass through escape(); the rest is numbers and fixed colours.
    return mark_safe("".join(parts))  # nosec B308, B703
