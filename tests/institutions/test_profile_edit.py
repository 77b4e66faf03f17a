"""Editing an institution's profile with its offers and needs: who may, and all-or-nothing saving."""

import pytest
from django.urls import reverse

from institutions.models import Institution, Need, Offer
from tests.factories import (
    CooperationTypeFactory,
    InstitutionFactory,
    NeedFactory,
    OfferFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def edit_url(institution: Institution) -> str:
    return reverse("institutions:edit", args=[institution.slug])


def profile_data(institution: Institution, *, offers=(), needs=(), **overrides) -> dict:
    """Return the POST data of the edit form: the profile fields, then one row per offer and need.

    ``offers``/``needs`` are dicts with cooperation_type, sector and optionally id, note,
    capacity and DELETE; existing rows must come first, as the form lists them.
    """
    data = {
        "name": institution.name,
        "name_local": institution.name_local,
        "acronym": institution.acronym,
        "kind": institution.kind,
        "country": str(institution.country),
        "province": institution.province,
        "city": institution.city,
        "website": institution.website,
        "description": institution.description,
        "contact_email": institution.contact_email,
    }
    for prefix, rows, model in (("offers", offers, Offer), ("needs", needs, Need)):
        initial = model.objects.filter(institution=institution).count()
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial)
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "30"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles["institution_admin"])
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("participant", 404),
        ("other_member", 404),
        ("other_admin", 404),
        ("pending_member", 404),
        ("no_institution", 404),
        ("institution_admin", 200),
        ("secretariat", 200),
    ],
)
def test_edit_page_by_role(client, roles, role, expected):
    client.force_login(roles[role])

    response = client.get(edit_url(roles.institution_a))

    assert response.status_code == expected
    if expected == 200:
        assert b'name="offers-TOTAL_FORMS"' in response.content


def test_edit_page_sends_visitors_to_sign_in(client, roles):
    response = client.get(edit_url(roles.institution_a))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["participant", "other_admin", "no_institution"])
def test_edit_post_by_someone_without_the_right_changes_nothing(client, roles, role):
    institution = roles.institution_a
    client.force_login(roles[role])

    response = client.post(edit_url(institution), profile_data(institution, description="Hijacked"))

    assert response.status_code == 404
    institution.refresh_from_db()
    assert institution.description == ""


def test_admin_saves_profile_offers_and_needs_together(admin_client, roles):
    institution = roles.institution_a
    internship, training = CooperationTypeFactory(name="Internship"), CooperationTypeFactory(name="Teacher training")
    logistics, nev = SectorFactory(name="Logistics"), SectorFactory(name="New-energy vehicles")

    response = admin_client.post(
        edit_url(institution),
        profile_data(
            institution,
            description="A polytechnic in Phnom Penh.",
            languages=["en", "km"],
            sectors=[logistics.pk],
            offers=[
                {"cooperation_type": internship.pk, "sector": logistics.pk, "capacity": "20 internship places a year"}
            ],
            needs=[{"cooperation_type": training.pk, "sector": nev.pk, "note": "Battery maintenance"}],
        ),
    )

    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.description == "A polytechnic in Phnom Penh."
    assert institution.languages == ["en", "km"]
    assert list(institution.sectors.all()) == [logistics]
    assert list(institution.offers.values_list("cooperation_type", "sector", "capacity")) == [
        (internship.pk, logistics.pk, "20 internship places a year")
    ]
    assert list(institution.needs.values_list("cooperation_type", "sector", "note")) == [
        (training.pk, nev.pk, "Battery maintenance")
    ]
    assert institution.offer_keys == [f"{internship.pk}:{logistics.pk}"]


def test_renaming_keeps_the_slug(admin_client, roles):
    institution = roles.institution_a
    slug = institution.slug

    admin_client.post(edit_url(institution), profile_data(institution, name="Phnom Penh Polytechnic Institute"))

    institution.refresh_from_db()
    assert (institution.name, institution.slug) == ("Phnom Penh Polytechnic Institute", slug)


def test_verification_status_cannot_be_set_by_an_admin(admin_client, roles):
    institution = roles.institution_a

    admin_client.post(edit_url(institution), profile_data(institution, verification_status="verified"))

    institution.refresh_from_db()
    assert institution.verification_status == Institution.Verification.UNVERIFIED


def test_duplicate_offer_rows_get_a_row_error_and_nothing_is_saved(admin_client, roles):
    institution = roles.institution_a
    kind, sector = CooperationTypeFactory(), SectorFactory()
    row = {"cooperation_type": kind.pk, "sector": sector.pk}

    response = admin_client.post(
        edit_url(institution), profile_data(institution, description="Changed", offers=[row, dict(row)])
    )

    assert response.status_code == 200
    assert "already listed above" in response.content.decode()
    institution.refresh_from_db()
    assert institution.description == ""
    assert institution.offers.count() == 0


