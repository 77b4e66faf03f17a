"""Partner recommendations: the score on hand-made cases, the reasons, and the pages that show them."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from institutions.models import Institution, Membership
from institutions.recommendations import (
    DIVERSITY_STEP,
    MATCH_CAP,
    Profile,
    diversify,
    explain,
    fit_percent,
    fit_scores,
    recommend,
    score_fit,
)
from institutions.templatetags import partner_tags
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    NeedFactory,
    OfferFactory,
    SectorFactory,
    UserFactory,
)

# --- The score on plain data (no database) ---------------------------------------------------

X = (1, 10)  # cooperation type 1 in sector 10
Y = (2, 20)
Z = (3, 30)


def profile(pk: int, name: str = "", country: str = "KH", **kwargs) -> Profile:
    return Profile(id=pk, name=name or f"Institution {pk}", country=country, kind="other", **kwargs)


def order(me: Profile, others: list[Profile]) -> list[str]:
    scored = sorted(others, key=lambda other: (-score_fit(me, other).score, other.name))
    return [other.name for other in scored]


def test_score_mutual_complementarity_ranks_above_one_way():
    me = profile(1, needs=frozenset({X}), offers=frozenset({Y}))
    mutual = profile(2, "mutual", offers=frozenset({X}), needs=frozenset({Y}))
    offers_only = profile(3, "offers only", offers=frozenset({X}))
    needs_only = profile(4, "needs only", needs=frozenset({Y}))
    unrelated = profile(5, "unrelated", offers=frozenset({Z}), needs=frozenset({Z}))

    assert order(me, [unrelated, needs_only, offers_only, mutual]) == [
        "mutual",
        "offers only",
        "needs only",
        "unrelated",
    ]


def test_score_one_mutual_match_beats_three_one_way_matches():
    w = (4, 40)
    me = profile(1, needs=frozenset({X, Z, w}), offers=frozenset({Y}))
    mutual = profile(2, "mutual", offers=frozenset({X}), needs=frozenset({Y}))
    generous = profile(3, "generous", offers=frozenset({X, Z, w}))

    assert order(me, [generous, mutual]) == ["mutual", "generous"]


def test_score_is_asymmetric_what_they_offer_counts_more():
    needy = profile(1, "needy", needs=frozenset({X}))
    giver = profile(2, "giver", offers=frozenset({X}))

    assert score_fit(needy, giver).score > score_fit(giver, needy).score
    assert score_fit(needy, giver).they_offer == 1.0
    assert score_fit(giver, needy).you_offer == 1.0


def test_score_cross_border_china_asean_above_asean_above_same_country():
    me = profile(1, country="KH", needs=frozenset({X}))
    china = profile(2, "china", country="CN", offers=frozenset({X}))
    thailand = profile(3, "thailand", country="TH", offers=frozenset({X}))
    cambodia = profile(4, "cambodia", country="KH", offers=frozenset({X}))

    assert order(me, [cambodia, thailand, china]) == ["china", "thailand", "cambodia"]


def test_score_exact_match_above_same_sector_match_above_none():
    me = profile(1, needs=frozenset({X}))
    exact = profile(2, "exact", offers=frozenset({X}))
    same_sector = profile(3, "same sector", offers=frozenset({(9, X[1])}))
    same_type = profile(4, "same type elsewhere", offers=frozenset({(X[0], 99)}))

    assert order(me, [same_type, same_sector, exact]) == ["exact", "same sector", "same type elsewhere"]
    assert score_fit(me, same_type).score == 0.0


def test_score_caps_a_candidate_offering_everything():
    needs = frozenset((n, n) for n in range(1, 11))
    me = profile(1, needs=needs)
    everything = profile(2, offers=needs)

    assert score_fit(me, everything).they_offer == MATCH_CAP


def test_score_bonuses_language_kind_and_verified_break_ties():
    me = Profile(id=1, name="me", country="KH", kind="polytechnic", languages=("en", "km"), needs=frozenset({X}))
    plain = Profile(id=2, name="plain", country="KH", kind="other", offers=frozenset({X}))
    speaks = Profile(id=3, name="speaks", country="KH", kind="other", languages=("en",), offers=frozenset({X}))
    enterprise = Profile(id=4, name="enterprise", country="KH", kind="enterprise", offers=frozenset({X}))
    verified = Profile(id=5, name="verified", country="KH", kind="other", verified=True, offers=frozenset({X}))

    assert order(me, [plain, verified, speaks, enterprise]) == ["enterprise", "speaks", "verified", "plain"]


def test_diversify_interleaves_a_country_that_fills_the_top():
    ranked = [("cn-a", "CN", 40.0), ("cn-b", "CN", 39.0), ("cn-c", "CN", 38.0), ("th", "TH", 37.0)]

    chosen = diversify(ranked, limit=4, score=lambda item: item[2], country=lambda item: item[1])

    assert [item[0] for item in chosen] == ["cn-a", "th", "cn-b", "cn-c"]


def test_diversify_does_not_lift_a_much_weaker_partner():
    ranked = [("cn-a", "CN", 40.0), ("cn-b", "CN", 39.0), ("th", "TH", 39.0 - DIVERSITY_STEP - 1)]

    chosen = diversify(ranked, limit=2, score=lambda item: item[2], country=lambda item: item[1])

    assert [item[0] for item in chosen] == ["cn-a", "cn-b"]


def test_fit_percent_saturates():
    assert [fit_percent(0), fit_percent(20), fit_percent(60)] == [0, 50, 75]


# --- Recommendations from the database -------------------------------------------------------


@pytest.fixture
def taxonomy(db):
    return {
        "training": CooperationTypeFactory(name="Teacher training", translations={"name": {"zh-hans": "教师培训"}}),
        "internship": CooperationTypeFactory(name="Internship and employment placement"),
        "nev": SectorFactory(name="New-energy vehicles", translations={"name": {"zh-hans": "新能源汽车"}}),
        "logistics": SectorFactory(name="Logistics and supply chain"),
    }


@pytest.fixture
def home(taxonomy):
    """A Cambodian polytechnic that needs teacher training in NEVs and offers internships in logistics."""
    institution = InstitutionFactory(name="Home Polytechnic", country="KH", kind="polytechnic", languages=["en", "km"])
    NeedFactory(institution=institution, cooperation_type=taxonomy["training"], sector=taxonomy["nev"])
    OfferFactory(institution=institution, cooperation_type=taxonomy["internship"], sector=taxonomy["logistics"])
    return institution


def partner(taxonomy, name, *, offers=(), needs=(), **kwargs) -> Institution:
    institution = InstitutionFactory(name=name, **kwargs)
    for type_key, sector_key in offers:
        OfferFactory(institution=institution, cooperation_type=taxonomy[type_key], sector=taxonomy[sector_key])
    for type_key, sector_key in needs:
        NeedFactory(institution=institution, cooperation_type=taxonomy[type_key], sector=taxonomy[sector_key])
    return institution


@pytest.mark.django_db
def test_recommend_orders_mutual_then_one_way_and_leaves_out_the_unrelated(taxonomy, home):
    one_way = partner(taxonomy, "B One-way College", country="CN", offers=[("training", "nev")])
    mutual = partner(
        taxonomy, "C Mutual College", country="CN", offers=[("training", "nev")], needs=[("internship", "logistics")]
    )
    partner(taxonomy, "A Unrelated College", country="CN", offers=[("internship", "nev")])

    recommendations = recommend(home)

    assert [r.institution for r in recommendations] == [mutual, one_way]
    assert recommendations[0].mutual is True
    assert recommendations[0].score > recommendations[1].score


@pytest.mark.django_db
def test_recommend_reasons_name_the_type_sector_languages_and_border(taxonomy, home):
    partner(
        taxonomy,
        "Liuzhou Auto College",
        country="CN",
        kind="enterprise",
        languages=["en", "zh"],
        offers=[("training", "nev")],
        needs=[("internship", "logistics")],
    )

    (recommendation,) = recommend(home)

    assert recommendation.reasons == [
        "They offer teacher training in new-energy vehicles, which you need",
        "You offer internship and employment placement in logistics and supply chain, which they need",
        "Cross-border: Cambodia ↔ China",
        "You share English as a working language",
        "A college–enterprise pairing",
        "Sectors in common: new-energy vehicles, logistics and supply chain",
    ]


@pytest.mark.django_db
def test_recommend_reasons_use_chinese_taxonomy_names_in_chinese(taxonomy, home):
    partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])

    with translation.override("zh-hans"):
        (recommendation,) = recommend(home)

    assert "教师培训" in recommendation.reasons[0]
    assert "新能源汽车" in recommendation.reasons[0]


@pytest.mark.django_db
def test_recommend_marks_an_mou_partner_without_hiding_it(taxonomy, home):
    other = partner(taxonomy, "Known Partner College", country="CN", offers=[("training", "nev")])
    mou = MouFactory(title="Shared NEV workshop")
    MouPartyFactory(mou=mou, institution=home)
    MouPartyFactory(mou=mou, institution=other)
    stranger = partner(taxonomy, "Stranger College", country="CN", offers=[("training", "nev")])

    recommendations = recommend(home)

    assert [(r.institution, r.has_mou) for r in recommendations] == [(other, True), (stranger, False)]
    assert recommendations[0].reasons[-1] == "You already have an MoU: Shared NEV workshop"


@pytest.mark.django_db
def test_recommend_never_includes_itself_or_rejected_institutions(taxonomy, home):
    # Home needs what it offers itself: it still must not recommend itself.
    OfferFactory(institution=home, cooperation_type=taxonomy["training"], sector=taxonomy["nev"])
    partner(
        taxonomy,
        "Rejected College",
        country="CN",
        offers=[("training", "nev")],
        verification_status=Institution.Verification.REJECTED,
    )
    fine = partner(taxonomy, "Fine College", country="CN", offers=[("training", "nev")])

    assert [r.institution for r in recommend(home)] == [fine]


@pytest.mark.django_db
def test_recommend_filters_by_region(taxonomy, home):
    partner(taxonomy, "Chinese College", country="CN", offers=[("training", "nev")])
    thai = partner(taxonomy, "Thai College", country="TH", offers=[("training", "nev")])

    assert [r.institution for r in recommend(home, region="asean")] == [thai]


@pytest.mark.django_db
def test_recommend_diversity_lets_another_country_in(taxonomy, home):
    chinese = [partner(taxonomy, f"Chinese College {n}", country="CN", offers=[("training", "nev")]) for n in range(3)]
    thai = partner(taxonomy, "Thai College", country="TH", offers=[("training", "nev")])

    recommendations = recommend(home, limit=4)

    # Each Chinese college scores 3 more than the Thai one (cross-border bonus 6 vs 3); the
    # second Chinese college loses 4 for the first, so the Thai college comes second.
    assert [r.institution for r in recommendations] == [chinese[0], thai, chinese[1], chinese[2]]


@pytest.mark.django_db
def test_recommend_is_empty_without_offers_or_needs(taxonomy):
    lonely = InstitutionFactory()
    partner(taxonomy, "Some College", country="CN", offers=[("training", "nev")])

    assert recommend(lonely) == []


@pytest.mark.django_db
def test_fit_scores_match_recommend_and_give_zero_to_self_and_rejected(taxonomy, home):
    good = partner(taxonomy, "Good College", country="CN", offers=[("training", "nev")])
    rejected = partner(taxonomy, "Rejected", country="CN", offers=[("training", "nev")], verification_status="rejected")
    unrelated = InstitutionFactory(country="KH")

    scores = fit_scores(home, [good.pk, rejected.pk, unrelated.pk, home.pk])

    assert scores[good.pk] == recommend(home)[0].score
    assert scores[rejected.pk] == 0.0
    assert scores[home.pk] == 0.0
    assert 0 < scores[unrelated.pk] < scores[good.pk]  # same kind and country: only small bonuses


@pytest.mark.django_db
def test_fit_scores_query_count_does_not_grow_with_ids(taxonomy, home, django_assert_max_num_queries):
    others = [partner(taxonomy, f"College {n}", country="CN", offers=[("training", "nev")]) for n in range(5)]

    with django_assert_max_num_queries(1):
        scores = fit_scores(home, [o.pk for o in others])

    assert len(scores) == 5


@pytest.mark.django_db
def test_explain_gives_reasons_and_nothing_for_itself_or_rejected(taxonomy, home):
    other = partner(taxonomy, "Other College", country="CN", offers=[("training", "nev")])
    rejected = partner(taxonomy, "Rejected", country="CN", verification_status="rejected")

    recommendation = explain(home, other)

    assert recommendation.reasons[0] == "They offer teacher training in new-energy vehicles, which you need"
    assert recommendation.score == fit_scores(home, [other.pk])[other.pk]
    assert explain(home, home) is None
    assert explain(home, rejected) is None


# --- Pages -----------------------------------------------------------------------------------


def member_of(institution, **kwargs):
    return MembershipFactory(user=UserFactory(verified_email=True), institution=institution, **kwargs).user


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
def test_partner_page_sends_visitors_to_login(client):
    response = client.get(reverse("institutions:partners"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_partner_page_without_an_institution_points_to_the_directory(client):
    client.force_login(UserFactory(verified_email=True))

    response = client.get(reverse("institutions:partners"))

    assert response.status_code == 200
    assert response.context["recommendations"] == []
    assert reverse("institutions:list") in response.content.decode()
    assert "Recommendations are made for an institution" in response.content.decode()


@pytest.mark.django_db
def test_partner_page_pending_member_gets_no_recommendations(client, taxonomy, home):
    partner(taxonomy, "Other College", country="CN", offers=[("training", "nev")])
    client.force_login(member_of(home, status=Membership.Status.PENDING))

    response = client.get(reverse("institutions:partners"))

    assert response.context["institution"] is None
    assert "Other College" not in response.content.decode()


@pytest.mark.django_db
def test_partner_page_lists_partners_with_all_reasons(client, taxonomy, home):
    partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])
    client.force_login(member_of(home))

    response = client.get(reverse("institutions:partners"), {"region": "china"})

    html = response.content.decode()
    assert [r.institution.name for r in response.context["recommendations"]] == ["Liuzhou Auto College"]
    assert "They offer teacher training in new-energy vehicles, which you need" in html
    assert "Cross-border: Cambodia ↔ China" in html
    assert "Save to shortlist" in html
    # Right under the page's h1, each partner's name is an h2 (an h3 would skip a level).
    assert ">Liuzhou Auto College</a></h2>" in html


@pytest.mark.django_db
def test_partner_page_queries_do_not_grow_with_results(client, taxonomy, home, django_assert_max_num_queries):
    client.force_login(member_of(home))
    partner(taxonomy, "College 0", country="CN", offers=[("training", "nev")])
    one = count_queries(client, reverse("institutions:partners"))
    for n in range(1, 8):
        partner(taxonomy, f"College {n}", country="CN", offers=[("training", "nev")], verification_status="verified")

    with django_assert_max_num_queries(one):
        response = client.get(reverse("institutions:partners"))

    assert len(response.context["recommendations"]) == 8


@pytest.mark.django_db
def test_dashboard_shows_partners_for_you_with_top_reasons(client, taxonomy, home):
    partner(
        taxonomy,
        "Liuzhou Auto College",
        country="CN",
        offers=[("training", "nev")],
        needs=[("internship", "logistics")],
    )
    client.force_login(member_of(home))

    html = client.get(reverse("dashboard_partners")).content.decode()

    assert "Partners for you" in html
    assert "<html" not in html
    assert "Liuzhou Auto College" in html
    assert "They offer teacher training in new-energy vehicles, which you need" in html
    # Three reasons at most on the dashboard: the shared sectors (sixth reason) stay on the full page.
    assert "Sectors in common" not in html
    assert reverse("institutions:shortlist") in html


@pytest.mark.django_db
def test_dashboard_has_no_partner_section_without_an_institution(client):
    client.force_login(UserFactory(verified_email=True))

    dashboard = client.get(reverse("dashboard")).content.decode()
    section = client.get(reverse("dashboard_partners")).content.decode()

    assert "Partners for you" not in dashboard
    assert "Partners for you" not in section


@pytest.mark.django_db
def test_dashboard_loads_partners_after_its_first_paint_with_a_link_without_javascript(client, taxonomy, home):
    partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])
    client.force_login(member_of(home))

    html = client.get(reverse("dashboard")).content.decode()

    assert f'hx-get="{reverse("dashboard_partners")}" hx-trigger="load"' in html
    assert f'href="{reverse("institutions:partners")}"' in html
    assert "Liuzhou Auto College" not in html


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_recommendations(client, taxonomy, home, django_assert_max_num_queries):
    client.force_login(member_of(home))
    partner(taxonomy, "College 0", country="CN", offers=[("training", "nev")])
    one = count_queries(client, reverse("dashboard_partners"))
    for n in range(1, 6):
        partner(taxonomy, f"College {n}", country="TH", offers=[("training", "nev")], needs=[("training", "nev")])

    with django_assert_max_num_queries(one):
        response = client.get(reverse("dashboard_partners"))

    assert response.content.decode().count('class="card partner-card"') == 6


@pytest.mark.django_db
def test_dashboard_ranks_partners_once_until_the_directory_changes(client, taxonomy, home, monkeypatch):
    client.force_login(member_of(home))
    partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])
    calls = []
    monkeypatch.setattr(
        partner_tags, "recommend", lambda *args, **kwargs: calls.append(1) or recommend(*args, **kwargs)
    )

    first = client.get(reverse("dashboard_partners")).content.decode()
    again = client.get(reverse("dashboard_partners")).content.decode()
    partner(taxonomy, "Nanning Rail College", country="CN", offers=[("training", "nev")])
    after_change = client.get(reverse("dashboard_partners")).content.decode()

    assert len(calls) == 2
    assert "Liuzhou Auto College" in first
    assert "Liuzhou Auto College" in again
    assert "Nanning Rail College" not in again
    assert "Nanning Rail College" in after_change


@pytest.mark.django_db
def test_dashboard_partners_are_kept_per_language(client, taxonomy, home):
    client.force_login(member_of(home))
    partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])

    english = client.get(reverse("dashboard_partners")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"  # the language switcher's choice
    chinese = client.get(reverse("dashboard_partners")).content.decode()

    assert "They offer teacher training in new-energy vehicles, which you need" in english
    assert "They offer teacher training in new-energy vehicles, which you need" not in chinese


@pytest.mark.django_db
def test_institution_page_explains_why_this_partner_to_another_institution(client, taxonomy, home):
    other = partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])
    client.force_login(member_of(home))

    html = client.get(other.get_absolute_url()).content.decode()

    assert "Why this partner" in html
    assert "They offer teacher training in new-energy vehicles, which you need" in html


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["visitor", "own member", "no institution"])
def test_institution_page_has_no_fit_box_for_visitors_or_own_institution(client, taxonomy, home, viewer):
    other = partner(taxonomy, "Liuzhou Auto College", country="CN", offers=[("training", "nev")])
    if viewer == "own member":
        client.force_login(member_of(other))
    elif viewer == "no institution":
        client.force_login(UserFactory(verified_email=True))

    response = client.get(other.get_absolute_url())

    assert response.status_code == 200
    assert "Why this partner" not in response.content.decode()


# --- A shared sector is a lead, not a match ---------------------------------------------------

AI = 50
TEACHING, COURSES, CURRICULA, EQUIPMENT = 5, 6, 7, 8


def test_score_lead_in_a_shared_sector_is_not_a_mutual_fit():
    me = profile(1, needs=frozenset({(TEACHING, AI)}), offers=frozenset({(EQUIPMENT, AI)}))
    sector_only = profile(2, offers=frozenset({(COURSES, AI)}), needs=frozenset({(CURRICULA, AI)}))

    fit = score_fit(me, sector_only)

    assert (fit.they_offer, fit.you_offer, fit.mutual) == (0.0, 0.0, False)
    assert [(m.offered, m.needed) for m in fit.leads] == [
        ((COURSES, AI), (TEACHING, AI)),
        ((EQUIPMENT, AI), (CURRICULA, AI)),
    ]


def test_score_one_exact_match_ranks_above_any_number_of_leads_both_ways():
    needs = frozenset({(TEACHING, AI), (CURRICULA, AI), (EQUIPMENT, AI)} | {(t, AI + 1) for t in range(10, 14)})
    offers = frozenset({(t, AI) for t in range(20, 24)} | {(t, AI + 1) for t in range(20, 24)})
    me = profile(1, needs=needs, offers=offers)
    exact_one_way = profile(2, "exact one way", needs=frozenset({(20, AI)}))
    leads_everywhere = profile(
        3,
        "leads everywhere",
        offers=frozenset({(t, AI) for t in range(30, 36)} | {(t, AI + 1) for t in range(30, 36)}),
        needs=frozenset({(t, AI) for t in range(40, 46)} | {(t, AI + 1) for t in range(40, 46)}),
    )

    assert order(me, [leads_everywhere, exact_one_way]) == ["exact one way", "leads everywhere"]


def test_score_lists_each_offer_once_whatever_the_needs_it_could_serve():
    me = profile(1, needs=frozenset({(TEACHING, AI), (CURRICULA, AI), (EQUIPMENT, AI)}))
    one_offer = profile(2, offers=frozenset({(COURSES, AI)}))
    exact_and_lead = profile(3, offers=frozenset({(TEACHING, AI)}))

    leads = score_fit(me, one_offer).leads
    exact_fit = score_fit(me, exact_and_lead)

    assert [m.offered for m in leads] == [(COURSES, AI)]
    assert [m.offered for m in exact_fit.matches] == [(TEACHING, AI)]
    assert exact_fit.leads == ()


@pytest.mark.django_db
def test_recommend_reasons_say_a_lead_is_not_what_is_needed(taxonomy, home):
    courses = CooperationTypeFactory(name="Online course sharing")
    other = partner(taxonomy, "Sector College", country="CN", offers=[("training", "nev")])
    OfferFactory(institution=other, cooperation_type=courses, sector=taxonomy["nev"])
    NeedFactory(institution=home, cooperation_type=taxonomy["internship"], sector=taxonomy["nev"])

    (recommendation,) = recommend(home)

    assert recommendation.mutual is False
    assert recommendation.reasons[:2] == [
        "They offer teacher training in new-energy vehicles, which you need",
        "A lead, not a match: they offer online course sharing in new-energy vehicles, "
        "and you need internship and employment placement there",
    ]
    assert explain(home, other).reasons == recommendation.reasons


@pytest.mark.django_db
def test_another_institution_of_ones_own_is_never_recommended(client, taxonomy, home):
    also_mine = partner(taxonomy, "Sister College", country="CN", offers=[("training", "nev")])
    strangers = [
        partner(taxonomy, f"Stranger College {n}", country="CN", offers=[("training", "nev")]) for n in range(6)
    ]
    user = member_of(home, role=Membership.Role.ADMIN)
    MembershipFactory(user=user, institution=also_mine)
    client.force_login(user)

    # The partner page and the dashboard leave it out and still fill their places with others.
    response = client.get(reverse("institutions:partners"))
    assert {r.institution for r in response.context["recommendations"]} == set(strangers)
    assert "Sister College" not in response.content.decode()
    dashboard = client.get(reverse("dashboard_partners")).content.decode()
    assert "Sister College" not in dashboard
    assert sum(f"Stranger College {n}" in dashboard for n in range(6)) == 6
    # Its page offers no fit either: it is the person's own.
    assert "Why this partner" not in client.get(also_mine.get_absolute_url()).content.decode()
    assert "Why this partner" in client.get(strangers[0].get_absolute_url()).content.decode()

    # Its other members, who are not in the first, see it recommended as before.
    client.force_login(member_of(home))
    assert also_mine in {r.institution for r in client.get(reverse("institutions:partners")).context["recommendations"]}
