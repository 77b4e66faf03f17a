"""An alliance's page (its events and MoUs, each by its own visibility rule) and MoU parties that
sign on behalf of an alliance's members."""

import pytest
from django.urls import reverse

from events.forms import EventForm
from events.models import Event
from institutions.models import Institution, Membership
from mous.errors import MouError
from mous.forms import PartyForm
from mous.models import Mou
from mous.services import mou_save
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    UserFactory,
    make_secretariat,
)
from tests.mous.test_ceremony import URL, post_data, row, shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    return InstitutionFactory(name="Lancang Skills Network", slug="lancang-network", kind=Institution.Kind.ALLIANCE)


def page(client, alliance):
    return client.get(reverse("alliances:detail", args=[alliance.slug]))


def test_the_page_lists_the_events_it_organises_that_the_person_may_open(client, alliance):
    published = EventFactory(title="Lancang Network Forum", slug="lancang-forum")
    draft = EventFactory(title="Lancang Network Retreat", slug="lancang-retreat", status=Event.Status.DRAFT)
    published.organisers.add(alliance)
    draft.organisers.add(alliance)

    content = page(client, alliance).content.decode()
    assert "Lancang Network Forum" in content
    assert "Lancang Network Retreat" not in content

    client.force_login(MembershipFactory(institution=alliance, role=Membership.Role.ADMIN).user)
    assert "Lancang Network Retreat" in page(client, alliance).content.decode()


def test_visitors_see_its_public_mous_and_party_members_its_private_ones(client, alliance):
    partner = InstitutionFactory()
    public = MouFactory(title="Open Lancang Memorandum", is_public=True)
    private = MouFactory(title="Closed Lancang Memorandum")
    for mou in (public, private):
        MouPartyFactory(mou=mou, institution=alliance, on_behalf_of_members=mou is public)
        MouPartyFactory(mou=mou, institution=partner)

    content = page(client, alliance).content.decode()
    assert "Open Lancang Memorandum" in content
    assert "on behalf of its members" in content
    assert "Closed Lancang Memorandum" not in content

    client.force_login(MembershipFactory(institution=partner).user)
    assert "Closed Lancang Memorandum" in page(client, alliance).content.decode()
    client.force_login(make_secretariat(UserFactory()))
    assert "Closed Lancang Memorandum" in page(client, alliance).content.decode()


def test_only_an_alliance_signs_on_behalf_of_its_members(alliance):
    college = InstitutionFactory()

    form = PartyForm({"institution": college.pk, "on_behalf_of_members": "on"})
    assert not form.is_valid()
    assert "Only an alliance or network" in str(form.errors)
    assert PartyForm({"institution": alliance.pk, "on_behalf_of_members": "on"}).is_valid()

    mou = MouFactory.build(title="Refused memorandum")
    with pytest.raises(MouError):
        mou_save(
            mou=mou,
            parties=[{"institution": college, "on_behalf_of_members": True}, {"institution": alliance}],
        )


def test_the_mou_page_says_the_alliance_signs_on_behalf_of_its_members(client, alliance):
    mou = MouFactory(title="Network memorandum", is_public=True)
    MouPartyFactory(mou=mou, institution=alliance, on_behalf_of_members=True)
    MouPartyFactory(mou=mou)

    response = client.get(mou.get_absolute_url())

    assert "on behalf of its members" in response.content.decode()


def test_the_secretariats_event_form_offers_an_alliance_as_organiser(alliance):
    assert alliance in EventForm().fields["organisers"].queryset


def test_the_ceremony_lets_an_alliance_sign_on_behalf_of_its_members(client, roles, alliance):
    college = InstitutionFactory()
    client.force_login(roles["secretariat"])
    behalf = {**row("Network memorandum", alliance, college), "on_behalf_of_members": "on"}
    refused = {**row("Two colleges", college, InstitutionFactory()), "on_behalf_of_members": "on"}

    response = client.post(URL, post_data(shared_data(), [refused]))
    assert "No party of this MoU is an alliance" in response.content.decode()
    assert not Mou.objects.exists()

    client.post(URL, post_data(shared_data(), [behalf]))
    parties = {p.institution: p.on_behalf_of_members for p in Mou.objects.get().parties.all()}
    assert parties == {alliance: True, college: False}
