"""An institution admin's API: the profile, offers and needs, through the profile page's rules."""

import pytest
from auditlog.models import LogEntry
from django.contrib.postgres.search import SearchQuery
from django.urls import reverse

from institutions.models import Institution, Membership, Need, Offer
from tests.api.people import READ, call, make_token
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    """A's admin (who also administers B) with a write token bound to A; A has one offer."""
    institution_a = InstitutionFactory(name="Angkor API Polytechnic", slug="angkor-api", country="KH")
    institution_b = InstitutionFactory(name="Beihai API College", slug="beihai-api", country="CN")
    admin = MembershipFactory(
        user=UserFactory(verified_email=True), institution=institution_a, role=Membership.Role.ADMIN
    ).user
    MembershipFactory(user=admin, institution=institution_b, role=Membership.Role.ADMIN)
    offer = OfferFactory(institution=institution_a)
    return {
        "a": institution_a,
        "b": institution_b,
        "admin": admin,
        "offer": offer,
        "token": make_token(admin, institution=institution_a),
    }


def profile_url(institution) -> str:
    return reverse("api:manage_institution", args=[institution.slug])


def snapshot(institution: Institution) -> dict:
    institution.refresh_from_db()
    return {
        "fields": {f.name: getattr(institution, f.name) for f in Institution._meta.concrete_fields},
        "sectors": sorted(institution.sectors.values_list("pk", flat=True)),
        "offers": sorted(Offer.objects.filter(institution=institution).values_list("pk", "sector_id", "capacity")),
        "needs": sorted(Need.objects.filter(institution=institution).values_list("pk", "sector_id")),
    }


def test_admin_reads_the_profile_with_its_private_fields(client, setup):
    setup["a"].contact_email = "office@angkor.example"
    setup["a"].save()

    response = call(client, "GET", profile_url(setup["a"]), setup["token"])

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "angkor-api"
    assert body["contact_email"] == "office@angkor.example"
    assert body["country"] == "KH"


