"""Delegations of an event: who may set them up, their head and members, and what is refused."""

import pytest
from django.urls import reverse

from events.models import Delegation, Event, Registration
from tests.factories import DelegationFactory, EventFactory, InstitutionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

EXPECTED_ACCESS = [
    ("secretariat", 200),
    ("institution_admin", 200),
    ("participant", 404),
    ("other_admin", 404),
    ("no_institution", 404),
    ("anonymous", 302),
]


@pytest.fixture
def event(roles) -> Event:
    event = EventFactory()
    event.organisers.add(roles.institution_a)
    return event


@pytest.fixture
def delegation(event) -> Delegation:
    return DelegationFactory(event=event, name="Cambodian delegation", country="KH")


def login(client, roles, role: str):
    if role != "anonymous":
        client.force_login(roles[role])


def delegation_url(name: str, event, delegation=None) -> str:
    kwargs = {"slug": event.slug}
    if delegation is not None:
        kwargs["pk"] = delegation.pk
    return reverse(f"events:manage_delegation{name}", kwargs=kwargs)


@pytest.mark.parametrize(("role", "status"), EXPECTED_ACCESS)
@pytest.mark.parametrize("page", ["list", "new", "edit", "delete"])
def test_delegation_pages_permissions(client, roles, event, delegation, role, status, page):
    login(client, roles, role)
    urls = {
        "list": reverse("events:manage_delegations", kwargs={"slug": event.slug}),
        "new": delegation_url("_new", event),
        "edit": delegation_url("_edit", event, delegation),
        "delete": delegation_url("_delete", event, delegation),
    }
    response = client.get(urls[page])
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["participant", "other_admin", "anonymous"])
def test_others_cannot_add_change_or_delete_delegations(client, roles, event, delegation, role):
    login(client, roles, role)
    client.post(delegation_url("_new", event), {"name": "Thai delegation", "country": "TH"})
    client.post(delegation_url("_edit", event, delegation), {"name": "Renamed", "country": "KH"})
    client.post(delegation_url("_delete", event, delegation))
    assert list(event.delegations.values_list("name", flat=True)) == ["Cambodian delegation"]


def test_a_delegation_of_another_event_is_not_found(client, roles, event):
    elsewhere = DelegationFactory()
    client.force_login(roles["secretariat"])
    assert client.get(delegation_url("_edit", event, elsewhere)).status_code == 404
    assert client.post(delegation_url("_delete", event, elsewhere)).status_code == 404
    assert Delegation.objects.filter(pk=elsewhere.pk).exists()


def test_create_a_delegation_with_its_head_and_members(client, roles, event):
    lead = InstitutionFactory(name="National Polytechnic Institute of Cambodia", country="KH")
    head, member, outsider = (RegistrationFactory(event=event) for _ in range(3))
    client.force_login(roles["institution_admin"])
    response = client.post(
        delegation_url("_new", event),
        {
            "name": "Cambodian delegation",
            "country": "KH",
            "lead_institution": lead.pk,
            "head": head.pk,
            "members": [member.pk],
        },
    )
    assert response.status_code == 302
    delegation = event.delegations.get()
    assert (delegation.name, delegation.country.code, delegation.lead_institution) == (
        "Cambodian delegation",
        "KH",
        lead,
    )
    assert delegation.head == head
    # The head joins the members even when not ticked: heading is managing one's members.
    assert set(delegation.members.all()) == {head, member}
    outsider.refresh_from_db()
    assert outsider.delegation is None


def test_the_head_can_then_manage_the_members_registrations(client, roles, event):
    head = RegistrationFactory(event=event)
    member = RegistrationFactory(event=event)
    stranger = RegistrationFactory(event=event)
    client.force_login(roles["secretariat"])
    client.post(
        delegation_url("_new", event),
        {"name": "Thai delegation", "country": "TH", "head": head.pk, "members": [member.pk]},
    )
    member.refresh_from_db()
    stranger.refresh_from_db()
    assert head.user.has_perm("events.manage_registration", member)
    assert not head.user.has_perm("events.manage_registration", stranger)