def test_a_bad_need_row_means_the_profile_is_not_saved_either(admin_client, roles):
    institution = roles.institution_a
    kind = CooperationTypeFactory()

    response = admin_client.post(
        edit_url(institution),
        profile_data(institution, description="Changed", needs=[{"cooperation_type": kind.pk, "sector": ""}]),
    )

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    institution.refresh_from_db()
    assert institution.description == ""
    assert institution.needs.count() == 0


def test_rows_are_removed_with_delete(admin_client, roles):
    institution = roles.institution_a
    keep, drop = OfferFactory(institution=institution), OfferFactory(institution=institution)

    admin_client.post(
        edit_url(institution),
        profile_data(
            institution,
            offers=[
                {"id": keep.pk, "cooperation_type": keep.cooperation_type_id, "sector": keep.sector_id},
                {"id": drop.pk, "cooperation_type": drop.cooperation_type_id, "sector": drop.sector_id, "DELETE": "on"},
            ],
        ),
    )

    assert list(institution.offers.all()) == [keep]
    institution.refresh_from_db()
    assert institution.offer_keys == [f"{keep.cooperation_type_id}:{keep.sector_id}"]


def test_a_row_removed_and_added_again_in_one_save_is_accepted(admin_client, roles):
    institution = roles.institution_a
    old = NeedFactory(institution=institution)
    again = {"cooperation_type": old.cooperation_type_id, "sector": old.sector_id, "note": "again"}

    response = admin_client.post(
        edit_url(institution),
        profile_data(institution, needs=[{"id": old.pk, "DELETE": "on"}, again]),
    )

    assert response.status_code == 302
    assert list(institution.needs.values_list("note", flat=True)) == ["again"]


def test_rows_of_another_institution_cannot_be_deleted_through_the_form(admin_client, roles):
    foreign = OfferFactory(institution=roles.institution_b)

    admin_client.post(
        edit_url(roles.institution_a),
        profile_data(roles.institution_a, offers=[{"id": foreign.pk, "DELETE": "on"}], **{"offers-INITIAL_FORMS": "1"}),
    )

    assert Offer.objects.filter(pk=foreign.pk).exists()


def test_name_taken_in_the_same_country_gets_a_clear_message(admin_client, roles):
    InstitutionFactory(name="Kampong Speu Institute of Technology", country="KH")
    institution = roles.institution_a

    response = admin_client.post(
        edit_url(institution), profile_data(institution, name="kampong speu institute of technology")
    )

    assert "Another institution in this country already has this name." in response.content.decode()
    institution.refresh_from_db()
    assert institution.name == "Phnom Penh Polytechnic"


def test_website_without_scheme_gets_https(admin_client, roles):
    institution = roles.institution_a

    admin_client.post(edit_url(institution), profile_data(institution, website="www.ppp.edu.kh"))

    institution.refresh_from_db()
    assert institution.website == "https://www.ppp.edu.kh"


