"""The partnership network picture: colours told apart, names drawn where they fit, keyboard access."""

import math
import re
from itertools import combinations

import pytest
from django.urls import reverse

from mous.models import Mou
from mous.network import abbreviation, build
from tests.factories import InstitutionFactory, MouFactory, MouPartyFactory

pytestmark = pytest.mark.django_db

REGION = ("CN", "VN", "LA", "KH", "TH", "MM", "MY", "SG", "ID", "BN", "PH", "TL")
# Countries that share a border or face each other across a strait.
NEIGHBOURS = [
    ("CN", "VN"),
    ("CN", "LA"),
    ("CN", "MM"),
    ("VN", "LA"),
    ("VN", "KH"),
    ("LA", "KH"),
    ("LA", "TH"),
    ("LA", "MM"),
    ("KH", "TH"),
    ("TH", "MM"),
    ("TH", "MY"),
    ("MY", "SG"),
    ("MY", "ID"),
    ("MY", "BN"),
    ("ID", "TL"),
    ("ID", "PH"),
    ("BN", "PH"),
    ("BN", "VN"),
]
# Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB.
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
PROTANOPIA = ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998))


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def lab(hex_colour: str, vision=None) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour, as seen with ``vision`` (a colour-blindness matrix) if given."""
    r, g, b = _linear(hex_colour)
    if vision:
        r, g, b = (min(1, max(0, row[0] * r + row[1] * g + row[2] * b)) for row in vision)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def ciede2000(lab1, lab2) -> float:
    """The CIEDE2000 colour difference (Sharma, Wu and Dalal's formulation)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_t = (
        -2
        * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
        * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def test_ciede2000_matches_the_published_test_data():
    # Pairs 1, 7 and 17 of Sharma, Wu and Dalal's table.
    assert round(ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425
    assert round(ciede2000((50, 0, 0), (50, -1, 2)), 4) == 2.3669
    assert round(ciede2000((50, 2.5, 0), (73, 25, -18)), 4) == 27.1492


def make_mou(*institutions) -> Mou:
    mou = MouFactory(is_public=True, status=Mou.Status.ACTIVE)
    for position, institution in enumerate(institutions):
        MouPartyFactory(mou=mou, institution=institution, position=position)
    return mou


@pytest.fixture
def region():
    """One institution per country of the region, each in an MoU with the next one around the circle."""
    institutions = {code: InstitutionFactory(name=f"College of {code}", country=code) for code in REGION}
    for a, b in zip(REGION, REGION[1:] + REGION[:1], strict=True):
        make_mou(institutions[a], institutions[b])
    return institutions


def markers(picture) -> dict[str, tuple[str, str]]:
    """The (colour, element) of each country's marker, as drawn in the SVG."""
    by_pk = {node.pk: node.country for node in picture.nodes}
    found = re.findall(r'<(\w+) data-institution="(\d+)"[^>]*fill="(#[0-9a-fA-F]{6})"', str(picture.svg))
    return {by_pk[int(pk)]: (colour.lower(), element) for element, pk, colour in found}


def test_every_pair_of_the_regions_countries_differs_clearly_in_colour(region):
    drawn = markers(build(Mou.objects.all()))
    colours = {code: lab(colour) for code, (colour, _element) in drawn.items()}

    distances = {(a, b): ciede2000(colours[a], colours[b]) for a, b in combinations(REGION, 2)}

    assert sorted(drawn) == sorted(REGION)
    assert min(distances.values()) >= 20
    assert min(distances.get((a, b)) or distances[b, a] for a, b in NEIGHBOURS) >= 28
    assert (distances["VN", "BN"], distances["KH", "TH"]) > (40, 40)


def test_colours_a_red_green_colour_blind_person_may_confuse_go_with_different_shapes(region):
    picture = build(Mou.objects.all())
    shapes = {node.country: node.shape for node in picture.nodes}
    colours = {code: colour for code, (colour, _element) in markers(picture).items()}

    confusable = [
        (a, b)
        for a, b in combinations(REGION, 2)
        if min(ciede2000(lab(colours[a], vision), lab(colours[b], vision)) for vision in (DEUTERANOPIA, PROTANOPIA))
        < 15
    ]

    assert confusable  # twelve colours cannot all stay apart without colour vision
    assert [(a, b) for a, b in confusable if shapes[a] == shapes[b]] == []
    assert [(a, b) for a, b in NEIGHBOURS if shapes[a] == shapes[b]] == []


def test_the_legend_and_the_circle_follow_the_region_so_that_neighbours_sit_side_by_side(region):
    picture = build(Mou.objects.all())

    assert [entry.code for entry in picture.legend] == list(REGION)
    assert all(
        str(entry.swatch).count(entry.colour) == 1 and 'aria-hidden="true"' in str(entry.swatch)
        for entry in picture.legend
    )


def test_names_are_drawn_where_they_fit_and_abbreviated_where_they_do_not(region):
    crowded = [
        InstitutionFactory(name=f"Guangxi Vocational and Technical College Number {n}", acronym="", country="CN")
        for n in range(25)
    ]
    for institution in crowded:
        make_mou(institution, region["VN"])
    picture = build(Mou.objects.all())
    svg = str(picture.svg)

    labels = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert "College of VN" in labels  # the best connected has room for its full name
    assert "GVTCN" in labels  # an abbreviation where only that fits
    assert len(labels) < len(picture.nodes)  # and nothing where nothing fits
    assert all(node.label in ("", node.name, abbreviation(node)) for node in picture.nodes)
    boxes = [node for node in picture.nodes if node.label]
    assert len({(node.label_x, node.label_y) for node in boxes}) == len(boxes)


def test_every_node_and_line_is_a_named_link_the_keyboard_reaches(region):
    picture = build(Mou.objects.all())
    svg = str(picture.svg)
    links = re.findall(r'<a class="(network-node|network-link)" href="([^"]+)" aria-label="([^"]+)">', svg)

    nodes = [(href, label) for kind, href, label in links if kind == "network-node"]
    lines = [(href, label) for kind, href, label in links if kind == "network-link"]
    assert len(nodes) == len(picture.nodes) == 12
    assert len(lines) == len(picture.edges) == 12
    assert (
        reverse("institutions:detail", args=[region["KH"].slug]),
        "College of KH (Cambodia): 2 partners: College of LA, College of TH",
    ) in nodes
    mou = Mou.objects.get(parties__institution=region["KH"], parties__position=0)
    assert (
        reverse("mous:detail", args=[mou.pk]),
        f"MoU “{mou.title}” between College of KH and College of TH",
    ) in lines
    # The institutions come first for the keyboard, then the MoUs.
    assert svg.rindex('class="network-node"') < svg.index('class="network-link"')
    assert 'role="img"' not in svg  # which would hide the links from screen readers
    assert "style=" not in svg
    assert "<script" not in svg


def test_the_network_page_shows_the_legend_and_the_picture_without_inline_style(client, roles, region):
    client.force_login(roles["participant"])

    html = client.get(reverse("mous:network")).content.decode()

    assert 'class="network-frame"' in html
    assert '<a class="network-skip" href="#network-table">' in html
    assert html.count('class="network-swatch"') == 12
    assert "style=" not in html
