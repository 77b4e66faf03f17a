"""The partnership network drawn as server-side SVG: institutions as nodes, MoUs as edges.

The layout is deterministic and needs no JavaScript: the countries sit on a circle and each
country's institutions on a small disc around its point, largest (most MoUs) first.

Legibility, for the people who maintain this:

- Each country of the region keeps one colour and one marker shape wherever it is drawn
  (:data:`REGION_MARKERS`). The colours are the eight of Okabe and Ito's colour-blind-safe
  palette with four of Paul Tol's (indigo, wine and olive from "muted", grey from "bright"):
  every pair of them differs by at least 20 in CIEDE2000. They are assigned so that
  neighbouring countries (on the map, and next to each other on the circle and in the
  legend, which follow :data:`REGION_ORDER`) differ far more, and the shapes so that
  the pairs a red-green colour-blind person may confuse never share a shape. Countries
  outside the region take the combinations left, in the order of their codes.
- Institution names are drawn next to their node where they fit (the best connected
  first), abbreviated where only that fits, and left out otherwise.
- Every node and every line is a link (to the institution, to the MoU) that the keyboard
  reaches, with a visible focus ring and a name that says what it is: the institution, its
  country and its partners; the MoU and its parties. The page also has the whole picture as
  a table.
"""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.collation import sort_key
from core.countries import countries
from core.lists import listed
from core.multilingual import pick

from .models import MouParty

# At most this many institutions (those with the most MoUs) are drawn.
NODE_CAP = 300
# MoUs read for the picture, newest first.
MOU_CAP = 5000
SIZE = 800

# Okabe–Ito, then Paul Tol's muted indigo, wine and olive and bright grey.
BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN = "#000000", "#e69f00", "#56b4e9", "#009e73"
YELLOW, BLUE, VERMILION, REDDISH_PURPLE = "#f0e442", "#0072b2", "#d55e00", "#cc79a7"
INDIGO, WINE, OLIVE, GREY = "#332288", "#882255", "#999933", "#bbbbbb"
PALETTE = [BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILION, REDDISH_PURPLE, INDIGO, WINE, OLIVE, GREY]
SHAPES = ("circle", "square", "triangle", "diamond")

# China and the countries of Southeast Asia, roughly clockwise around the South China Sea: the
# order of the circle and of the legend.
REGION_ORDER = ("CN", "VN", "LA", "KH", "TH", "MM", "MY", "SG", "ID", "BN", "PH", "TL")
REGION_MARKERS = {
    "CN": (BLACK, "circle"),
    "VN": (SKY_BLUE, "square"),
    "LA": (VERMILION, "triangle"),
    "KH": (INDIGO, "diamond"),
    "TH": (YELLOW, "circle"),
    "MM": (GREY, "diamond"),
    "MY": (BLUE, "square"),
    "SG": (BLUISH_GREEN, "circle"),
    "ID": (WINE, "triangle"),
    "BN": (ORANGE, "diamond"),
    "PH": (REDDISH_PURPLE, "circle"),
    "TL": (OLIVE, "square"),
}
# Names of institutions drawn next to the nodes: size in the picture's units (800 wide).
LABEL_SIZE = 13
# At most this many partners are named in a node's accessible name.
PARTNERS_NAMED = 8


@dataclass
class Node:
    pk: int
    name: str
    country: str
    slug: str = ""
    acronym: str = ""
    degree: int = 0
    x: float = 0.0
    y: float = 0.0
    radius: float = 3.0
    colour: str = GREY
    shape: str = "circle"
    country_name: str = ""
    partners: list[str] = field(default_factory=list)
    label: str = ""
    label_x: float = 0.0
    label_y: float = 0.0
    label_anchor: str = "start"


@dataclass
class Edge:
    a: int
    b: int
    mou_pk: int
    title: str


@dataclass
class LegendEntry:
    code: str
    name: str
    colour: str
    shape: str
    swatch: SafeString


@dataclass
class Picture:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    capped: bool = False
    mous_capped: bool = False
    total_nodes: int = 0
    # bandit: an empty string.
    svg: SafeString = mark_safe("")  # nosec B308

    @property
    def edge_rows(self) -> list[tuple[Node, Node, Edge]]:
        by_pk = {node.pk: node for node in self.nodes}
        return [(by_pk[edge.a], by_pk[edge.b], edge) for edge in self.edges]


def country_markers(codes) -> dict[str, tuple[str, str]]:
    """Return the (colour, shape) of each country code: the region's own, then the combinations left."""
    markers = {code: REGION_MARKERS[code] for code in codes if code in REGION_MARKERS}
    spare = [
        (colour, shape) for shape in SHAPES for colour in PALETTE if (colour, shape) not in REGION_MARKERS.values()
    ]
    for index, code in enumerate(sorted(code for code in codes if code not in REGION_MARKERS)):
        markers[code] = spare[index % len(spare)]
    return markers


def country_order(codes) -> list[str]:
    """Return the country codes in the order of the circle and the legend: the region's, then the others."""
    codes = set(codes)
    return [code for code in REGION_ORDER if code in codes] + sorted(codes - set(REGION_ORDER))