def test_add_button_without_javascript_adds_a_row_and_saves_nothing(admin_client, roles):
    institution = roles.institution_a

    response = admin_client.post(
        edit_url(institution), profile_data(institution, description="Not yet", add="offers", offers=[{}])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="offers-TOTAL_FORMS" value="2"' in content
    assert 'name="offers-1-cooperation_type"' in content
    institution.refresh_from_db()
    assert institution.description == ""


def test_add_row_fragment_has_the_next_index_and_counts_it(admin_client, roles):
    institution = roles.institution_a
    url = reverse("institutions:edit_row", args=[institution.slug, "needs"])

    response = admin_client.get(url, {"needs-TOTAL_FORMS": "3"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'name="needs-3-cooperation_type"' in content
    assert 'name="needs-3-DELETE"' in content
    assert 'id="id_needs-TOTAL_FORMS" hx-swap-oob="true"' in content
    assert 'name="needs-TOTAL_FORMS" value="4"' in content
    assert "<html" not in content


def test_add_row_fragment_is_denied_to_members(client, roles):
    client.force_login(roles["participant"])
    url = reverse("institutions:edit_row", args=[roles.institution_a.slug, "offers"])

    assert client.get(url, {"offers-TOTAL_FORMS": "1"}).status_code == 404


def test_removed_row_fragment_keeps_the_id_and_marks_delete(admin_client, roles):
    institution = roles.institution_a
    offer = OfferFactory(institution=institution)
    url = reverse("institutions:edit_row_removed", args=[institution.slug, "offers"])

    response = admin_client.get(url, {"prefix": "offers-0", "offers-0-id": str(offer.pk)})

    content = response.content.decode()
    assert f'name="offers-0-id" value="{offer.pk}"' in content
    assert 'name="offers-0-DELETE" value="on"' in content


def test_removed_row_fragment_refuses_a_foreign_prefix(admin_client, roles):
    url = reverse("institutions:edit_row_removed", args=[roles.institution_a.slug, "offers"])

    assert admin_client.get(url, {"prefix": "needs-0"}).status_code == 400


def test_edit_page_queries_do_not_grow_with_rows(admin_client, roles, django_assert_max_num_queries):
    institution = roles.institution_a
    OfferFactory(institution=institution)
    with django_assert_max_num_queries(30) as one:
        admin_client.get(edit_url(institution))
    for _ in range(5):
        OfferFactory(institution=institution)
        NeedFactory(institution=institution)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = admin_client.get(edit_url(institution))

    assert response.content.decode().count('class="formset-row"') == 6 + 5 + 2  # rows + one empty each


def test_other_members_see_no_edit_button(client, roles):
    client.force_login(roles["participant"])

    response = client.get(roles.institution_a.get_absolute_url())

    assert edit_url(roles.institution_a) not in response.content.decode()


def test_admins_see_the_edit_button(client, roles):
    client.force_login(roles["institution_admin"])

    response = client.get(roles.institution_a.get_absolute_url())

    assert edit_url(roles.institution_a) in response.content.decode()


# --- Texts in several languages -------------------------------------------------------------


def test_edit_page_offers_the_description_and_each_note_in_several_languages(admin_client, roles):
    institution = roles.institution_a
    institution.translations = {"description": {"km": "វិទ្យាស្ថានពហុបច្ចេកទេស"}}
    institution.save()
    OfferFactory(institution=institution, note="Workshops", translations={"note": {"zh-hans": "实训"}})

    content = admin_client.get(edit_url(institution)).content.decode()

    assert 'name="translation_description_km"' in content
    assert "វិទ្យាស្ថានពហុបច្ចេកទេស" in content
    assert 'name="original_language"' in content
    assert "Translations of the note" in content
    assert 'name="offers-0-translation_note_zh-hans"' in content
    assert 'name="offers-0-original_language"' in content
    assert "实训" in content


def test_admin_saves_translations_of_the_description_and_of_the_notes(admin_client, roles):
    institution = roles.institution_a
    kind, sector = CooperationTypeFactory(), SectorFactory()
    need = NeedFactory(institution=institution, note="Trainers", translations={"note": {"th": "ครูฝึก"}})

    response = admin_client.post(
        edit_url(institution),
        profile_data(
            institution,
            description="A polytechnic in Phnom Penh.",
            original_language="en",
            **{"translation_description_zh-hans": "金边的一所理工学院", "translation_description_km": " "},
            offers=[
                {
                    "cooperation_type": kind.pk,
                    "sector": sector.pk,
                    "note": "实习岗位",
                    "original_language": "zh-hans",
                    "translation_note_en": "Internship places",
                    "translation_note_zh-hans": "ignored: the original is Chinese",
                }
            ],
            needs=[
                {
                    "id": need.pk,
                    "cooperation_type": need.cooperation_type_id,
                    "sector": need.sector_id,
                    "note": "Trainers",
                    "translation_note_th": "",
                    "translation_note_vi": "Giảng viên",
                }
            ],
        ),
    )

    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.translations == {"description": {"zh-hans": "金边的一所理工学院"}}
    offer = institution.offers.get()
    assert (offer.original_language, offer.translations) == ("zh-hans", {"note": {"en": "Internship places"}})
    need.refresh_from_db()
    assert (need.original_language, need.translations) == ("en", {"note": {"vi": "Giảng viên"}})


def test_a_form_sent_without_the_language_keeps_the_stored_one(admin_client, roles):
    institution = roles.institution_a
    institution.original_language = "km"
    institution.save()

    response = admin_client.post(edit_url(institution), profile_data(institution, description="ពិពណ៌នា"))

    assert response.status_code == 302
    institution.refresh_from_db()
    assert (institution.description, institution.original_language) == ("ពិពណ៌នា", "km")


def test_a_translation_too_long_for_a_note_is_refused_and_nothing_is_saved(admin_client, roles):
    institution = roles.institution_a
    kind, sector = CooperationTypeFactory(), SectorFactory()

    response = admin_client.post(
        edit_url(institution),
        profile_data(
            institution,
            description="Changed",
            offers=[{"cooperation_type": kind.pk, "sector": sector.pk, "translation_note_km": "ក" * 301}],
        ),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "at most 300 characters" in content
    assert '<details class="note-translations" open>' in content  # the row's fold opens on its error
    institution.refresh_from_db()
    assert institution.description == ""
    assert institution.offers.count() == 0


def test_an_unknown_language_of_the_note_is_refused(admin_client, roles):
    institution = roles.institution_a
    kind, sector = CooperationTypeFactory(), SectorFactory()

    response = admin_client.post(
        edit_url(institution),
        profile_data(
            institution, offers=[{"cooperation_type": kind.pk, "sector": sector.pk, "original_language": "fr"}]
        ),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert institution.offers.count() == 0
