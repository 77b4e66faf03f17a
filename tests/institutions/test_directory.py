import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from institutions.filters import FACET_CHUNK, DirectoryForm, Taxonomies, directory_changed, directory_search
from institutions.models import Institution, Membership
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    SectorFactory,
    ShortlistEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("institutions:list")
VERIFIED = Institution.Verification.VERIFIED
REJECTED = Institution.Verification.REJECTED


def search(params: dict, *, viewer=None):
    taxonomies = Taxonomies.load()
    form = DirectoryForm(params, taxonomies=taxonomies, can_sort_by_fit=viewer is not None)
    form.is_valid()
    return directory_search(form.directory_query(), viewer_institution=viewer, taxonomies=taxonomies)


def names(result) -> list[str]:
    return [i.name for i in result.institutions]


def counts(result, facet: str) -> dict[str, int]:
    return {option.value: option.count for option in result.facets[facet]}


@pytest.fixture
def catalogue():
    """Seven institutions in four countries (one rejected), with sectors, offers and needs."""
    auto, ict = SectorFactory(slug="auto", name="Automotive"), SectorFactory(slug="ict", name="ICT")
    training, internships = (
        CooperationTypeFactory(slug="training", name="Teacher training"),
        CooperationTypeFactory(slug="internships", name="Internships"),
    )
    guangxi = InstitutionFactory(
        name="Guangxi Transport College", country="CN", kind="vocational_college", verification_status=VERIFIED
    )
    shenzhen = InstitutionFactory(
        name="Shenzhen Polytechnic", country="CN", kind="polytechnic", verification_status=VERIFIED
    )
    macao = InstitutionFactory(name="Macao Polytechnic", country="MO", kind="polytechnic", languages=["zh", "pt"])
    kampot = InstitutionFactory(name="Kampot Polytechnic", country="KH", kind="polytechnic", languages=["km", "en"])
    takeo = InstitutionFactory(name="Takeo Training Centre", country="KH", verification_status=VERIFIED)
    dili = InstitutionFactory(name="Dili Polytechnic", country="TL", kind="polytechnic", languages=["tet", "en"])
    InstitutionFactory(name="Rejected Polytechnic", country="CN", kind="polytechnic", verification_status=REJECTED)
    guangxi.sectors.add(auto)
    shenzhen.sectors.add(auto, ict)
    kampot.sectors.add(ict)
    OfferFactory(institution=shenzhen, cooperation_type=training, sector=auto)
    OfferFactory(institution=guangxi, cooperation_type=training, sector=ict)
    NeedFactory(institution=kampot, cooperation_type=training, sector=auto)
    return {
        "auto": auto,
        "ict": ict,
        "training": training,
        "internships": internships,
        **{i.name.split()[0].lower(): i for i in (guangxi, shenzhen, macao, kampot, takeo, dili)},
    }


def test_directory_lists_everyone_but_the_rejected_by_name(catalogue):
    result = search({})

    assert names(result) == [
        "Dili Polytechnic",
        "Guangxi Transport College",
        "Kampot Polytechnic",
        "Macao Polytechnic",
        "Shenzhen Polytechnic",
        "Takeo Training Centre",
    ]
    assert (result.total, result.capped) == (6, False)


def test_directory_facet_counts_on_a_hand_made_set(catalogue):
    result = search({})

    assert counts(result, "country") == {"CHINA": 3, "ASEAN": 3, "CN": 2, "KH": 2, "MO": 1, "TL": 1}
    assert counts(result, "kind") == {"vocational_college": 2, "polytechnic": 4}
    assert counts(result, "sector") == {"auto": 2, "ict": 2}
    assert counts(result, "offers") == {"training": 2}
    assert counts(result, "needs") == {"training": 1}
    assert counts(result, "language") == {"en": 2, "zh": 1, "km": 1, "pt": 1, "tet": 1}
    assert counts(result, "verified") == {"1": 3}


