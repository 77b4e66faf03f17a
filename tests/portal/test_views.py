from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from institutions.models import Membership
from mous.models import Mou
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    make_secretariat,
)

pytestmark = pytest.mark.django_db


def _past_event(**kwargs) -> Event:
    start = timezone.localdate() - timedelta(days=200)
    return EventFactory(start_date=start, end_date=start + timedelta(days=1), status=Event.Status.CLOSED, **kwargs)


def test_home_shows_upcoming_and_recent_events_but_not_drafts(client):
    upcoming = EventFactory(title="3rd China-SEA Partnership Workshop")
    recent = _past_event(title="2nd China-SEA Partnership Workshop")
    EventFactory(title="Unannounced forum", status=Event.Status.DRAFT)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert list(response.context["upcoming"]) == [upcoming]
    assert list(response.context["recent"]) == [recent]
    assert "Unannounced forum" not in response.content.decode()


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_for_a_participant_lists_their_institution_and_events(client):
    membership = MembershipFactory(
        user=UserFactory(verified_email=True), institution__name="Kampong Speu Institute of Technology"
    )
    registration = RegistrationFactory(user=membership.user, institution=membership.institution)
    client.force_login(membership.user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.context["memberships"] == [membership]
    assert response.context["registrations"] == [registration]
    assert response.context["secretariat"] is None
    assert response.context["pending_members"] is None
    assert "Kampong Speu Institute of Technology" in response.content.decode()


def test_dashboard_lists_the_meetings_a_participant_requested_and_received(client, event_with_matchmaking):
    setup = event_with_matchmaking
    client.force_login(setup.requester.user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.context["meetings"] == [setup.meeting]
    assert setup.recipient.institution.name in response.content.decode()

    client.force_login(setup.recipient.user)
    response = client.get(reverse("dashboard"))

    assert response.context["meetings"] == [setup.meeting]
    assert setup.requester.institution.name in response.content.decode()


def test_dashboard_for_an_institution_admin_lists_join_requests(client):
    admin = MembershipFactory(role=Membership.Role.ADMIN)
    pending = MembershipFactory(institution=admin.institution, status=Membership.Status.PENDING)
    MembershipFactory(status=Membership.Status.PENDING)  # another institution's request
    client.force_login(admin.user)

    response = client.get(reverse("dashboard"))

    assert response.context["is_institution_admin"] is True
    assert response.context["pending_members"] == [pending]


def test_dashboard_for_the_secretariat_shows_the_overview(client):
    user = make_secretariat(UserFactory())
    unverified = InstitutionFactory()
    RegistrationFactory(status=Registration.Status.PENDING)
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    overview = response.context["secretariat"]
    assert overview["pending_registrations"] == 1
    assert unverified in overview["unverified"]
    assert overview["jobs"] == {"last": None, "healthy": False}


def test_the_secretariats_overview_is_kept_until_something_changes(client, monkeypatch):
    """Kept for every member of the secretariat, and never stale: each change shows on the next view."""
    from portal import selectors

    computed = []
    original = selectors.institutions_awaiting_verification
    monkeypatch.setattr(selectors, "institutions_awaiting_verification", lambda: computed.append(1) or original())
    unverified = InstitutionFactory(name="Luang Prabang Technical College")
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    draft = EventFactory(status=Event.Status.DRAFT)
    client.force_login(make_secretariat(UserFactory()))

    def overview():
        return client.get(reverse("dashboard")).context["secretariat"]

    first = overview()
    assert unverified in first["unverified"]
    assert draft in first["draft_events"]
    colleague = make_secretariat(UserFactory())
    assert overview()["pending_registrations"] == first["pending_registrations"] == 1
    assert len(computed) <= 2  # a new colleague (a change of the portal app) is a change too
    computed.clear()
    overview()
    assert computed == []  # kept

    registration.status = Registration.Status.APPROVED
    registration.save(update_fields=["status"])
    assert overview()["pending_registrations"] == 0
    draft.status = Event.Status.PUBLISHED
    draft.save(update_fields=["status"])
    assert draft not in overview()["draft_events"]
    unverified.verification_status = "verified"
    unverified.save(update_fields=["verification_status"])
    after = overview()
    assert unverified not in after["unverified"]
    assert after["mous"] == 0
    MouFactory()
    assert overview()["mous"] == 1
    client.force_login(colleague)
    assert overview()["mous"] == 1


def test_dashboard_shows_background_jobs_running_after_a_heartbeat(client):
    from portal.tasks import heartbeat_task

    client.force_login(make_secretariat(UserFactory()))
    heartbeat_task.delay()

    response = client.get(reverse("dashboard"))

    assert response.context["secretariat"]["jobs"]["healthy"] is True


def test_draft_event_is_not_found_for_participants_and_visible_to_the_secretariat(client):
    event = EventFactory(status=Event.Status.DRAFT)
    url = event.get_absolute_url()
    client.force_login(MembershipFactory().user)

    assert client.get(url).status_code == 404

    client.force_login(make_secretariat(UserFactory()))
    assert client.get(url).status_code == 200


def test_event_page_counts_participants_by_country_without_personal_data(client):
    event = EventFactory()
    SessionFactory(event=event, title="Opening ceremony")
    for country in ("KH", "KH", "CN"):
        RegistrationFactory(event=event, institution=InstitutionFactory(country=country))
    RegistrationFactory(event=event, status=Registration.Status.PENDING)

    response = client.get(event.get_absolute_url())

    assert response.context["stats"]["participants"] == 3
    assert response.context["stats"]["institutions"] == 3
    assert response.context["countries"] == [
        {"country": "KH", "country_name": "Cambodia", "participants": 2, "institutions": 2},
        {"country": "CN", "country_name": "China", "participants": 1, "institutions": 1},
    ]
    content = response.content.decode()
    assert "Opening ceremony" in content
    assert "@example.org" not in content


def test_private_mou_is_not_found_for_outsiders_and_visible_to_a_party_member(client):
    party = MouPartyFactory(mou=MouFactory(is_public=False))
    MouPartyFactory(mou=party.mou)
    url = party.mou.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404

    client.force_login(MembershipFactory(institution=party.institution).user)
    assert client.get(url).status_code == 200


def test_registry_lists_public_signed_mous_only(client):
    public = MouFactory(is_public=True, title="Teacher training in intelligent manufacturing")
    MouFactory(is_public=False)
    MouFactory(is_public=True, status=Mou.Status.DRAFT, signed_on=None)

    response = client.get(reverse("mous:registry"))

    assert list(response.context["page_obj"]) == [public]


def test_institution_page_shows_local_script_name(client):
    institution = InstitutionFactory(
        name="Shenzhen Polytechnic University", name_local="深圳职业技术大学", country="CN"
    )

    response = client.get(institution.get_absolute_url())

    assert response.status_code == 200
    assert "深圳职业技术大学" in response.content.decode()


def test_unknown_institution_answers_404(client):
    assert client.get(reverse("institutions:detail", kwargs={"slug": "no-such-place"})).status_code == 404


# N+1 guards: the number of queries must not grow with the number of rows.


@pytest.mark.parametrize("item_count", [1, 3])
def test_home_query_count_is_constant(client, django_assert_num_queries, item_count):
    for _ in range(item_count):
        event = EventFactory()
        event.organisers.add(InstitutionFactory())
        RegistrationFactory(event=event)
        _past_event()

    with django_assert_num_queries(4):
        client.get(reverse("home"))


@pytest.mark.parametrize("item_count", [1, 3])
def test_registry_query_count_is_constant(client, django_assert_num_queries, item_count):
    for _ in range(item_count):
        mou = MouFactory(is_public=True, event=EventFactory())
        MouPartyFactory(mou=mou)
        MouPartyFactory(mou=mou)

    # The filter form's choices, the count, the page and its parties, whatever the number of MoUs.
    with django_assert_num_queries(7):
        client.get(reverse("mous:registry"))


@pytest.mark.parametrize("item_count", [1, 3])
def test_dashboard_query_count_is_constant(client, django_assert_num_queries, item_count):
    membership = MembershipFactory(role=Membership.Role.ADMIN)
    user = make_secretariat(membership.user)
    for _ in range(item_count):
        RegistrationFactory(user=user, institution=membership.institution)
        MouPartyFactory(institution=membership.institution)
        MembershipFactory(institution=membership.institution, status=Membership.Status.PENDING)
    client.force_login(user)

    # 19, then none: the secretariat's figures are kept for all its members and the sections
    # below them for this person, until something changes. The partners section and the meeting
    # funnel of every event, loaded after the first paint, ask their own.
    with django_assert_num_queries(19):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(0):
        client.get(reverse("dashboard"))


def test_missing_page_answers_404_with_the_portal_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "TVET Partnership Portal" in response.content.decode()
