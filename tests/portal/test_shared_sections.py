"""Sections of signed-in pages kept once for all their readers (core.pagecache.shared_section):
fresh after every edit, per language, and never one person's data in another's page."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from events.models import Event
from institutions.models import Membership
from mous.models import Mou
from mous.services import refresh_party_countries
from tests.factories import EventFactory, InstitutionFactory, MembershipFactory, MouFactory, MouPartyFactory

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Secret Summit Of Ministers"


def shared_entries() -> list[str]:
    """The text of every shared section in the cache."""
    entries = []
    for key in list(cache._cache):  # noqa: SLF001 -- the test inspects what the cache holds
        if ":pagecache:shared:" in key:
            entries.append(cache.get(key.split(":", 2)[-1])["content"])
    return entries


@pytest.fixture
def registry(roles):
    """A public MoU of institutions A and B at a draft event organised by a third institution."""
    organiser = InstitutionFactory(name="Organiser College")
    organiser_admin = MembershipFactory(institution=organiser, role=Membership.Role.ADMIN).user
    event = EventFactory(title=DRAFT_TITLE, status=Event.Status.DRAFT)
    event.organisers.add(organiser)
    mou = MouFactory(title="Dual apprenticeship in railway maintenance", is_public=True, status=Mou.Status.ACTIVE)
    mou.event = event
    mou.save()
    MouPartyFactory(mou=mou, institution=roles.institution_a, position=0)
    MouPartyFactory(mou=mou, institution=roles.institution_b, position=1)
    refresh_party_countries(mou=mou)
    return {"mou": mou, "organiser_admin": organiser_admin}


def test_the_signed_in_registry_is_kept_once_and_shows_an_edit_on_the_next_request(client, roles, registry):
    client.force_login(roles["participant"])
    url = reverse("mous:registry")

    first = client.get(url).content.decode()
    assert len(shared_entries()) == 1
    mou = registry["mou"]
    mou.title = "Joint curriculum for railway signalling"
    mou.save()
    second = client.get(url).content.decode()

    assert "Dual apprenticeship in railway maintenance" in first
    assert "Joint curriculum for railway signalling" in second
    assert "Dual apprenticeship" not in second


def test_the_registry_kept_for_one_person_is_served_to_those_alike(client, roles, registry):
    url = reverse("mous:registry", query={"q": "railway"})
    client.force_login(roles["participant"])
    client.get(url)
    client.force_login(roles["other_member"])

    response = client.get(url)

    assert "Dual apprenticeship in railway maintenance" in response.content.decode()
    assert len(shared_entries()) == 1


def test_an_event_only_its_organisers_may_open_never_reaches_anyone_else(client, roles, registry):
    url = reverse("mous:registry")
    client.force_login(registry["organiser_admin"])
    organiser_page = client.get(url).content.decode()
    client.force_login(roles["participant"])
    participant_page = client.get(url).content.decode()
    results = client.get(url, headers={"HX-Request": "true"}).content.decode()
    client.force_login(registry["organiser_admin"])
    organiser_results = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert DRAFT_TITLE in organiser_page
    assert DRAFT_TITLE in organiser_results
    assert DRAFT_TITLE not in participant_page
    assert DRAFT_TITLE not in results
    assert len(shared_entries()) == 4  # two groups of readers, whole page and results


def test_the_secretariat_sees_its_own_registry(client, roles, registry):
    draft = MouFactory(title="Unpublished draft agreement", status=Mou.Status.DRAFT)
    MouPartyFactory(mou=draft)
    url = reverse("mous:registry")
    client.force_login(roles["secretariat"])
    secretariat_page = client.get(url).content.decode()
    client.force_login(roles["participant"])
    participant_page = client.get(url).content.decode()

    assert "Unpublished draft agreement" in secretariat_page
    assert "Log an MoU" in secretariat_page
    assert "Unpublished draft agreement" not in participant_page
    assert "Log an MoU" not in participant_page


def test_the_registry_is_kept_per_language(client, roles, registry):
    url = reverse("mous:registry")
    client.force_login(roles["participant"])
    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(url).content.decode()

    assert "Public MoU registry" in english
    assert "Public MoU registry" not in chinese
    assert len(shared_entries()) == 2


def test_shared_sections_hold_nobodys_name_nor_csrf_token(client, roles, registry):
    client.force_login(roles["participant"])
    page = client.get(reverse("mous:registry")).content.decode()

    assert roles["participant"].email in page or roles["participant"].display_name in page  # the menu is personal
    for entry in shared_entries():
        assert roles["participant"].email not in entry
        assert client.cookies[settings.CSRF_COOKIE_NAME].value not in entry


# ---- the directory -----------------------------------------------------------------------


def _remove_url(institution) -> str:
    return reverse("institutions:shortlist_remove", args=[institution.pk])


def _add_url(institution) -> str:
    return reverse("institutions:shortlist_add", args=[institution.pk])


def test_the_signed_in_directory_shows_an_edit_on_the_next_request(client, roles):
    url = reverse("institutions:list", query={"country": "CN"})
    client.force_login(roles["participant"])

    first = client.get(url).content.decode()
    institution = roles.institution_b
    institution.name = "Guangxi Polytechnic of Rail Transport"
    institution.save()
    second = client.get(url).content.decode()

    assert "Guangxi Vocational College" in first
    assert "Guangxi Polytechnic of Rail Transport" in second
    assert "Guangxi Vocational College" not in second
    assert len(shared_entries()) == 1


def test_each_reader_gets_their_own_shortlist_buttons_in_the_shared_directory(client, roles):
    from tests.factories import ShortlistEntryFactory

    ShortlistEntryFactory(user=roles["participant"], institution=roles.institution_b)
    url = reverse("institutions:list")
    client.force_login(roles["participant"])
    participant = client.get(url).content.decode()
    client.force_login(roles["other_member"])
    other = client.get(url).content.decode()
    client.force_login(roles["no_institution"])
    nobody = client.get(url).content.decode()

    # Saved by the participant, for them alone; nobody gets a button on their own institution.
    assert f'action="{_remove_url(roles.institution_b)}"' in participant
    assert f'action="{_add_url(roles.institution_a)}"' not in participant
    assert f'action="{_remove_url(roles.institution_a)}"' not in participant
    assert f'action="{_add_url(roles.institution_a)}"' in other
    assert f'action="{_add_url(roles.institution_b)}"' not in other
    assert f'action="{_remove_url(roles.institution_b)}"' not in other
    assert f'action="{_add_url(roles.institution_a)}"' in nobody
    assert f'action="{_add_url(roles.institution_b)}"' in nobody
    assert "<!--shortlist-slot:" not in participant + other + nobody
    # The participant and the other member share an entry (both may sort by fit); the person
    # without an institution, who may not, has one of their own.
    assert len(shared_entries()) == 2
    for entry in shared_entries():
        for institution in (roles.institution_a, roles.institution_b):
            assert _add_url(institution) not in entry
            assert _remove_url(institution) not in entry
        assert not re.search(r'value="[A-Za-z0-9]{64}"', entry)


def test_each_reader_gets_a_csrf_token_of_their_own_in_the_directory(client, roles):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    url = reverse("institutions:list")
    pages = []
    for person, browser in ((roles["participant"], client), (roles["no_institution"], Client())):
        browser.force_login(person)
        page = browser.get(url).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        pages.append((browser.cookies[settings.CSRF_COOKIE_NAME].value, token))

    for secret, token in pages:
        assert _unmask_cipher_token(token) == secret


def test_the_directory_is_kept_per_language_and_htmx_target(client, roles):
    url = reverse("institutions:list", query={"country": "KH"})
    client.force_login(roles["other_member"])
    english = client.get(url).content.decode()
    results = client.get(url, headers={"HX-Request": "true", "HX-Target": "directory-results"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(url).content.decode()

    assert "Directory of institutions" in english
    assert "Directory of institutions" not in chinese
    assert "<h1>" not in results
    assert f'action="{_add_url(roles.institution_a)}"' in results
    assert len(shared_entries()) == 3


def test_a_sort_by_fit_is_never_shared(client, roles):
    url = reverse("institutions:list", query={"sort": "fit"})
    client.force_login(roles["participant"])

    response = client.get(url)

    assert response.status_code == 200
    assert shared_entries() == []


def test_saving_to_the_shortlist_and_joining_an_institution_show_on_the_next_view(client, roles):
    from institutions.services_shortlist import shortlist_entry_add

    url = reverse("institutions:list")
    person = roles["no_institution"]
    client.force_login(person)
    before = client.get(url).content.decode()
    shortlist_entry_add(user=person, institution=roles.institution_b)
    saved = client.get(url).content.decode()
    MembershipFactory(user=person, institution=roles.institution_a)
    member = client.get(url).content.decode()

    assert f'action="{_add_url(roles.institution_b)}"' in before
    assert f'action="{_remove_url(roles.institution_b)}"' in saved
    assert f'action="{_add_url(roles.institution_a)}"' in saved
    assert f'action="{_add_url(roles.institution_a)}"' not in member
