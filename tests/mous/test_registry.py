"""The MoU registry: who sees what, search and filters, query count, exports, network picture."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from matchmaking.models import Meeting
from mous.filters import RegistryForm
from mous.models import Mou
from mous.network import build
from mous.services import refresh_party_countries
from tests.factories import (
    CooperationTypeFactory,
    EventFactory,
    InstitutionFactory,
    MilestoneFactory,
    MouFactory,
    MouPartyFactory,
    SectorFactory,
)

REGISTRY = reverse("mous:registry")
NETWORK = reverse("mous:network")

pytestmark = pytest.mark.django_db


def make_mou(*institutions, **kwargs) -> Mou:
    """An MoU among ``institutions`` (public unless told), with party_countries kept current."""
    kwargs.setdefault("is_public", True)
    sectors = kwargs.pop("sectors", [])
    types = kwargs.pop("cooperation_types", [])
    mou = MouFactory(**kwargs)
    for position, institution in enumerate(institutions):
        MouPartyFactory(mou=mou, institution=institution, position=position)
    mou.sectors.set(sectors)
    mou.cooperation_types.set(types)
    refresh_party_countries(mou=mou)
    mou.refresh_from_db()
    return mou


def titles(response) -> list[str]:
    return [mou.title for mou in response.context["page_obj"]]


@pytest.fixture
def world(roles):
    kh, cn = roles.institution_a, roles.institution_b
    th = InstitutionFactory(name="Chiang Mai Technical College", name_local="วิทยาลัยเทคนิคเชียงใหม่", country="TH")
    vn = InstitutionFactory(name="Hanoi Vocational College", country="VN")
    cn2 = InstitutionFactory(name="Nanning Polytechnic", name_local="南宁职业技术学院", country="CN")
    sector = SectorFactory(name="Automotive")
    kind = CooperationTypeFactory(name="Teacher training")
    event = EventFactory(title="Nanning Forum")
    return {
        "roles": roles,
        "sector": sector,
        "kind": kind,
        "event": event,
        "public_kh_cn": make_mou(
            kh, cn, title="Welding cooperation", reference="KH-CN-1", sectors=[sector], signed_on=date(2024, 3, 1)
        ),
        "public_th_cn": make_mou(
            th, cn2, title="Rail academy", cooperation_types=[kind], event=event, signed_on=date(2025, 5, 1)
        ),
        "public_three": make_mou(
            kh, th, vn, title="Mekong skills", status=Mou.Status.ACTIVE, signed_on=date(2025, 1, 2)
        ),
        "private": make_mou(kh, cn, title="Private exchange", is_public=False),
        "draft": make_mou(kh, vn, title="Draft plan", status=Mou.Status.DRAFT, signed_on=None),
    }


@pytest.mark.parametrize("role", ["anonymous", "participant", "other_member", "no_institution"])
def test_registry_lists_only_public_non_draft_mous(client, world, role):
    user = world["roles"][role]
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(REGISTRY)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Mekong skills", "Rail academy", "Welding cooperation"]
    assert b"Private exchange" not in response.content
    assert b"Draft plan" not in response.content


def test_visitors_get_no_secretariat_links(client, world):
    html = client.get(REGISTRY).content.decode()
    assert reverse("mous:ceremony") not in html
    assert reverse("mous:new") not in html


def test_secretariat_sees_all_mous_marked(client, world):
    client.force_login(world["roles"]["secretariat"])
    response = client.get(REGISTRY)
    assert len(titles(response)) == 5
    html = response.content.decode()
    assert "not public" in html
    for name in ["mous:new", "mous:ceremony", "mous:proposals", "mous:to_log", "mous:statistics"]:
        assert reverse(name) in html
    response = client.get(REGISTRY, {"status": "draft"})
    assert titles(response) == ["Draft plan"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "weld"}, ["Welding cooperation"]),
        ({"q": "KH-CN"}, ["Welding cooperation"]),
        ({"q": "Hanoi"}, ["Mekong skills"]),
        ({"q": "南宁职业"}, ["Rail academy"]),
        ({"q": "เชียงใหม่"}, ["Mekong skills", "Rail academy"]),
        ({"country": "VN"}, ["Mekong skills"]),
        ({"country": "CN"}, ["Rail academy", "Welding cooperation"]),
        ({"pair_a": "KH", "pair_b": "CN"}, ["Welding cooperation"]),
        ({"pair_a": "TH", "pair_b": "KH"}, ["Mekong skills"]),
        ({"pair_a": "TH", "pair_b": "VN", "q": "mekong"}, ["Mekong skills"]),
        ({"year": "2025"}, ["Mekong skills", "Rail academy"]),
        ({"status": "active"}, ["Mekong skills"]),
    ],
)
def test_each_filter(client, world, params, expected):
    assert sorted(titles(client.get(REGISTRY, params))) == expected


def test_taxonomy_and_event_filters(client, world):
    assert titles(client.get(REGISTRY, {"sector": world["sector"].slug})) == ["Welding cooperation"]
    assert titles(client.get(REGISTRY, {"cooperation_type": world["kind"].slug})) == ["Rail academy"]
    assert titles(client.get(REGISTRY, {"event": world["event"].slug})) == ["Rail academy"]


def test_private_mou_cannot_be_found_by_a_visitor_filter(client, world):
    assert titles(client.get(REGISTRY, {"q": "Private"})) == []
    # "draft" is no choice for visitors: reported and ignored, drafts stay hidden.
    response = client.get(REGISTRY, {"status": "draft"})
    assert "Draft plan" not in titles(response)
    assert 'role="alert"' in response.content.decode()


def test_bad_filter_values_are_reported_and_ignored(client, world):
    response = client.get(REGISTRY, {"year": "soon", "country": "XX", "q": "weld"})
    assert response.status_code == 200
    assert titles(response) == ["Welding cooperation"]
    assert 'role="alert"' in response.content.decode()


def test_htmx_request_gets_the_results_only(client, world):
    response = client.get(REGISTRY, {"country": "VN"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "Mekong skills" in content
    assert "<html" not in content
    assert 'id="registry-form"' not in content
    assert "HX-Request" in response["Vary"]


def _many(count: int, kh, cn):
    event = EventFactory()
    for number in range(count):
        make_mou(kh, cn, InstitutionFactory(country="TH"), title=f"MoU {number}", event=event)


@pytest.mark.parametrize("count", [1, 30])
def test_registry_query_count_is_fixed(client, roles, django_assert_num_queries, count):
    _many(count, roles.institution_a, roles.institution_b)
    # sectors, cooperation types, events (form choices); page ids with the count; page rows;
    # parties; institutions
    with django_assert_num_queries(7):
        response = client.get(REGISTRY, {"country": "KH", "pair_a": "KH", "pair_b": "CN"})
    assert len(titles(response)) == min(count, 25)


def _csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def test_public_csv_export_has_public_fields_only(client, world):
    mou = world["public_kh_cn"]
    mou.summary = "Secret summary"
    mou.witnesses = "Secret witness"
    mou.save()
    MilestoneFactory(mou=mou, title='=HYPERLINK("http://evil")', evidence_note="Secret evidence")
    MilestoneFactory(mou=world["private"], title="Private milestone")
    rows = _csv_rows(client.get(reverse("mous:registry_export_csv"), {"country": "KH"}))
    header, body = rows[0], rows[1:]
    assert "Listed in the public registry" not in header
    text = repr(rows)
    assert "Secret" not in text
    assert "Private" not in text
    assert "Draft plan" not in text
    welding = [row for row in body if row[1] == "Welding cooperation"]
    assert len(welding) == 1
    assert welding[0][header.index("Milestone")] == '\'=HYPERLINK("http://evil")'
    assert {row[1] for row in body} == {"Welding cooperation", "Mekong skills"}


def test_secretariat_export_includes_private_mous(client, world):
    client.force_login(world["roles"]["secretariat"])
    rows = _csv_rows(client.get(reverse("mous:registry_export_csv")))
    assert "Listed in the public registry" in rows[0]
    assert {row[1] for row in rows[1:]} >= {"Private exchange", "Draft plan"}


def test_xlsx_export_is_filtered_and_neutralised(client, world):
    make_mou(
        InstitutionFactory(name="+cmd|calc", country="LA"), world["roles"].institution_b, title="-2+3", is_public=True
    )
    response = client.get(reverse("mous:registry_export_xlsx"), {"country": "LA"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "'-2+3"
    assert rows[1][rows[0].index("Parties")].startswith("'+cmd|calc")


# --- Network -------------------------------------------------------------------------------


def test_network_needs_sign_in(client, world):
    response = client.get(NETWORK)
    assert response.status_code == 302


def test_network_shows_the_filtered_public_mous(client, world):
    roles = world["roles"]
    client.force_login(roles["participant"])
    response = client.get(NETWORK, {"pair_a": "KH", "pair_b": "CN"})
    picture = response.context["picture"]
    assert {node.pk for node in picture.nodes} == {roles.institution_a.pk, roles.institution_b.pk}
    # The private KH–CN MoU is not drawn for a participant.
    assert [edge.mou_pk for edge in picture.edges] == [world["public_kh_cn"].pk]
    content = response.content.decode()
    assert f'data-mou="{world["public_kh_cn"].pk}"' in content
    assert f'data-mou="{world["private"].pk}"' not in content
    assert "<svg" in content
    assert "Cambodia" in content
    assert "Phnom Penh Polytechnic" in content  # table of edges


def test_network_for_secretariat_includes_private_mous(client, world):
    client.force_login(world["roles"]["secretariat"])
    picture = client.get(NETWORK, {"pair_a": "KH", "pair_b": "CN"}).context["picture"]
    assert {edge.mou_pk for edge in picture.edges} == {world["public_kh_cn"].pk, world["private"].pk}


def test_network_three_party_mou_gives_three_edges(world):
    picture = build(Mou.objects.filter(pk=world["public_three"].pk))
    assert len(picture.nodes) == 3
    assert len(picture.edges) == 3


def test_network_caps_nodes_and_says_so(client, world):
    client.force_login(world["roles"]["participant"])
    picture = build(Mou.objects.filter(is_public=True).exclude(status="draft"), node_cap=3)
    assert picture.capped
    assert len(picture.nodes) == 3
    assert picture.total_nodes == 5
    kept = {node.pk for node in picture.nodes}
    assert all(edge.a in kept and edge.b in kept for edge in picture.edges)
    # Layout is deterministic.
    again = build(Mou.objects.filter(is_public=True).exclude(status="draft"), node_cap=3)
    assert again.svg == picture.svg


def test_network_page_says_when_capped(client, world, monkeypatch):
    monkeypatch.setattr("mous.network.NODE_CAP", 2)
    client.force_login(world["roles"]["participant"])
    response = client.get(NETWORK)
    assert "Showing the 2 institutions with the most MoUs out of 5" in response.content.decode()


def test_meeting_model_has_the_outcome_the_funnel_reads():
    assert Meeting.Outcome.MOU_SIGNED == "mou_signed"


def test_network_says_when_mous_are_capped(client, world, monkeypatch):
    monkeypatch.setattr("mous.network.MOU_CAP", 2)
    client.force_login(world["roles"]["participant"])
    response = client.get(NETWORK)
    assert response.context["picture"].mous_capped
    assert len({edge.mou_pk for edge in response.context["picture"].edges}) == 2
    assert "Only the 2 most recently signed MoUs are drawn" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_registry_search_query_count_is_fixed(client, roles, django_assert_num_queries, count):
    _many(count, roles.institution_a, roles.institution_b)
    # The 7 of a filtered page: the parties' names are in the MoUs' own search text.
    with django_assert_num_queries(7):
        response = client.get(REGISTRY, {"q": "Phnom", "country": "TH"})
    assert len(titles(response)) == min(count, 25)


def test_a_country_outside_the_portal_list_can_be_filtered_by_url(client, world):
    make_mou(InstitutionFactory(country="RU"), world["roles"].institution_b, title="Moscow link")
    response = client.get(REGISTRY, {"country": "RU"})
    assert titles(response) == ["Moscow link"]
    assert '<option value="RU" selected>' in response.content.decode()


@pytest.fixture
def small_pages(monkeypatch):
    """Registry pages of two MoUs, so that a handful of MoUs spans several pages."""
    monkeypatch.setattr("mous.views_registry.PAGE_SIZE", 2)


def test_search_pages_count_and_order_the_matches_once(client, world, small_pages):
    roles = world["roles"]
    for number in range(3):
        make_mou(
            roles.institution_a,
            roles.institution_b,
            title=f"Welding step {number}",
            signed_on=date(2020, 1, 1 + number),
        )

    first = client.get(REGISTRY, {"q": "welding"})
    second = client.get(REGISTRY, {"q": "welding", "page": 2})

    assert first.context["page_obj"].paginator.count == 4
    assert first.context["page_obj"].paginator.num_pages == 2
    assert titles(first) == ["Welding cooperation", "Welding step 2"]
    assert titles(second) == ["Welding step 1", "Welding step 0"]
    # Each row carries what the page shows: parties and whether its event may be named.
    assert all(hasattr(mou, "event_shown") for mou in second.context["page_obj"])


@pytest.mark.parametrize(
    ("page", "expected"),
    [("9", ["Welding cooperation"]), ("x", ["Rail academy", "Mekong skills"]), ("0", ["Welding cooperation"])],
)
def test_a_page_out_of_range_or_invalid_falls_back_as_django_does(client, world, small_pages, page, expected):
    response = client.get(REGISTRY, {"page": page})

    # Three public MoUs, newest first: the last page holds the oldest.
    assert titles(response) == expected
    assert response.context["page_obj"].paginator.count == 3


def test_no_match_gives_an_empty_first_page(client, world):
    response = client.get(REGISTRY, {"q": "nothing-like-this"})

    assert titles(response) == []
    assert response.context["page_obj"].paginator.count == 0
    assert "0 MoUs found" in response.content.decode()


def test_search_counts_private_mous_only_for_the_secretariat(client, world, secretariat_user):
    assert client.get(REGISTRY, {"q": "exchange"}).context["page_obj"].paginator.count == 0
    client.force_login(secretariat_user)
    response = client.get(REGISTRY, {"q": "exchange"})
    assert titles(response) == ["Private exchange"]
    assert response.context["page_obj"].paginator.count == 1


def _options(html: str, name: str) -> str:
    start = html.index(f'<select name="{name}"')
    return html[start : html.index("</select>", start)]


def test_filter_options_follow_a_new_sector_and_a_new_mous_event_at_once(client, world):
    """The options are kept between views (core.pagecache.kept): never past a change."""
    client.force_login(world["roles"]["participant"])
    html = client.get(REGISTRY).content.decode()
    assert "Marine engineering" not in _options(html, "sector")
    assert "Bangkok Summit" not in _options(html, "event")

    SectorFactory(name="Marine engineering")
    summit = EventFactory(title="Bangkok Summit")
    make_mou(world["roles"].institution_a, title="Summit MoU", event=summit)

    html = client.get(REGISTRY).content.decode()
    assert "Marine engineering" in _options(html, "sector")
    assert "Bangkok Summit" in _options(html, "event")


def test_event_options_are_the_persons_own(client, world):
    """A draft event's MoU is the secretariat's to see; others are not offered its title."""
    draft = EventFactory(title="Unannounced Summit", status="draft")
    make_mou(world["roles"].institution_a, title="Summit MoU", event=draft)
    client.force_login(world["roles"]["secretariat"])
    assert "Unannounced Summit" in _options(client.get(REGISTRY).content.decode(), "event")

    client.force_login(world["roles"]["no_institution"])
    assert "Unannounced Summit" not in _options(client.get(REGISTRY).content.decode(), "event")


def test_registry_country_filter_follows_the_reader_language():
    with translation.override("zh-hans"):
        form = RegistryForm(data={}, user=AnonymousUser())
        labels = [
            str(label) for value, label in form.fields["country"].choices if value in {"KH", "LA", "TH", "VN", "CN"}
        ]

    assert labels == ["柬埔寨", "老挝", "泰国", "越南", "中国"]


# ---- the parties' names, kept in each MoU's search text -----------------------------------


def test_a_renamed_party_is_found_by_its_new_names_only(client, world):
    college = world["public_th_cn"].parties.get(position=0).institution
    college.name = "Lanna Institute of Rail Technology"
    college.name_local = "สถาบันเทคโนโลยีระบบรางล้านนา"
    college.acronym = "LIRT"
    college.save()

    # It is party to both MoUs.
    for query in ("lanna institute", "ระบบราง", "LIRT"):
        assert sorted(titles(client.get(REGISTRY, {"q": query}))) == ["Mekong skills", "Rail academy"], query
    # Its former names are gone.
    assert titles(client.get(REGISTRY, {"q": "Chiang Mai Technical"})) == []
    assert titles(client.get(REGISTRY, {"q": "เชียงใหม่"})) == []


def test_a_party_found_once_it_joins_and_no_more_once_it_leaves(client, world):
    from mous.models import MouParty

    newcomer = InstitutionFactory(name="Vientiane Polytechnic", name_local="ວິທະຍາໄລ", acronym="VTP", country="LA")
    mou = world["public_kh_cn"]
    assert titles(client.get(REGISTRY, {"q": "vientiane"})) == []

    party = MouPartyFactory(mou=mou, institution=newcomer, position=2)
    for query in ("vientiane", "ວິທະຍາໄລ", "vtp"):
        assert titles(client.get(REGISTRY, {"q": query})) == ["Welding cooperation"], query
    mou.refresh_from_db()
    assert mou.party_names.split("\n")[-3:] == ["vientiane polytechnic", "ວິທະຍາໄລ", "vtp"]

    MouParty.objects.filter(pk=party.pk).delete()  # as the admin's inline deletes one
    party.delete()
    assert titles(client.get(REGISTRY, {"q": "vientiane"})) == []


def test_saving_an_institution_without_its_names_leaves_the_mous_alone(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    college = world["public_th_cn"].parties.get(position=0).institution
    college.name = "Not saved"
    with CaptureQueriesContext(connection) as queries:
        college.save(update_fields=["city"])
    assert not [query for query in queries.captured_queries if "mous_" in query["sql"]]
    assert "chiang mai technical college" in Mou.objects.get(pk=world["public_th_cn"].pk).search_text


def test_the_migration_fills_the_party_names_and_search_text_as_save_does(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("mous.migrations.0008_party_names_in_search_text")
    mou = world["public_three"]
    mou.translations = {"title": {"zh-hans": "湄公技能"}}
    mou.summary = "Shared welding courses"
    mou.save()
    kept = {row.pk: (row.party_names, row.search_text, row.search_grams) for row in Mou.objects.all()}
    Mou.objects.update(party_names="", search_text="", search_grams=[])

    migration.fill_party_names(apps, None)

    assert {row.pk: (row.party_names, row.search_text, row.search_grams) for row in Mou.objects.all()} == kept
    assert "hanoi vocational college" in kept[mou.pk][0]


def test_an_mou_saved_from_an_older_copy_keeps_its_new_partys_name(client, world):
    mou = Mou.objects.get(pk=world["public_kh_cn"].pk)  # loaded before the party joins
    MouPartyFactory(mou=world["public_kh_cn"], institution=InstitutionFactory(name="Savannakhet Polytechnic"))
    mou.title = "Welding and cutting cooperation"
    mou.save()

    assert titles(client.get(REGISTRY, {"q": "savannakhet"})) == ["Welding and cutting cooperation"]
