"""Staff and secretariat sessions end after inactivity and after a maximum age."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from portal.middleware import SEEN_AT_SESSION_KEY, SIGNED_IN_AT_SESSION_KEY
from tests.factories import MembershipFactory, UserFactory, make_secretariat

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 3600


def set_session_times(client, *, signed_in_ago: float, seen_ago: float) -> None:
    """Move the session's sign-in and last request into the past."""
    now = time.time()
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = now - signed_in_ago
    session[SEEN_AT_SESSION_KEY] = now - seen_ago
    session.save()


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def secretariat_client(client):
    client.force_login(make_secretariat(UserFactory(verified_email=True)))
    return client


def test_sign_in_stamps_the_session(secretariat_client):
    session = secretariat_client.session

    assert time.time() - session[SIGNED_IN_AT_SESSION_KEY] < MINUTE
    assert session[SIGNED_IN_AT_SESSION_KEY] == session[SEEN_AT_SESSION_KEY]


def test_secretariat_session_idle_past_the_limit_is_signed_out(secretariat_client):
    set_session_times(secretariat_client, signed_in_ago=HOUR, seen_ago=31 * MINUTE)

    response = secretariat_client.get(reverse("outbox"))

    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next=%2Foutbox%2F")
    assert signed_in_user_id(secretariat_client) is None


def test_secretariat_session_idle_within_the_limit_stays(secretariat_client):
    set_session_times(secretariat_client, signed_in_ago=HOUR, seen_ago=29 * MINUTE)

    response = secretariat_client.get(reverse("outbox"))

    assert response.status_code == 200
    assert time.time() - secretariat_client.session[SEEN_AT_SESSION_KEY] < MINUTE


def test_secretariat_session_past_the_maximum_age_is_signed_out_even_when_active(secretariat_client):
    set_session_times(secretariat_client, signed_in_ago=12 * HOUR + MINUTE, seen_ago=MINUTE)

    response = secretariat_client.get(reverse("dashboard"))

    assert response["Location"] == f"{reverse('account_login')}?next=%2Fdashboard%2F"
    assert signed_in_user_id(secretariat_client) is None


def test_signed_out_secretariat_member_is_told_why(secretariat_client):
    set_session_times(secretariat_client, signed_in_ago=HOUR, seen_ago=HOUR)

    response = secretariat_client.get(reverse("dashboard"), follow=True)

    assert [str(message) for message in response.context["messages"]] == ["Your session expired. Please sign in again."]


def test_htmx_request_of_an_expired_session_gets_client_redirect(secretariat_client):
    set_session_times(secretariat_client, signed_in_ago=HOUR, seen_ago=HOUR)

    response = secretariat_client.get(reverse("outbox"), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == f"{reverse('account_login')}?next=%2Foutbox%2F"
    assert signed_in_user_id(secretariat_client) is None


def test_staff_session_idle_past_the_limit_is_signed_out(client):
    client.force_login(UserFactory(verified_email=True, is_staff=True))
    set_session_times(client, signed_in_ago=HOUR, seen_ago=HOUR)

    response = client.get(reverse("admin:index"))

    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert signed_in_user_id(client) is None


@override_settings(PORTAL_STAFF_SESSION_IDLE_MINUTES=5, PORTAL_STAFF_SESSION_MAX_HOURS=1)
def test_limits_come_from_the_settings(secretariat_client, client):
    set_session_times(secretariat_client, signed_in_ago=10 * MINUTE, seen_ago=6 * MINUTE)

    response = secretariat_client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert signed_in_user_id(secretariat_client) is None


def test_participant_session_keeps_the_normal_age(client):
    participant = MembershipFactory(user=UserFactory(verified_email=True)).user
    client.force_login(participant)
    set_session_times(client, signed_in_ago=13 * 24 * HOUR, seen_ago=10 * HOUR)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert signed_in_user_id(client) == str(participant.pk)


def test_session_without_stamps_starts_counting_now(secretariat_client):
    session = secretariat_client.session
    del session[SIGNED_IN_AT_SESSION_KEY]
    del session[SEEN_AT_SESSION_KEY]
    session.save()

    response = secretariat_client.get(reverse("outbox"))

    assert response.status_code == 200
    assert time.time() - secretariat_client.session[SIGNED_IN_AT_SESSION_KEY] < MINUTE