def test_directory_facets_leave_out_their_own_filter(catalogue):
    result = search({"country": ["KH"], "kind": ["polytechnic"]})

    assert names(result) == ["Kampot Polytechnic"]
    # Countries are counted without the country filter (polytechnics everywhere)…
    assert counts(result, "country") == {"CHINA": 2, "ASEAN": 2, "CN": 1, "KH": 1, "MO": 1, "TL": 1}
    # …and kinds without the kind filter (everything in Cambodia).
    assert counts(result, "kind") == {"vocational_college": 1, "polytechnic": 1}
    assert [o.value for o in result.facets["country"] if o.selected] == ["KH"]


def test_directory_facets_count_among_text_matches(catalogue):
    result = search({"q": "polytechnic"})

    assert counts(result, "country") == {"CHINA": 2, "ASEAN": 2, "CN": 1, "KH": 1, "MO": 1, "TL": 1}
    assert counts(result, "verified") == {"1": 1}


def test_directory_text_search_shows_no_count_for_other_values_of_a_facet_in_use(catalogue):
    result = search({"q": "polytechnic", "country": ["KH"]})

    assert names(result) == ["Kampot Polytechnic"]
    # Among the matches narrowed to Cambodia, China would read 0: it shows no number instead.
    assert counts(result, "country") == {"CHINA": None, "ASEAN": None, "KH": 1}
    # Facets not in use still count among the matches.
    assert counts(result, "kind") == {"polytechnic": 1}


def test_directory_country_groups(catalogue):
    assert names(search({"country": ["CHINA"]})) == [
        "Guangxi Transport College",
        "Macao Polytechnic",
        "Shenzhen Polytechnic",
    ]
    assert names(search({"country": ["ASEAN"]})) == [
        "Dili Polytechnic",
        "Kampot Polytechnic",
        "Takeo Training Centre",
    ]


def test_directory_filters_combine(catalogue):
    assert names(search({"sector": ["auto"]})) == ["Guangxi Transport College", "Shenzhen Polytechnic"]
    assert names(search({"offers": ["training"]})) == ["Guangxi Transport College", "Shenzhen Polytechnic"]
    # With a sector ticked, "offers teacher training" means in that sector.
    assert names(search({"offers": ["training"], "sector": ["auto"]})) == ["Shenzhen Polytechnic"]
    assert names(search({"needs": ["training"]})) == ["Kampot Polytechnic"]
    assert names(search({"language": ["en"]})) == ["Dili Polytechnic", "Kampot Polytechnic"]
    assert names(search({"verified": "1", "country": ["CN"]})) == [
        "Guangxi Transport College",
        "Shenzhen Polytechnic",
    ]
    assert names(search({"q": "polytechnic", "country": ["ASEAN"]})) == ["Dili Polytechnic", "Kampot Polytechnic"]


def test_directory_sorts_by_recent_update(catalogue):
    catalogue["takeo"].save()  # the latest update

    assert names(search({"sort": "updated"}))[0] == "Takeo Training Centre"
    assert names(search({"sort": "name"}))[0] == "Dili Polytechnic"


def test_directory_sorts_by_relevance_when_searching(catalogue):
    InstitutionFactory(name="Angkor Hotel School", description="Hotel training for polytechnic graduates.")

    assert names(search({"q": "polytechnic"}))[-1] == "Angkor Hotel School"


def test_directory_sorts_by_fit_for_the_viewers_institution(catalogue):
    # Kampot needs teacher training in automotive, which Shenzhen offers.
    kampot = Institution.objects.get(pk=catalogue["kampot"].pk)  # with the keys its need set

    result = search({"q": "polytechnic", "sort": "fit"}, viewer=kampot)

    assert names(result)[0] == "Shenzhen Polytechnic"
    assert result.fit_scores[catalogue["shenzhen"].pk] > result.fit_scores[catalogue["dili"].pk]


def test_directory_fit_without_text_ranks_complementary_institutions(catalogue):
    kampot = Institution.objects.get(pk=catalogue["kampot"].pk)

    result = search({"sort": "fit"}, viewer=kampot)

    assert names(result) == ["Shenzhen Polytechnic"]
    assert result.fit_limited is True