def build(mous, *, node_cap: int | None = None) -> Picture:
    """Build the picture of the MoUs of ``mous`` (a queryset, already filtered and permitted)."""
    node_cap = node_cap or NODE_CAP
    mou_ids = list(mous.prefetch_related(None).values_list("pk", flat=True)[: MOU_CAP + 1])
    mous_capped = len(mou_ids) > MOU_CAP
    mou_ids = mou_ids[:MOU_CAP]
    parties = (
        MouParty.objects.filter(mou_id__in=mou_ids)
        .order_by("mou_id", "position", "pk")
        .values_list(
            "mou_id",
            "mou__title",
            "mou__original_language",
            "mou__translations",
            "institution_id",
            "institution__name",
            "institution__country",
            "institution__slug",
            "institution__acronym",
        )
    )
    by_mou: dict[int, list[int]] = {}
    titles: dict[int, str] = {}
    nodes: dict[int, Node] = {}
    for mou_id, title, original_language, translations, institution_id, name, country, slug, acronym in parties:
        by_mou.setdefault(mou_id, []).append(institution_id)
        if mou_id not in titles:  # the reader's language, else English, else as written
            titles[mou_id] = pick(title, original_language, (translations or {}).get("title"))
        if institution_id not in nodes:
            nodes[institution_id] = Node(
                pk=institution_id, name=name, country=str(country), slug=slug, acronym=acronym or ""
            )
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
    _partners(picture)
    _layout(picture)
    _labels(picture)
    picture.svg = _svg(picture)
    return picture


def _partners(picture: Picture) -> None:
    by_pk = {node.pk: node for node in picture.nodes}
    partners: dict[int, set[int]] = {node.pk: set() for node in picture.nodes}
    for edge in picture.edges:
        partners[edge.a].add(edge.b)
        partners[edge.b].add(edge.a)
    for node in picture.nodes:
        node.partners = sorted((by_pk[pk].name for pk in partners[node.pk]), key=sort_key)


def _layout(picture: Picture) -> None:
    names = dict(countries)
    codes = country_order({node.country for node in picture.nodes})
    markers = country_markers(codes)
    picture.legend = [
        LegendEntry(
            code=code,
            name=str(names.get(code, code)),
            colour=markers[code][0],
            shape=markers[code][1],
            swatch=_swatch(*markers[code]),
        )
        for code in codes
    ]
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
            node.radius = round(min(4 + 1.5 * math.sqrt(node.degree), 12), 1)
            node.colour, node.shape = markers[code]
            node.country_name = str(names.get(code, code))


# Labels -----------------------------------------------------------------------------------------


def _text_width(text: str) -> float:
    """Return about how wide ``text`` is drawn at :data:`LABEL_SIZE` (wide scripts count double)."""
    units = sum(1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.56 for char in text)
    return units * LABEL_SIZE


def abbreviation(node: Node) -> str:
    """Return a short form of the institution's name: its acronym, or the initials of its words."""
    if node.acronym:
        return node.acronym
    words = re.findall(r"[^\W\d_][\w'’-]*", node.name)
    if len(words) > 1 and all(word[0].isascii() for word in words):
        initials = "".join(word[0] for word in words if word[0].isupper() or len(word) > 3)
        if len(initials) > 1:
            return initials.upper()
    return node.name[:4] + "…" if len(node.name) > 5 else node.name


def _overlaps(box, boxes) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < bx1 and bx0 < x1 and y0 < by1 and by0 < y1 for bx0, by0, bx1, by1 in boxes)


def _labels(picture: Picture) -> None:
    """Name the nodes where the name fits beside them, the best connected first; else abbreviate or skip."""
    taken = [(n.x - n.radius, n.y - n.radius, n.x + n.radius, n.y + n.radius) for n in picture.nodes]
    centre = SIZE / 2
    for node in sorted(picture.nodes, key=lambda n: (-n.degree, n.name, n.pk)):
        own = (node.x - node.radius, node.y - node.radius, node.x + node.radius, node.y + node.radius)
        others = [box for box in taken if box != own]
        # Outwards from the centre first, where the circle leaves room.
        sides = ("start", "end") if node.x >= centre else ("end", "start")
        for text in dict.fromkeys([node.name, abbreviation(node)]):
            width, height = _text_width(text), LABEL_SIZE * 1.2
            placed = False
            for anchor in sides:
                x = node.x + node.radius + 3 if anchor == "start" else node.x - node.radius - 3
                x0 = x if anchor == "start" else x - width
                box = (x0, node.y - height / 2, x0 + width, node.y + height / 2)
                if box[0] < 2 or box[2] > SIZE - 2 or _overlaps(box, others):
                    continue
                node.label, node.label_x, node.label_y, node.label_anchor = text, round(x, 1), node.y, anchor
                taken.append(box)
                placed = True
                break
            if placed:
                break


# Drawing ----------------------------------------------------------------------------------------