def test_patch_saves_through_the_page_rules_with_audit_and_search(client, setup):
    sector = SectorFactory(slug="welding")
    url = profile_url(setup["a"])
    logged_before = set(LogEntry.objects.values_list("pk", flat=True))

    response = call(
        client,
        "PATCH",
        url,
        setup["token"],
        {
            "city": "Battambang",
            "website": "angkor.example",
            "description": "Mechatronics workshops",
            "translations": {"description": {"zh-hans": "机电一体化"}},
            "sectors": ["welding"],
            "languages": ["en", "km"],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["city"] == "Battambang"
    assert body["website"] == "https://angkor.example"  # the page's form assumes https
    assert body["translations"] == {"description": {"zh-hans": "机电一体化"}}
    institution = Institution.objects.get(pk=setup["a"].pk)
    assert list(institution.sectors.all()) == [sector]
    assert institution.languages == ["en", "km"]
    # The search columns follow, as after the page's save.
    assert Institution.objects.filter(pk=institution.pk, search_document=SearchQuery("Battambang")).exists()
    assert "机电" in " ".join(institution.search_grams)
    # The audit trail names the token's person.
    entries = list(LogEntry.objects.get_for_object(institution).exclude(pk__in=logged_before))
    assert entries
    assert {entry.actor for entry in entries} == {setup["admin"]}
    assert any("city" in entry.changes_dict for entry in entries)


def test_patch_keeps_what_it_does_not_name(client, setup):
    setup["a"].translations = {"description": {"km": "ស្វាគមន៍"}}
    setup["a"].description = "Welcome"
    setup["a"].save()

    response = call(client, "PATCH", profile_url(setup["a"]), setup["token"], {"city": "Kep"})

    assert response.status_code == 200
    setup["a"].refresh_from_db()
    assert setup["a"].translations == {"description": {"km": "ស្វាគមន៍"}}
    assert setup["a"].description == "Welcome"
    assert list(setup["a"].offers.all()) == [setup["offer"]]


def test_invalid_patch_answers_field_errors_in_the_callers_language_and_changes_nothing(client, setup):
    InstitutionFactory(name="Taken Name", country="KH")
    before = snapshot(setup["a"])

    response = call(
        client,
        "PATCH",
        profile_url(setup["a"]) + "?lang=zh-hans",
        setup["token"],
        {"name": "Taken Name", "website": "not a website", "city": "Kep"},
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert set(body["errors"]) == {"name", "website"}
    assert body["errors"]["website"] == ["输入一个有效的 URL。"]
    assert snapshot(setup["a"]) == before


def test_unknown_translation_language_is_refused(client, setup):
    before = snapshot(setup["a"])

    response = call(
        client, "PATCH", profile_url(setup["a"]), setup["token"], {"translations": {"description": {"xx": "?"}}}
    )

    assert response.status_code == 400
    assert "translations" in response.json()["errors"]
    assert snapshot(setup["a"]) == before


def test_token_bound_to_a_cannot_touch_b_although_the_person_administers_it(client, setup):
    before = snapshot(setup["b"])

    read = call(client, "GET", profile_url(setup["b"]), setup["token"])
    write = call(client, "PATCH", profile_url(setup["b"]), setup["token"], {"city": "Nanning"})
    offers = call(client, "GET", reverse("api:manage_offers", args=[setup["b"].slug]), setup["token"])

    assert (read.status_code, write.status_code, offers.status_code) == (404, 404, 404)
    assert snapshot(setup["b"]) == before


def test_read_token_reads_but_may_not_write(client, setup):
    token = make_token(setup["admin"], institution=setup["a"], scopes=READ)
    before = snapshot(setup["a"])

    assert call(client, "GET", profile_url(setup["a"]), token).status_code == 200
    assert call(client, "PATCH", profile_url(setup["a"]), token, {"city": "Kep"}).status_code == 403
    assert snapshot(setup["a"]) == before


def test_admin_removed_from_the_institution_loses_it_at_once(client, setup):
    Membership.objects.filter(user=setup["admin"], institution=setup["a"]).update(role=Membership.Role.MEMBER)

    assert call(client, "GET", profile_url(setup["a"]), setup["token"]).status_code == 404


# --- Offers and needs ----------------------------------------------------------------------------


def test_offers_are_listed_created_changed_and_deleted(client, setup):
    token, slug = setup["token"], setup["a"].slug
    kind, sector = CooperationTypeFactory(slug="internships"), SectorFactory(slug="tourism")

    listed = call(client, "GET", reverse("api:manage_offers", args=[slug]), token)
    created = call(
        client,
        "POST",
        reverse("api:manage_offers", args=[slug]),
        token,
        {
            "cooperation_type": "internships",
            "sector": "tourism",
            "note": "Hotel placements",
            "translations": {"note": {"km": "កន្លែងហាត់ការ"}},
        },
    )

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [setup["offer"].pk]
    assert created.status_code == 201, created.content
    offer = Offer.objects.get(pk=created.json()["id"])
    assert (offer.institution, offer.cooperation_type, offer.sector) == (setup["a"], kind, sector)
    assert offer.translations == {"note": {"km": "កន្លែងហាត់ការ"}}
    setup["a"].refresh_from_db()
    assert f"{kind.pk}:{sector.pk}" in setup["a"].offer_keys  # the matching keys follow

    url = reverse("api:manage_offer", args=[slug, offer.pk])
    changed = call(client, "PATCH", url, token, {"capacity": "12 places a year"})
    assert changed.status_code == 200
    assert changed.json()["capacity"] == "12 places a year"
    assert changed.json()["note"] == "Hotel placements"

    assert call(client, "DELETE", url, token).status_code == 204
    assert not Offer.objects.filter(pk=offer.pk).exists()
    assert call(client, "GET", url, token).status_code == 404


def test_the_same_type_and_sector_twice_is_refused_on_the_row_and_nothing_changes(client, setup):
    offer = setup["offer"]
    before = snapshot(setup["a"])

    response = call(
        client,
        "POST",
        reverse("api:manage_offers", args=[setup["a"].slug]),
        setup["token"],
        {"cooperation_type": offer.cooperation_type.slug, "sector": offer.sector.slug},
    )

    assert response.status_code == 400
    assert response.json()["errors"]["sector"] == [
        "This cooperation type and sector are already listed above; keep one row for them."
    ]
    assert snapshot(setup["a"]) == before


def test_unknown_sector_is_a_field_error(client, setup):
    response = call(
        client,
        "POST",
        reverse("api:manage_needs", args=[setup["a"].slug]),
        setup["token"],
        {"cooperation_type": setup["offer"].cooperation_type.slug, "sector": "no-such-sector"},
    )

    assert response.status_code == 400
    assert "sector" in response.json()["errors"]
    assert not Need.objects.filter(institution=setup["a"]).exists()


def test_another_institutions_offer_or_need_is_404_through_ones_own(client, setup):
    need_b = NeedFactory(institution=setup["b"])
    offer_b = OfferFactory(institution=setup["b"])

    for url in (
        reverse("api:manage_need", args=[setup["a"].slug, need_b.pk]),
        reverse("api:manage_offer", args=[setup["a"].slug, offer_b.pk]),
    ):
        assert call(client, "GET", url, setup["token"]).status_code == 404
        assert call(client, "PATCH", url, setup["token"], {"capacity": "x"}).status_code == 404
        assert call(client, "DELETE", url, setup["token"]).status_code == 404
    assert Need.objects.filter(pk=need_b.pk).exists()
    assert Offer.objects.filter(pk=offer_b.pk).exists()


def test_the_public_profile_page_follows_an_api_change(client, setup):
    page = reverse("institutions:detail", args=[setup["a"].slug])
    assert "Battambang" not in client.get(page).content.decode()  # now kept as a public page

    call(client, "PATCH", profile_url(setup["a"]), setup["token"], {"city": "Battambang"})

    assert "Battambang" in client.get(page).content.decode()