def test_directory_offers_fit_only_to_people_with_an_institution(client, catalogue):
    person = UserFactory(verified_email=True)

    assert 'value="fit"' not in client.get(LIST_URL).content.decode()
    client.force_login(person)
    assert 'value="fit"' not in client.get(LIST_URL).content.decode()
    MembershipFactory(user=person, institution=catalogue["kampot"])
    assert 'value="fit"' in client.get(LIST_URL).content.decode()


def test_directory_page_renders_cards_with_unverified_marks(client, catalogue):
    response = client.get(LIST_URL, {"q": "kampot"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" in html
    assert "Kampot Polytechnic" in html
    assert 'badge-warn">unverified' in html
    assert "Rejected Polytechnic" not in client.get(LIST_URL).content.decode()


def test_directory_htmx_request_gets_the_results_and_the_counts_out_of_band(client, catalogue):
    response = client.get(LIST_URL, {"country": "KH"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert "<html" not in html
    assert 'id="directory-facets"' in html
    assert 'hx-swap-oob="true"' in html
    assert re.findall(r'href="/institutions/([\w-]+)/"', html) == [
        catalogue["kampot"].slug,
        catalogue["takeo"].slug,
    ]
    assert "HX-Request" in response["Vary"]


def test_directory_history_restore_gets_the_full_page(client, catalogue):
    response = client.get(
        LIST_URL, {"country": "KH"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_directory_form_keeps_the_search_in_the_page(client, catalogue):
    html = client.get(LIST_URL, {"q": "poly", "country": ["KH", "CHINA"], "sort": "name"}).content.decode()

    assert 'name="q" value="poly"' in html
    assert re.search(r'name="country" value="KH"\s+checked', html)
    assert re.search(r'name="country" value="CHINA"\s+checked', html)
    assert re.search(r'<option value="name" selected>', html)


def test_directory_pagination_keeps_filters(client):
    for number in range(30):
        InstitutionFactory(name=f"Battambang College {number:02}", country="KH")

    html = client.get(LIST_URL, {"country": "KH", "q": "battambang"}).content.decode()
    page_two = client.get(LIST_URL, {"country": "KH", "q": "battambang", "page": 2}).content.decode()

    assert 'href="?country=KH&amp;q=battambang&amp;page=2"' in html
    assert "Battambang College 29" in page_two
    assert "Battambang College 29" not in html


def test_directory_reports_invalid_filters_and_applies_the_rest(client, catalogue):
    response = client.get(LIST_URL, {"country": ["KH", "XX"], "kind": "spaceship"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Some of the search was not understood" in html
    assert "Kampot Polytechnic" in html
    assert "Guangxi Transport College" in html


def test_directory_marks_the_viewers_shortlist(client, catalogue):
    person = UserFactory(verified_email=True)
    ShortlistEntryFactory(user=person, institution=catalogue["takeo"])
    client.force_login(person)

    html = client.get(LIST_URL, {"country": "KH"}).content.decode()

    assert html.count('aria-pressed="true"') == 1
    assert html.count('aria-pressed="false"') == 1


@pytest.mark.parametrize("item_count", [1, 30])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # session, user, membership, taxonomies (3: sectors, types, alliances; kept in the
        # cache until the next change), ids, page rows, sectors, facets, shortlist
        ({}, 11),
        ({"q": "college"}, 12),  # + one vocabulary lookup per word
        ({"country": "KH", "sector": "auto"}, 13),  # + one per filter in use
        ({"q": "college", "country": "KH", "sector": "auto"}, 12),
    ],
)
def test_directory_query_count_is_fixed(client, django_assert_num_queries, item_count, params, queries):
    auto = SectorFactory(slug="auto")
    for number in range(item_count):
        institution = InstitutionFactory(name=f"Kampot College {number}", country="KH")
        institution.sectors.add(auto, SectorFactory())
        OfferFactory(institution=institution, sector=auto)
    person = MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN).user
    client.force_login(person)

    with django_assert_num_queries(queries):
        response = client.get(LIST_URL, {**params, "sort": "fit"})

    assert response.content.decode().count('class="card institution-card"') == min(item_count, 24)


@pytest.mark.parametrize("item_count", [1, 30])
def test_directory_query_count_is_fixed_for_visitors(client, django_assert_num_queries, item_count):
    for number in range(item_count):
        InstitutionFactory(name=f"Kampot College {number}", country="KH").sectors.add(SectorFactory())

    # taxonomies (3), facets (whose country counts give the total), page rows, sectors
    with django_assert_num_queries(6):
        client.get(LIST_URL)


def test_rejected_institution_page_is_hidden_from_others(client):
    rejected = InstitutionFactory(verification_status=REJECTED)
    member = MembershipFactory(institution=rejected, user=UserFactory(verified_email=True)).user
    url = reverse("institutions:detail", kwargs={"slug": rejected.slug})

    assert client.get(url).status_code == 404
    client.force_login(UserFactory(verified_email=True))
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_institution_page_is_public(client):
    institution = InstitutionFactory(name="Takeo Training Centre")

    response = client.get(institution.get_absolute_url())

    assert response.status_code == 200
    assert "Takeo Training Centre" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 6),
        ({"country": ["CHINA", "CN"]}, 3),
        ({"country": ["CHINA", "CN"], "kind": ["polytechnic"]}, 2),
        ({"country": ["KH"], "sector": ["ict"]}, 1),
        ({"verified": "1", "sector": ["auto"]}, 2),
        ({"country": ["TH"]}, 0),
    ],
)
def test_directory_total_without_text_is_the_number_of_results(catalogue, params, expected):
    for _ in range(2):  # counted, then from the kept counts
        result = search(params)
        assert result.total == len(result.institutions) == result.page.paginator.count == expected


def test_directory_facets_in_use_each_count_without_their_own_filter(catalogue):
    # Shenzhen also offers teacher training in ICT: one institution, counted once.
    OfferFactory(institution=catalogue["shenzhen"], cooperation_type=catalogue["training"], sector=catalogue["ict"])

    result = search({"sector": ["auto"], "offers": ["training"]})

    assert names(result) == ["Shenzhen Polytechnic"]
    # Sectors among those offering teacher training in the chosen sector (Shenzhen)…
    assert counts(result, "sector") == {"auto": 1, "ict": 1}
    # …offers in the chosen sector among the automotive institutions (Guangxi's is in ICT)…
    assert counts(result, "offers") == {"training": 1}
    # …and the facets not in use among the rows both filters leave.
    assert counts(result, "country") == {"CHINA": 1, "ASEAN": 0, "CN": 1}
    assert counts(result, "language") == {}

    result = search({"sector": ["auto", "ict"], "offers": ["training"], "language": ["en"]})

    assert names(result) == []
    assert counts(result, "offers") == {"training": 0}
    assert counts(result, "language") == {"en": 0}
    assert counts(result, "sector") == {"auto": 0, "ict": 0}


def test_directory_counts_kept_during_a_change_are_dropped_when_it_commits(
    catalogue, django_capture_on_commit_callbacks
):
    from institutions.filters import DirectoryQuery, _chunk_keys, directory_version

    def chunk_key():
        return _chunk_keys(DirectoryQuery(), directory_version(), [catalogue["dili"].pk // FACET_CHUNK])

    with django_capture_on_commit_callbacks(execute=True):
        catalogue["dili"].kind = Institution.Kind.VOCATIONAL_COLLEGE
        catalogue["dili"].save()
        # Another visitor counting before the commit keeps its counts under this key…
        during = chunk_key()
    # …which the commit forgets.
    assert chunk_key() != during


@pytest.fixture
def small_chunks(monkeypatch):
    """Facet counts kept per institution (chunks of one id), so that chunks are seen apart."""
    monkeypatch.setattr("institutions.filters.FACET_CHUNK", 1)


@pytest.mark.parametrize("cold", [False, True])
def test_directory_counts_follow_every_kind_of_change(catalogue, small_chunks, cold):
    def kinds():
        return counts(search({}), "kind")

    def both_ways(params, facet):
        return counts(search(params), facet)

    for _ in range(2):  # the first count learns the number of chunks, the second keeps them
        assert kinds() == {"vocational_college": 2, "polytechnic": 4}
        assert both_ways({"country": ["KH"]}, "sector") == {"ict": 1}
    if cold:
        directory_changed()

    catalogue["dili"].kind = Institution.Kind.VOCATIONAL_COLLEGE
    catalogue["dili"].save()
    assert kinds() == {"vocational_college": 3, "polytechnic": 3}
    assert search({"kind": ["polytechnic"]}).total == 3

    # A new institution beyond the chunks counted so far.
    InstitutionFactory(name="Siem Reap Polytechnic", country="KH", kind="polytechnic")
    assert kinds() == {"vocational_college": 3, "polytechnic": 4}
    assert search({"kind": ["polytechnic"]}).total == 4
    assert search({}).total == 7

    # Sectors added from either side, offers and needs.
    catalogue["takeo"].sectors.add(catalogue["ict"])
    assert both_ways({"country": ["KH"]}, "sector") == {"ict": 2}
    catalogue["auto"].institutions.add(catalogue["kampot"])
    assert both_ways({"country": ["KH"]}, "sector") == {"auto": 1, "ict": 2}
    OfferFactory(institution=catalogue["takeo"], cooperation_type=catalogue["internships"], sector=catalogue["ict"])
    assert both_ways({"country": ["KH"]}, "offers") == {"internships": 1}
    catalogue["auto"].institutions.clear()
    assert both_ways({"country": ["KH"]}, "sector") == {"ict": 2}

    # Deleted, and rejected: out of the counts.
    catalogue["dili"].delete()
    catalogue["macao"].verification_status = REJECTED
    catalogue["macao"].save()
    assert kinds() == {"vocational_college": 2, "polytechnic": 3}


def test_directory_country_facet_sorts_chinese_names_by_pinyin():
    for code in ("CN", "VN", "TH", "LA", "KH"):
        InstitutionFactory(country=code)

    with translation.override("zh-hans"):
        options = [option.label for option in search({}).facets["country"]][2:]  # after China and ASEAN
        choices = [str(label) for value, label in DirectoryForm(taxonomies=Taxonomies.load()).fields["country"].choices]

    assert options == ["柬埔寨", "老挝", "泰国", "越南", "中国"]
    assert choices.index("柬埔寨") < choices.index("老挝") < choices.index("越南") < choices.index("中国")


def test_directory_page_in_chinese_lists_countries_by_pinyin(client):
    for code in ("CN", "VN", "KH"):
        InstitutionFactory(country=code)

    response = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert page.index("柬埔寨") < page.index("越南") < page.index("中国</")


@pytest.mark.parametrize(
    ("language", "description", "note", "fallback"),
    [
        (
            "km",
            '<div lang="en"><p>Trains welders.</p></div>',
            '<span class="small muted" lang="en">Welding</span>',
            True,
        ),
        ("zh-hans", "<div><p>培养焊工。</p></div>", '<span class="small muted">焊接</span>', False),
        ("th", "<div><p>ฝึกช่างเชื่อม</p></div>", '<span class="small muted" lang="en">Welding</span>', False),
    ],
)
def test_institution_page_shows_the_description_and_notes_in_the_readers_language(
    client, language, description, note, fallback
):
    institution = InstitutionFactory(
        description="Trains welders.",
        translations={"description": {"zh-hans": "培养焊工。", "th": "ฝึกช่างเชื่อม"}},
    )
    OfferFactory(institution=institution, note="Welding", translations={"note": {"zh-hans": "焊接"}})
    NeedFactory(institution=institution, note="Welding", translations={"note": {"zh-hans": "焊接"}})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    content = client.get(institution.get_absolute_url()).content.decode()

    assert description in content
    assert content.count(note) == 2  # the offer's and the need's
    assert ("fallback-note" in content) is fallback