def _marker(shape: str, x: float, y: float, r: float, fill: str, extra: str = "") -> str:
    """Return the SVG element of a marker of ``shape`` centred on (x, y), about ``r`` in radius."""
    if shape == "square":
        side = round(r * 1.8, 1)
        return (
            f'<rect {extra}x="{round(x - side / 2, 1)}" y="{round(y - side / 2, 1)}" '
            f'width="{side}" height="{side}" fill="{fill}"/>'
        )
    if shape == "triangle":
        h = r * 1.25
        points = f"{round(x, 1)},{round(y - h, 1)} {round(x + h, 1)},{round(y + h * 0.8, 1)} {round(x - h, 1)},{round(y + h * 0.8, 1)}"
        return f'<polygon {extra}points="{points}" fill="{fill}"/>'
    if shape == "diamond":
        d = r * 1.35
        points = f"{round(x, 1)},{round(y - d, 1)} {round(x + d, 1)},{round(y, 1)} {round(x, 1)},{round(y + d, 1)} {round(x - d, 1)},{round(y, 1)}"
        return f'<polygon {extra}points="{points}" fill="{fill}"/>'
    return f'<circle {extra}cx="{x}" cy="{y}" r="{r}" fill="{fill}"/>'


def _swatch(colour: str, shape: str) -> SafeString:
    # bandit: numbers and fixed colours only.
    return mark_safe(  # nosec B308, B703
        '<svg class="network-swatch" viewBox="0 0 20 20" aria-hidden="true" focusable="false">'
        + _marker(shape, 10, 10, 7, colour, 'stroke="#1d2733" stroke-width="1" ')
        + "</svg>"
    )


def node_description(node: Node) -> str:
    """Return what a screen reader says of a node: the institution, its country and its partners."""
    named = node.partners[:PARTNERS_NAMED]
    more = len(node.partners) - len(named)
    partners = listed(named)
    if more:
        partners += " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more}
    return ngettext(
        "%(name)s (%(country)s): %(count)s partner: %(partners)s",
        "%(name)s (%(country)s): %(count)s partners: %(partners)s",
        len(node.partners),
    ) % {"name": node.name, "country": node.country_name, "count": len(node.partners), "partners": partners}


def edge_description(edge: Edge, a: Node, b: Node) -> str:
    """Return what a screen reader says of a line: the MoU and the two institutions it links."""
    return _("MoU “%(title)s” between %(a)s and %(b)s") % {"title": edge.title, "a": a.name, "b": b.name}


def _svg(picture: Picture) -> SafeString:
    if not picture.nodes:
        # bandit: an empty string.
        return mark_safe("")  # nosec B308
    by_pk = {node.pk: node for node in picture.nodes}
    parts = [
        f'<svg class="mou-network" role="group" aria-labelledby="network-title" viewBox="0 0 {SIZE} {SIZE}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="network-title">{escape(_("Partnership network"))}</title>',
        # The lines as seen, under the nodes; the links that name them come after the nodes, so
        # that the keyboard reaches the institutions first.
        '<g class="network-edges" aria-hidden="true" stroke="#4b5b6b" stroke-opacity="0.45" stroke-width="1.2">',
    ]
    for edge in picture.edges:
        a, b = by_pk[edge.a], by_pk[edge.b]
        parts.append(f'<line x1="{a.x}" y1="{a.y}" x2="{b.x}" y2="{b.y}"/>')
    parts.append('</g><g class="network-nodes" stroke="#ffffff" stroke-width="1.2">')
    for node in picture.nodes:
        description = escape(node_description(node))
        href = reverse("institutions:detail", args=[node.slug])
        parts.append(
            f'<a class="network-node" href="{href}" aria-label="{description}">'
            + _marker(node.shape, node.x, node.y, node.radius, node.colour, f'data-institution="{node.pk}" ')
            + f"<title>{description}</title></a>"
        )
    # Transparent until hovered or focused (see mous-registry.css).
    parts.append('</g><g class="network-links" stroke="#1d2733" stroke-opacity="0" stroke-width="3">')
    for edge in picture.edges:
        a, b = by_pk[edge.a], by_pk[edge.b]
        description = escape(edge_description(edge, a, b))
        parts.append(
            f'<a class="network-link" href="{reverse("mous:detail", args=[edge.mou_pk])}" '
            f'aria-label="{description}">'
            f'<line data-mou="{edge.mou_pk}" x1="{a.x}" y1="{a.y}" x2="{b.x}" y2="{b.y}"/>'
            f"<title>{description}</title></a>"
        )
    parts.append(
        f'</g><g class="network-labels" aria-hidden="true" font-size="{LABEL_SIZE}" fill="#1d2733" '
        'stroke="#ffffff" stroke-width="3" paint-order="stroke" stroke-linejoin="round">'
    )
    for node in picture.nodes:
        if node.label:
            parts.append(
                f'<text x="{node.label_x}" y="{node.label_y}" text-anchor="{node.label_anchor}" '
                f'dominant-baseline="central">{escape(node.label)}</text>'
            )
    parts.append("</g></svg>")
    # bandit: names pass through escape(); the rest is numbers, URLs reversed from ids and fixed colours.
    return mark_safe("".join(parts))  # nosec B308, B703