def test_a_registration_already_in_another_delegation_cannot_be_taken(client, roles, event, delegation):
    taken = RegistrationFactory(event=event, delegation=delegation)
    client.force_login(roles["secretariat"])
    response = client.post(
        delegation_url("_new", event), {"name": "Thai delegation", "country": "TH", "members": [taken.pk]}
    )
    assert "members" in response.context["form"].errors
    response = client.post(
        delegation_url("_new", event), {"name": "Thai delegation", "country": "TH", "head": taken.pk}
    )
    assert "head" in response.context["form"].errors
    taken.refresh_from_db()
    assert taken.delegation == delegation
    assert event.delegations.count() == 1


def test_registrations_of_other_events_and_cancelled_ones_are_not_offered(client, roles, event):
    cancelled = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    elsewhere = RegistrationFactory()
    client.force_login(roles["secretariat"])
    for registration in (cancelled, elsewhere):
        response = client.post(
            delegation_url("_new", event), {"name": "Thai delegation", "country": "TH", "members": [registration.pk]}
        )
        assert "members" in response.context["form"].errors
    assert not event.delegations.exists()


def test_editing_replaces_the_members(client, roles, event, delegation):
    staying, leaving, joining = (RegistrationFactory(event=event) for _ in range(3))
    Registration.objects.filter(pk__in=[staying.pk, leaving.pk]).update(delegation=delegation)
    client.force_login(roles["institution_admin"])
    form = client.get(delegation_url("_edit", event, delegation)).context["form"]
    assert set(form.initial["members"]) == {staying.pk, leaving.pk}
    client.post(
        delegation_url("_edit", event, delegation),
        {"name": "Cambodian delegation", "country": "KH", "members": [staying.pk, joining.pk]},
    )
    assert set(delegation.members.all()) == {staying, joining}
    leaving.refresh_from_db()
    assert leaving.delegation is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "cambodian DELEGATION", "country": "KH"}, "name", "already has a delegation with this name"),
        ({"name": "", "country": "KH"}, "name", "This field is required."),
        ({"name": "Lao delegation", "country": "XX"}, "country", "Select a valid choice"),
    ],
)
def test_bad_delegations_are_refused_next_to_their_field(client, roles, event, delegation, data, field, message):
    client.force_login(roles["secretariat"])
    response = client.post(delegation_url("_new", event), data)
    assert message in " ".join(response.context["form"].errors[field])
    assert event.delegations.count() == 1


def test_the_same_name_is_fine_at_another_event(client, roles, event):
    DelegationFactory(name="Cambodian delegation")
    client.force_login(roles["secretariat"])
    client.post(delegation_url("_new", event), {"name": "Cambodian delegation", "country": "KH"})
    assert event.delegations.get().name == "Cambodian delegation"


def test_rejected_institutions_cannot_lead(client, roles, event):
    rejected = InstitutionFactory(verification_status="rejected")
    client.force_login(roles["secretariat"])
    response = client.post(
        delegation_url("_new", event), {"name": "X", "country": "KH", "lead_institution": rejected.pk}
    )
    assert "lead_institution" in response.context["form"].errors


def test_deleting_a_delegation_keeps_its_members_registrations(client, roles, event, delegation):
    member = RegistrationFactory(event=event, delegation=delegation)
    client.force_login(roles["institution_admin"])
    url = delegation_url("_delete", event, delegation)
    assert "Cambodian delegation" in client.get(url).content.decode()
    client.post(url)
    assert not Delegation.objects.filter(pk=delegation.pk).exists()
    member.refresh_from_db()
    assert member.delegation is None


def test_delegation_list_counts_members_and_bounds_its_queries(client, roles, event, django_assert_max_num_queries):
    def add_delegation():
        delegation = DelegationFactory(event=event)
        head = RegistrationFactory(event=event, delegation=delegation)
        RegistrationFactory(event=event, delegation=delegation)
        RegistrationFactory(event=event, delegation=delegation, status=Registration.Status.CANCELLED)
        delegation.head = head
        delegation.lead_institution = head.institution
        delegation.save()

    client.force_login(roles["secretariat"])
    url = reverse("events:manage_delegations", kwargs={"slug": event.slug})
    add_delegation()
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for _ in range(10):
        add_delegation()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    delegations = list(response.context["delegations"])
    assert len(delegations) == 11
    assert {d.member_count for d in delegations} == {2}
