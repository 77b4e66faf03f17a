"""The signed-in user is kept in the cache between requests, and never outlives a change."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from institutions.models import Membership
from institutions.permissions import SECRETARIAT_GROUP, active_institution_ids
from portal.backends import load_user
from tests.factories import MembershipFactory, UserFactory, give_second_factor, make_secretariat

pytestmark = pytest.mark.django_db

SECRETARIAT_LINE = "You are signed in as secretariat staff."


def _dashboard(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_signed_in_user_is_read_from_the_database_once(django_assert_num_queries):
    user = UserFactory()
    assert load_user(user.pk) == user

    with django_assert_num_queries(0):
        cached = load_user(user.pk)

    assert cached == user
    assert cached.portal_in_secretariat_group is False


def test_an_unknown_user_is_none_and_not_kept(django_assert_num_queries):
    assert load_user(987654321) is None
    with django_assert_num_queries(1):
        assert load_user(987654321) is None


def test_an_edit_of_the_user_shows_on_the_next_page(client):
    user = UserFactory(display_name="Old Name")
    client.force_login(user)
    assert "Welcome, Old Name" in _dashboard(client)

    user.display_name = "New Name"
    user.save()

    assert "Welcome, New Name" in _dashboard(client)


def test_preferences_saved_through_the_page_show_at_once(client):
    user = UserFactory(display_name="Old Name")
    client.force_login(user)
    _dashboard(client)

    client.post(reverse("preferences"), {"display_name": "Renamed", "preferred_language": "en", "time_zone": "UTC"})

    assert "Welcome, Renamed" in _dashboard(client)


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    _dashboard(client)

    user.is_active = False
    user.save()

    assert client.get(reverse("dashboard")).status_code == 302


def test_a_deleted_user_is_signed_out_on_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    _dashboard(client)

    user.delete()

    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize("side", ["user", "group"])
def test_joining_and_leaving_the_secretariat_shows_on_the_next_page(client, side):
    user = give_second_factor(UserFactory())
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    client.force_login(user)
    assert SECRETARIAT_LINE not in _dashboard(client)

    if side == "user":
        user.groups.add(group)
    else:
        group.user_set.add(user)
    assert SECRETARIAT_LINE in _dashboard(client)

    if side == "user":
        user.groups.remove(group)
    else:
        group.user_set.remove(user)
    assert SECRETARIAT_LINE not in _dashboard(client)


def test_clearing_the_group_and_renaming_it_show_on_the_next_page(client):
    user = make_secretariat(UserFactory())
    client.force_login(user)
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    assert SECRETARIAT_LINE in _dashboard(client)

    group.user_set.clear()
    assert SECRETARIAT_LINE not in _dashboard(client)

    group.user_set.add(user)
    assert SECRETARIAT_LINE in _dashboard(client)
    group.name = "Former secretariat"
    group.save()
    assert SECRETARIAT_LINE not in _dashboard(client)


def test_deleting_the_group_shows_on_the_next_page(client):
    user = make_secretariat(UserFactory())
    client.force_login(user)
    assert SECRETARIAT_LINE in _dashboard(client)

    Group.objects.get(name=SECRETARIAT_GROUP).delete()

    assert SECRETARIAT_LINE not in _dashboard(client)


def test_the_users_institutions_come_with_them_and_need_no_query(django_assert_num_queries):
    admin = MembershipFactory(role=Membership.Role.ADMIN)
    member = MembershipFactory(user=admin.user)
    MembershipFactory(user=admin.user, status=Membership.Status.PENDING)
    load_user(admin.user_id)

    with django_assert_num_queries(0):
        cached = load_user(admin.user_id)
        assert active_institution_ids(cached) == {admin.institution_id, member.institution_id}
        assert active_institution_ids(cached, admin_only=True) == {admin.institution_id}


def test_a_change_of_membership_shows_on_the_next_request():
    membership = MembershipFactory()
    user_id = membership.user_id
    assert active_institution_ids(load_user(user_id), admin_only=True) == set()

    membership.role = Membership.Role.ADMIN
    membership.save()
    assert active_institution_ids(load_user(user_id), admin_only=True) == {membership.institution_id}

    membership.status = Membership.Status.PENDING
    membership.save()
    assert active_institution_ids(load_user(user_id)) == set()

    other = MembershipFactory(user=membership.user)
    assert active_institution_ids(load_user(user_id)) == {other.institution_id}

    Membership.objects.filter(pk=other.pk).delete()
    assert active_institution_ids(load_user(user_id)) == set()
