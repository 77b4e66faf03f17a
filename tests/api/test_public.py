"""The public reads: the same results as the pages, public fields only, the caller's language."""

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from events.models import Event, Registration
from institutions.filters import DirectoryForm, Taxonomies, directory_search
from institutions.models import Institution
from mous.filters import RegistryForm, apply_filters
from mous.models import Mou
from mous.selectors import mou_list_for, registry_page
from tests.api.conftest import bearer, make_token
from tests.factories import (
    CooperationTypeFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    NeedFactory,
    OfferFactory,
    RegistrationFactory,
    SectorFactory,
    SessionFactory,
    UserFactory,
    make_secretariat,
)


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """A small directory, registry and two events, built once for the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            d = {}
            sector = SectorFactory(slug="robotics", name="Robotics", translations={"name": {"th": "หุ่นยนต์"}})
            kind = CooperationTypeFactory(slug="internships", name="Internships")
            d["institutions"] = [
                InstitutionFactory(
                    name=f"Mekong Robotics College {n}",
                    slug=f"mekong-robotics-{n}",
                    country=country,
                    contact_email=f"secret{n}@example.net",
                    description="Trains technicians.",
                    translations={"description": {"th": "ฝึกอบรมช่างเทคนิค"}},
                    verification_status=Institution.Verification.VERIFIED if n % 2 else "unverified",
                )
                for n, country in enumerate(["KH", "TH", "VN", "CN", "KH"])
            ]
            d["rejected"] = InstitutionFactory(
                slug="rejected-one", verification_status=Institution.Verification.REJECTED
            )
            first = d["institutions"][0]
            first.sectors.add(sector)
            OfferFactory(institution=first, sector=sector, cooperation_type=kind, note="Two places", capacity="2")
            NeedFactory(institution=first, sector=sector, cooperation_type=kind)
            d["public_mou"] = MouFactory(title="Mekong Public Memorandum", is_public=True, summary="Shared labs.")
            MouPartyFactory(mou=d["public_mou"], institution=d["institutions"][0])
            MouPartyFactory(mou=d["public_mou"], institution=d["institutions"][1])
            d["private_mou"] = MouFactory(title="Mekong Private Memorandum")
            MouPartyFactory(mou=d["private_mou"], institution=d["institutions"][2])
            MouPartyFactory(mou=d["private_mou"], institution=d["institutions"][3])
            d["event"] = EventFactory(
                title="Mekong Forum", slug="mekong-forum", translations={"title": {"th": "ฟอรัมแม่โขง"}}
            )
            SessionFactory(event=d["event"], title="Opening")
            person = UserFactory(display_name="Hidden Participantname")
            RegistrationFactory(event=d["event"], user=person, institution=first, status=Registration.Status.APPROVED)
            d["draft"] = EventFactory(slug="draft-forum", status=Event.Status.DRAFT)
            d["secretariat"] = make_secretariat(UserFactory())
            d["member"] = MembershipFactory(institution=first).user
            yield d
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client(data, db):
    return Client()


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


# The directory


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "robotics"}, {"country": ["KH"]}, {"country": ["ASEAN"], "verified": "on"}, {"sort": "updated"}],
    ids=str,
)
def test_the_directory_answers_what_the_page_shows(client, params):
    response = client.get("/api/v1/institutions/", params)

    taxonomies = Taxonomies.load()
    form = DirectoryForm(params, taxonomies=taxonomies)
    assert form.is_valid()
    expected = directory_search(form.directory_query(), taxonomies=taxonomies)
    assert response.status_code == 200
    assert slugs(response) == [i.slug for i in expected.institutions]
    assert response.json()["count"] == expected.total
    assert "rejected-one" not in slugs(response)
    assert {"country", "kind", "sector", "offers", "needs", "language", "verified"} <= set(response.json()["facets"])


def test_following_next_walks_the_whole_directory_once(client):
    seen, url = [], "/api/v1/institutions/?page_size=2&sort=name"
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]

    assert len(seen) == len(set(seen)) == Institution.objects.exclude(verification_status="rejected").count()


def test_a_forged_cursor_is_refused(client):
    assert client.get("/api/v1/institutions/?cursor=bm9wZQ").status_code == 404
    assert client.get("/api/v1/institutions/?cursor=cD05OTk%3D").status_code == 404  # p=999


def test_an_invalid_filter_is_a_translated_400(client):
    response = client.get("/api/v1/institutions/?kind=spaceship&lang=th")

    assert response.status_code == 400
    with translation.override("th"):
        expected = translation.gettext("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": "spaceship"
        }
    assert response.json()["errors"] == {"kind": [expected]}


# An institution's profile


def test_a_profile_shows_public_fields_in_the_callers_language(client, data):
    response = client.get("/api/v1/institutions/mekong-robotics-0/", HTTP_ACCEPT_LANGUAGE="th")

    body = response.json()
    assert response.status_code == 200
    assert body["description"] == "ฝึกอบรมช่างเทคนิค"
    assert body["text_languages"] == {"description": "th"}
    assert body["original_language"] == "en"
    assert body["translations"] == {"description": {"th": "ฝึกอบรมช่างเทคนิค"}}
    assert body["country"]["code"] == "KH"
    with translation.override("th"):
        from django_countries.fields import Country

        assert body["country"]["name"] == str(Country("KH").name) != "Cambodia"
    assert body["offers"][0]["sector"] == {"slug": "robotics", "name": "หุ่นยนต์"}
    assert body["offers"][0]["note"] == "Two places"
    assert len(body["needs"]) == 1
    assert "secret0@example.net" not in response.content.decode()
    assert "contact_email" not in body


def test_a_rejected_institution_is_not_found_but_by_its_members(client, data):
    assert client.get("/api/v1/institutions/rejected-one/").status_code == 404
    _token, plain = make_token(data["secretariat"])
    assert client.get("/api/v1/institutions/rejected-one/", headers=bearer(plain)).status_code == 200


# The MoU registry


@pytest.mark.parametrize("params", [{}, {"q": "mekong"}, {"country": "TH"}, {"status": "signed"}], ids=str)
def test_the_registry_answers_what_the_page_shows(client, data, params):
    response = client.get("/api/v1/mous/", params)

    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    form = RegistryForm(params, user=visitor)
    page = registry_page(
        apply_filters(mou_list_for(visitor), form.filters()), 1, per_page=25, load=mou_list_for(visitor)
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [mou.pk for mou in page.object_list]
    assert data["private_mou"].pk not in [item["id"] for item in response.json()["results"]]


def test_the_secretariat_lists_every_mou(client, data):
    _token, plain = make_token(data["secretariat"])

    response = client.get("/api/v1/mous/", headers=bearer(plain))

    assert response.json()["count"] == Mou.objects.count()


def test_one_mou_with_its_parties_and_no_document_for_the_public(client, data):
    body = client.get(f"/api/v1/mous/{data['public_mou'].pk}/").json()

    assert body["title"] == "Mekong Public Memorandum"
    assert body["summary"] == "Shared labs."
    assert [party["institution"] for party in body["parties"]] == ["mekong-robotics-0", "mekong-robotics-1"]
    assert body["document_available"] is False
    assert client.get(f"/api/v1/mous/{data['private_mou'].pk}/").status_code == 404


# Events


def test_events_list_public_events_only(client, data):
    response = client.get("/api/v1/events/?lang=th")

    assert [event["slug"] for event in response.json()["results"]] == ["mekong-forum"]
    assert response.json()["results"][0]["title"] == "ฟอรัมแม่โขง"


def test_an_event_shows_its_agenda_and_counts_never_names(client, data):
    response = client.get("/api/v1/events/mekong-forum/")

    body = response.json()
    assert [session["title"] for session in body["sessions"]] == ["Opening"]
    assert body["participation"] == [
        {"country": {"code": "KH", "name": "Cambodia"}, "participants": 1, "institutions": 1}
    ]
    assert "Hidden Participantname" not in response.content.decode()
    assert client.get("/api/v1/events/draft-forum/").status_code == 404


def test_events_can_be_filtered_and_refuse_unknown_values(client, data):
    assert client.get("/api/v1/events/?when=past").json()["results"] == []
    assert client.get("/api/v1/events/?when=someday").status_code == 400


# Statistics


def test_public_statistics_count_public_mous_only(client, data):
    body = client.get("/api/v1/statistics/").json()

    assert body["mous"]["total"] == 1
    assert body["institutions"]["total"] == 5
    assert body["events"]["public"] == 1
    _token, plain = make_token(data["secretariat"])
    assert client.get("/api/v1/statistics/", headers=bearer(plain)).json()["mous"]["total"] == 2


# Caching headers on real answers


def test_a_list_answers_304_to_its_etag_and_a_new_one_after_a_change(client, data):
    first = client.get("/api/v1/institutions/")
    assert client.get("/api/v1/institutions/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    InstitutionFactory(slug="a-newcomer")

    assert client.get("/api/v1/institutions/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_fast_list_items_equal_the_serializers_fields(client, data):
    """The directory's and registry's items are built directly; they carry exactly the fields
    the OpenAPI document gives them."""
    from api.serializers_public import InstitutionListSerializer, MouListSerializer

    institution = client.get("/api/v1/institutions/?q=robotics").json()["results"][0]
    mou = client.get("/api/v1/mous/").json()["results"][0]

    assert set(institution) == set(InstitutionListSerializer().fields)
    assert set(mou) == set(MouListSerializer().fields)
    assert institution["url"].endswith(f"/api/v1/institutions/{institution['slug']}/")
    assert mou["url"].endswith(f"/api/v1/mous/{mou['id']}/")
    assert mou["parties"][0]["country"]["code"] in {"KH", "TH"}
