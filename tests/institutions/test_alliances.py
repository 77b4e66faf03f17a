"""Alliance membership: asking to join, deciding, adding, changing and ending, with who may do
each, the emails through the outbox, the management page and the directory's alliance filter."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundEmail
from institutions import services_alliances as services
from institutions.errors import InstitutionError
from institutions.filters import DirectoryForm, Taxonomies, directory_search
from institutions.models import AllianceMembership, Institution, Membership
from tests.factories import InstitutionFactory, MembershipFactory, OfferFactory, UserFactory, make_secretariat

pytestmark = pytest.mark.django_db
Status = AllianceMembership.Status


@pytest.fixture
def alliance():
    return InstitutionFactory(name="Mekong Skills Alliance", slug="mekong-skills", kind=Institution.Kind.ALLIANCE)


@pytest.fixture
def alliance_admin(alliance):
    return MembershipFactory(institution=alliance, role=Membership.Role.ADMIN).user


@pytest.fixture
def college():
    return InstitutionFactory(name="Battambang Polytechnic", country="KH")


@pytest.fixture
def college_admin(college):
    return MembershipFactory(institution=college, role=Membership.Role.ADMIN, user__verified_email=True).user


def ask(alliance, college, college_admin, **kwargs):
    return services.alliance_membership_request(alliance=alliance, member=college, by=college_admin, **kwargs)


# --- Services ----------------------------------------------------------------------------------


def test_an_admin_asks_and_the_alliance_admins_are_emailed(alliance, alliance_admin, college, college_admin):
    membership = ask(alliance, college, college_admin, note="  We teach mechatronics.  ")

    assert (membership.status, membership.role, membership.requested_by) == (Status.REQUESTED, "member", college_admin)
    assert membership.note == "We teach mechatronics."
    email = OutboundEmail.objects.get()
    assert (email.kind, email.user) == ("onboarding", alliance_admin)
    assert email.context["template"] == "alliance_request"


def test_a_request_to_an_alliance_without_admins_goes_to_the_secretariat(alliance, college, college_admin):
    staff = make_secretariat(UserFactory())

    ask(alliance, college, college_admin)

    assert list(OutboundEmail.objects.values_list("user", flat=True)) == [staff.pk]


def test_a_participant_cannot_ask(alliance, college):
    participant = MembershipFactory(institution=college).user

    with pytest.raises(InstitutionError, match="Only an admin"):
        ask(alliance, college, participant)
    assert not AllianceMembership.objects.exists()


def test_an_admin_cannot_ask_for_another_institution(alliance, college):
    other_admin = MembershipFactory(role=Membership.Role.ADMIN).user

    with pytest.raises(InstitutionError):
        ask(alliance, college, other_admin)
    assert not AllianceMembership.objects.exists()


def test_a_second_request_is_refused_with_a_message(alliance, college, college_admin):
    ask(alliance, college, college_admin)

    with pytest.raises(InstitutionError, match="already asked to join"):
        ask(alliance, college, college_admin)
    assert AllianceMembership.objects.count() == 1


def test_a_member_cannot_ask_again(alliance, alliance_admin, college, college_admin):
    services.alliance_membership_approve(membership=ask(alliance, college, college_admin), by=alliance_admin)

    with pytest.raises(InstitutionError, match="already a member"):
        ask(alliance, college, college_admin)


def test_an_alliance_cannot_join_itself(alliance, alliance_admin):
    with pytest.raises(InstitutionError, match="itself"):
        ask(alliance, alliance, alliance_admin)


def test_only_an_alliance_takes_members(college, college_admin):
    other = InstitutionFactory(kind=Institution.Kind.UNIVERSITY)

    with pytest.raises(InstitutionError, match="not an alliance"):
        ask(other, college, college_admin)


def test_the_database_refuses_two_open_memberships_and_self_membership(alliance, college):
    AllianceMembership.objects.create(alliance=alliance, member=college, status=Status.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllianceMembership.objects.create(alliance=alliance, member=college, status=Status.REQUESTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllianceMembership.objects.create(alliance=alliance, member=alliance, status=Status.ACTIVE)


def test_the_alliance_admin_approves_and_the_members_admins_are_emailed(
    alliance, alliance_admin, college, college_admin
):
    membership = ask(alliance, college, college_admin)

    services.alliance_membership_approve(
        membership=membership, by=alliance_admin, role="founding_member", joined_on=date(2025, 12, 15)
    )

    membership.refresh_from_db()
    assert (membership.status, membership.role, membership.joined_on) == (
        Status.ACTIVE,
        "founding_member",
        date(2025, 12, 15),
    )
    assert membership.decided_by == alliance_admin
    decision = OutboundEmail.objects.get(context__template="alliance_approved")
    assert decision.user == college_admin
    assert "/alliances/mekong-skills/" in decision.context["values"]["url"]


def test_another_institutions_admin_cannot_approve(alliance, alliance_admin, college, college_admin):
    membership = ask(alliance, college, college_admin)
    stranger = MembershipFactory(role=Membership.Role.ADMIN).user

    with pytest.raises(InstitutionError, match="alliance's admins"):
        services.alliance_membership_approve(membership=membership, by=stranger)
    with pytest.raises(InstitutionError):
        services.alliance_membership_approve(membership=membership, by=college_admin)
    membership.refresh_from_db()
    assert membership.status == Status.REQUESTED


def test_the_secretariat_declines_and_the_institution_may_ask_again(alliance, college, college_admin):
    staff = make_secretariat(UserFactory())
    membership = ask(alliance, college, college_admin)

    services.alliance_membership_decline(membership=membership, by=staff)
    with pytest.raises(InstitutionError, match="already been decided"):
        services.alliance_membership_decline(membership=membership, by=staff)

    assert OutboundEmail.objects.filter(context__template="alliance_declined", user=college_admin).exists()
    again = ask(alliance, college, college_admin)
    assert again.status == Status.REQUESTED
    assert AllianceMembership.objects.filter(alliance=alliance, member=college).count() == 2


def test_adding_directly_approves_a_waiting_request(alliance, alliance_admin, college, college_admin):
    waiting = ask(alliance, college, college_admin)

    added = services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin, role="observer")

    assert added.pk == waiting.pk
    assert (added.status, added.role) == (Status.ACTIVE, "observer")


def test_changing_and_ending_a_membership(alliance, alliance_admin, college, college_admin):
    membership = services.alliance_membership_add(
        alliance=alliance, member=college, by=alliance_admin, joined_on=date(2024, 8, 21)
    )

    services.alliance_membership_update(
        membership=membership, by=alliance_admin, role="secretariat", joined_on=date(2024, 8, 20), note="Hosts it"
    )
    with pytest.raises(InstitutionError, match="before the joining date"):
        services.alliance_membership_end(membership=membership, by=college_admin, left_on=date(2024, 1, 1))
    # The member's own admins may leave.
    services.alliance_membership_end(membership=membership, by=college_admin, left_on=date(2025, 1, 31))

    membership.refresh_from_db()
    assert (membership.role, membership.note, membership.status, membership.left_on) == (
        "secretariat",
        "Hosts it",
        Status.LEFT,
        date(2025, 1, 31),
    )


def test_a_future_date_is_refused_by_the_service(alliance, alliance_admin, college):
    with pytest.raises(InstitutionError, match="future"):
        services.alliance_membership_add(
            alliance=alliance, member=college, by=alliance_admin, joined_on=timezone.localdate() + timedelta(days=3)
        )
    assert not AllianceMembership.objects.exists()


def test_a_participant_cannot_end_or_change(alliance, alliance_admin, college):
    membership = services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin)
    participant = MembershipFactory(institution=college).user

    with pytest.raises(InstitutionError):
        services.alliance_membership_end(membership=membership, by=participant)
    with pytest.raises(InstitutionError):
        services.alliance_membership_update(membership=membership, by=participant, role="observer", joined_on=None)
    membership.refresh_from_db()
    assert (membership.status, membership.role) == (Status.ACTIVE, "member")


# --- Pages -------------------------------------------------------------------------------------


def test_the_alliance_page_lists_members_by_country(client, alliance, alliance_admin, college):
    services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin, role="founding_member")
    thai = InstitutionFactory(name="Chiang Mai Technical College", country="TH")
    services.alliance_membership_add(alliance=alliance, member=thai, by=alliance_admin)

    response = client.get(reverse("alliances:detail", args=[alliance.slug]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Battambang Polytechnic" in content
    assert "Chiang Mai Technical College" in content
    assert [line.country.code for line in response.context["by_country"]] == ["KH", "TH"]
    assert response.context["by_country"][0].roles == [("founding member", 1)]


def test_the_alliance_page_of_an_institution_that_is_not_an_alliance_is_404(client, college):
    assert client.get(reverse("alliances:detail", args=[college.slug])).status_code == 404


def test_members_page_is_the_alliance_admins_and_404_for_others(client, alliance, alliance_admin, college_admin):
    url = reverse("institutions:alliance_members", args=[alliance.slug])

    client.force_login(college_admin)
    assert client.get(url).status_code == 404
    client.force_login(alliance_admin)
    assert client.get(url).status_code == 200


def test_join_from_the_alliance_page_then_approve_on_the_members_page(
    client, alliance, alliance_admin, college, college_admin
):
    client.force_login(college_admin)
    page = client.get(reverse("alliances:detail", args=[alliance.slug]))
    assert page.context["join_form"] is not None

    response = client.post(
        reverse("institutions:alliance_join", args=[alliance.slug]), {"member": college.pk, "note": "Hello"}
    )

    assert response.status_code == 302
    membership = AllianceMembership.objects.get()
    assert membership.status == Status.REQUESTED
    page = client.get(reverse("alliances:detail", args=[alliance.slug]))
    assert "waiting for the alliance's decision" in page.content.decode()

    client.force_login(alliance_admin)
    response = client.post(
        reverse("institutions:alliance_request_decide", args=[alliance.slug, membership.pk]),
        {"decision": "approve", "role": "member", "joined_on": ""},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE


def test_join_with_an_institution_one_does_not_administer_changes_nothing(client, alliance, college, college_admin):
    other = InstitutionFactory()
    client.force_login(college_admin)

    client.post(reverse("institutions:alliance_join", args=[alliance.slug]), {"member": other.pk})

    assert not AllianceMembership.objects.exists()


def test_a_future_joining_date_is_refused_with_a_message(client, alliance, alliance_admin, college):
    client.force_login(alliance_admin)
    later = timezone.localdate() + timedelta(days=3)

    response = client.post(
        reverse("institutions:alliance_member_add", args=[alliance.slug]),
        {"member": college.pk, "role": "member", "joined_on": later.isoformat()},
    )

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not AllianceMembership.objects.exists()
    # The institution chosen stays on offer, chosen, though no search found it on this page.
    assert f'<option value="{college.pk}" selected>' in str(response.context["add_form"]["member"])


def test_the_add_form_offers_only_the_institutions_found_by_name(client, alliance, alliance_admin, college):
    member = InstitutionFactory(name="Battambang Member College")
    services.alliance_membership_add(alliance=alliance, member=member, by=alliance_admin)
    InstitutionFactory(name="Battambang Rejected College", verification_status=Institution.Verification.REJECTED)
    unrelated = InstitutionFactory(name="Yunnan Vocational College")
    url = reverse("institutions:alliance_members", args=[alliance.slug])
    client.force_login(alliance_admin)

    select = client.get(url).context["add_form"]["member"]
    assert [value for value, _label in select.field.widget.choices] == [""]
    assert unrelated.name not in str(select)

    found = client.get(url, {"find": "battambang"}).context["add_form"]["member"]
    assert [str(value) for value, _label in found.field.widget.choices] == ["", str(college.pk)]
    assert "Battambang Polytechnic · Cambodia" in str(found)

    options = client.get(
        reverse("institutions:alliance_member_candidates", args=[alliance.slug]), {"find": "BATTAMBANG"}
    )
    assert options.status_code == 200
    assert f'value="{college.pk}"' in options.content.decode()
    assert "Member College" not in options.content.decode()
    assert "Rejected" not in options.content.decode()
    nothing = client.get(reverse("institutions:alliance_member_candidates", args=[alliance.slug]), {"find": "zzz"})
    assert "No institution matches" in nothing.content.decode()


def test_an_institution_added_without_searching_first_is_still_accepted(client, alliance, alliance_admin, college):
    client.force_login(alliance_admin)

    response = client.post(
        reverse("institutions:alliance_member_add", args=[alliance.slug]), {"member": college.pk, "role": "member"}
    )

    assert response.status_code == 302
    assert AllianceMembership.objects.get().member == college


def test_only_the_alliances_managers_search_its_candidates(client, alliance, college_admin):
    url = reverse("institutions:alliance_member_candidates", args=[alliance.slug])
    client.force_login(college_admin)
    assert client.get(url, {"find": "Battambang"}).status_code == 404
    client.logout()
    assert client.get(url, {"find": "Battambang"}).status_code == 302


def test_the_member_page_says_member_of(client, alliance, alliance_admin, college):
    services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin)

    content = client.get(college.get_absolute_url()).content.decode()

    assert "Member of" in content
    assert reverse("alliances:detail", args=[alliance.slug]) in content


# --- Directory ---------------------------------------------------------------------------------


def _search(params):
    taxonomies = Taxonomies.load()
    form = DirectoryForm(params, taxonomies=taxonomies)
    form.is_valid()
    return directory_search(form.directory_query(), taxonomies=taxonomies)


def test_the_directory_filters_and_counts_by_alliance(alliance, alliance_admin, college):
    outsider = InstitutionFactory(name="Outside College")
    left = InstitutionFactory(name="Former Member College")
    services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin)
    ended = services.alliance_membership_add(alliance=alliance, member=left, by=alliance_admin)
    services.alliance_membership_end(membership=ended, by=alliance_admin)

    result = _search({"alliance": [alliance.slug]})

    assert [i.name for i in result.institutions] == ["Battambang Polytechnic"]
    assert outsider not in result.institutions
    option = next(o for o in result.facets["alliance"] if o.value == alliance.slug)
    assert (option.count, option.selected) == (1, True)


def test_the_alliance_counts_follow_a_new_member(alliance, alliance_admin, college):
    services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin)
    # The first search keeps the counts in the cache; the new member must make them stale.
    first = next(o for o in _search({}).facets["alliance"] if o.value == alliance.slug)

    services.alliance_membership_add(alliance=alliance, member=InstitutionFactory(), by=alliance_admin)
    second = next(o for o in _search({}).facets["alliance"] if o.value == alliance.slug)

    assert (first.count, second.count) == (1, 2)


def test_an_unknown_alliance_in_the_directory_is_reported_not_fatal(client):
    response = client.get(reverse("institutions:list"), {"alliance": "no-such-alliance"})

    assert response.status_code == 200
    assert "left out" in response.content.decode()


def test_a_members_admin_leaves_from_the_alliance_page(client, alliance, alliance_admin, college, college_admin):
    membership = services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin)
    client.force_login(college_admin)
    assert (
        "Leave the alliance for Battambang Polytechnic"
        in client.get(reverse("alliances:detail", args=[alliance.slug])).content.decode()
    )

    response = client.post(reverse("institutions:alliance_member_end", args=[alliance.slug, membership.pk]))

    assert response.url == reverse("alliances:detail", args=[alliance.slug])
    membership.refresh_from_db()
    assert membership.status == Status.LEFT


def test_the_request_and_the_decision_are_in_the_audit_trail(client, alliance, alliance_admin, college, college_admin):
    client.force_login(college_admin)
    client.post(reverse("institutions:alliance_join", args=[alliance.slug]), {"member": college.pk})
    membership = AllianceMembership.objects.get()
    client.force_login(alliance_admin)
    client.post(
        reverse("institutions:alliance_request_decide", args=[alliance.slug, membership.pk]),
        {"decision": "decline"},
    )

    content_type = ContentType.objects.get_for_model(AllianceMembership)
    entries = list(LogEntry.objects.filter(content_type=content_type, object_pk=str(membership.pk)).order_by("pk"))
    assert [(e.action, e.actor) for e in entries] == [
        (LogEntry.Action.CREATE, college_admin),
        (LogEntry.Action.UPDATE, alliance_admin),
    ]
    assert entries[1].additional_data["institution"] == alliance.pk
    assert entries[1].additional_data["institutions"] == [college.pk]


def test_the_alliance_page_queries_do_not_grow_with_its_members(
    client, alliance, alliance_admin, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            member = InstitutionFactory()
            OfferFactory(institution=member)
            services.alliance_membership_add(alliance=alliance, member=member, by=alliance_admin)

    url = reverse("alliances:detail", args=[alliance.slug])
    add(1)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    add(5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_api_directory_filters_by_alliance(client, alliance, alliance_admin, college):
    services.alliance_membership_add(alliance=alliance, member=college, by=alliance_admin)
    InstitutionFactory(name="Outside College")

    body = client.get("/api/v1/institutions/", {"alliance": alliance.slug}).json()

    assert body["count"] == 1
    assert [option["value"] for option in body["facets"]["alliance"]] == [alliance.slug]
