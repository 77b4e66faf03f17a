"""The personal shortlist: saving, notes, removing, and who may see or change what."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.errors import InstitutionError
from institutions.models import Institution, Membership, ShortlistEntry
from institutions.selectors import shortlist_of
from institutions.services_shortlist import shortlist_entry_add
from tests.factories import InstitutionFactory, MembershipFactory, ShortlistEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def person(client):
    user = MembershipFactory(user=UserFactory(verified_email=True)).user
    client.force_login(user)
    return user


def add_url(institution) -> str:
    return reverse("institutions:shortlist_add", args=[institution.pk])


def remove_url(institution) -> str:
    return reverse("institutions:shortlist_remove", args=[institution.pk])


def notes(user) -> list[tuple[str, str]]:
    return [(entry.institution.name, entry.note) for entry in shortlist_of(user)]


def test_add_without_javascript_redirects_back_with_a_message(client, person):
    institution = InstitutionFactory(name="Liuzhou Auto College")

    response = client.post(add_url(institution), {"next": "/institutions/", "note": "Ask about NEV training"})

    assert response.status_code == 302
    assert response["Location"] == "/institutions/"
    assert notes(person) == [("Liuzhou Auto College", "Ask about NEV training")]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Liuzhou Auto College is on your shortlist."]


def test_add_with_htmx_returns_the_saved_button(client, person):
    institution = InstitutionFactory()

    response = client.post(add_url(institution), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved ✓" in html
    assert remove_url(institution) in html
    assert "<html" not in html
    assert ShortlistEntry.objects.filter(user=person, institution=institution).count() == 1


def test_add_twice_keeps_one_entry_and_its_note(client, person):
    institution = InstitutionFactory(name="Liuzhou Auto College")
    client.post(add_url(institution), {"note": "First thought"})

    client.post(add_url(institution))

    assert notes(person) == [("Liuzhou Auto College", "First thought")]


def test_add_with_a_too_long_note_changes_nothing(client, person):
    institution = InstitutionFactory()

    response = client.post(add_url(institution), {"note": "x" * 301})

    assert response.status_code == 302
    assert ShortlistEntry.objects.count() == 0
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("The note was not saved:")


def test_add_refuses_a_redirect_to_another_site(client, person):
    institution = InstitutionFactory()

    response = client.post(add_url(institution), {"next": "https://evil.example.com/"})

    assert response["Location"] == institution.get_absolute_url()


def test_add_rejected_institution_is_not_found(client, person):
    institution = InstitutionFactory(verification_status=Institution.Verification.REJECTED)

    response = client.post(add_url(institution))

    assert response.status_code == 404
    assert ShortlistEntry.objects.count() == 0


def test_add_is_post_only(client, person):
    institution = InstitutionFactory()

    response = client.get(add_url(institution))

    assert response.status_code == 405
    assert ShortlistEntry.objects.count() == 0


def test_visitor_is_sent_to_login_and_nothing_is_saved(client):
    institution = InstitutionFactory()

    add = client.post(add_url(institution))
    page = client.get(reverse("institutions:shortlist"))

    assert add.status_code == 302
    assert add["Location"].startswith(reverse("account_login"))
    assert page["Location"].startswith(reverse("account_login"))
    assert ShortlistEntry.objects.count() == 0


def test_remove_with_htmx_returns_the_save_button(client, person):
    entry = ShortlistEntryFactory(user=person)

    response = client.post(remove_url(entry.institution), **HTMX)

    assert "Save to shortlist" in response.content.decode()
    assert ShortlistEntry.objects.filter(pk=entry.pk).exists() is False


def test_remove_without_javascript_redirects_to_next(client, person):
    entry = ShortlistEntryFactory(user=person)

    response = client.post(remove_url(entry.institution), {"next": reverse("institutions:shortlist")})

    assert response["Location"] == reverse("institutions:shortlist")
    assert ShortlistEntry.objects.filter(pk=entry.pk).exists() is False


def test_remove_only_touches_ones_own_entry(client, person):
    others = ShortlistEntryFactory(note="Theirs")

    client.post(remove_url(others.institution))

    assert ShortlistEntry.objects.get(pk=others.pk).note == "Theirs"


def test_shortlist_page_lists_only_ones_own_entries(client, person):
    mine = ShortlistEntryFactory(user=person, note="Call in May", institution__name="Mine College")
    ShortlistEntryFactory(note="Not yours", institution__name="Their College")

    html = client.get(reverse("institutions:shortlist")).content.decode()

    assert [entry.pk for entry in client.get(reverse("institutions:shortlist")).context["entries"]] == [mine.pk]
    assert "Call in May" in html
    assert "Not yours" not in html
    assert "Their College" not in html


def test_shortlist_page_empty_state(client, person):
    html = client.get(reverse("institutions:shortlist")).content.decode()

    assert "Your shortlist is empty." in html


def test_shortlist_page_queries_do_not_grow_with_entries(client, person, django_assert_max_num_queries):
    ShortlistEntryFactory(user=person)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("institutions:shortlist"))
    for _ in range(4):
        ShortlistEntryFactory(user=person)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("institutions:shortlist"))

    assert len(response.context["entries"]) == 5


def test_note_edit_with_htmx_returns_the_row(client, person):
    entry = ShortlistEntryFactory(user=person, note="Old")

    form = client.get(reverse("institutions:shortlist_note", args=[entry.pk]), **HTMX)
    response = client.post(reverse("institutions:shortlist_note", args=[entry.pk]), {"note": "New"}, **HTMX)

    assert 'name="note"' in form.content.decode()
    assert "<html" not in response.content.decode()
    assert f'id="shortlist-entry-{entry.pk}"' in response.content.decode()
    assert "New" in response.content.decode()
    assert ShortlistEntry.objects.get(pk=entry.pk).note == "New"


def test_note_edit_without_javascript_redirects_to_the_shortlist(client, person):
    entry = ShortlistEntryFactory(user=person, note="Old")

    form_page = client.get(reverse("institutions:shortlist_note", args=[entry.pk]))
    response = client.post(reverse("institutions:shortlist_note", args=[entry.pk]), {"note": "New"})

    assert "<html" in form_page.content.decode()
    assert 'name="note"' in form_page.content.decode()
    assert response["Location"] == reverse("institutions:shortlist")
    assert ShortlistEntry.objects.get(pk=entry.pk).note == "New"


@pytest.mark.parametrize("htmx", [True, False])
def test_note_too_long_shows_an_error_and_changes_nothing(client, person, htmx):
    entry = ShortlistEntryFactory(user=person, note="Old")
    headers = HTMX if htmx else {}

    response = client.post(reverse("institutions:shortlist_note", args=[entry.pk]), {"note": "x" * 301}, **headers)

    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert ShortlistEntry.objects.get(pk=entry.pk).note == "Old"


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_entry_is_not_found(client, person, method):
    others = ShortlistEntryFactory(note="Theirs")

    response = getattr(client, method)(reverse("institutions:shortlist_note", args=[others.pk]), {"note": "Mine now"})

    assert response.status_code == 404
    assert ShortlistEntry.objects.get(pk=others.pk).note == "Theirs"


def test_institution_page_shows_the_toggle_to_signed_in_people_only(client):
    institution = InstitutionFactory()

    anonymous = client.get(institution.get_absolute_url()).content.decode()
    user = UserFactory(verified_email=True)
    ShortlistEntryFactory(user=user, institution=institution)
    client.force_login(user)
    saved = client.get(institution.get_absolute_url()).content.decode()

    assert add_url(institution) not in anonymous
    assert remove_url(institution) not in anonymous
    assert "Saved ✓" in saved
    assert remove_url(institution) in saved


def test_shortlist_of_is_empty_for_visitors():
    ShortlistEntryFactory()

    assert list(shortlist_of(AnonymousUser())) == []


# --- One's own institution: neither saved nor asked for a meeting ----------------------------


def meeting_url(institution) -> str:
    return f"{reverse('matchmaking:request_new')}?institution={institution.pk}"


@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.ADMIN])
def test_own_institution_page_offers_no_shortlist_or_meeting_to_its_members(client, role):
    institution = InstitutionFactory()
    user = MembershipFactory(institution=institution, role=role, user=UserFactory(verified_email=True)).user
    client.force_login(user)

    html = client.get(institution.get_absolute_url()).content.decode()

    assert add_url(institution) not in html
    assert "Save to shortlist" not in html
    assert meeting_url(institution) not in html
    assert "Request a meeting" not in html


def test_another_institution_page_offers_shortlist_and_meeting_to_a_member(client, person):
    other = InstitutionFactory()

    html = client.get(other.get_absolute_url()).content.decode()

    assert add_url(other) in html
    assert meeting_url(other) in html


def test_pending_member_may_still_save_the_institution(client):
    institution = InstitutionFactory()
    user = MembershipFactory(
        institution=institution, status=Membership.Status.PENDING, user=UserFactory(verified_email=True)
    ).user
    client.force_login(user)

    html = client.get(institution.get_absolute_url()).content.decode()

    assert add_url(institution) in html


def test_directory_card_of_ones_own_institution_has_no_shortlist_button(client, person):
    own = person.memberships.get().institution
    other = InstitutionFactory()

    html = client.get(reverse("institutions:list")).content.decode()

    assert add_url(own) not in html
    assert add_url(other) in html


def test_add_refuses_ones_own_institution_and_saves_nothing(client, person):
    own = person.memberships.get().institution

    response = client.post(add_url(own), {"next": "/institutions/"})
    htmx = client.post(add_url(own), **HTMX)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your own institution cannot be saved to your shortlist."
    ]
    assert "Your own institution cannot be saved to your shortlist." in htmx.content.decode()
    assert "Saved ✓" not in htmx.content.decode()
    assert ShortlistEntry.objects.filter(user=person).count() == 0


def test_shortlist_entry_add_refuses_a_member_of_the_institution(person):
    own = person.memberships.get().institution

    with pytest.raises(InstitutionError, match="Your own institution"):
        shortlist_entry_add(user=person, institution=own)

    assert ShortlistEntry.objects.count() == 0


def test_shortlist_page_offers_no_meeting_with_ones_own_institution(client, person):
    """An institution saved before joining it stays removable, but is not offered a meeting."""
    own = person.memberships.get().institution
    ShortlistEntryFactory(user=person, institution=own)
    other = ShortlistEntryFactory(user=person).institution

    html = client.get(reverse("institutions:shortlist")).content.decode()

    assert remove_url(own) in html
    assert meeting_url(own) not in html
    assert meeting_url(other) in html
