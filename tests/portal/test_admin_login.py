"""Every sign-in to the admin goes through allauth, with its rate limits and second factor."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory, make_secretariat, totp_code

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def staff_secretariat():
    """A secretariat member with admin access and an authenticator app."""
    return make_secretariat(UserFactory(verified_email=True, is_staff=True))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_admin_login_with_correct_password_does_not_sign_in(client, staff_secretariat):
    response = client.post(
        f"{ADMIN_LOGIN}?next=/admin/", {"username": staff_secretariat.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert signed_in_user_id(client) is None
    assert client.get(reverse("outbox"))["Location"] == f"{reverse('account_login')}?next=/outbox/"


def test_admin_login_page_sends_visitors_to_the_portal_sign_in(client):
    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Flogin%2F"


# One step of tolerance: a code computed at the end of a 30-second step stays valid when posted.
@override_settings(MFA_TOTP_TOLERANCE=1)
def test_admin_sign_in_passes_the_second_factor_stage(client, staff_secretariat):
    login_url = client.post(ADMIN_LOGIN, {"username": staff_secretariat.email, "password": TEST_PASSWORD})["Location"]

    after_password = client.post(login_url, {"login": staff_secretariat.email, "password": TEST_PASSWORD})

    assert after_password["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None

    after_code = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_secretariat)})

    assert signed_in_user_id(client) == str(staff_secretariat.pk)
    assert after_code["Location"] == "/admin/login/"
    assert client.get(after_code["Location"])["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS={})  # allauth's defaults, which every real configuration uses
def test_admin_login_wrong_passwords_are_throttled_by_allauth(client, staff_secretariat):
    cache.clear()
    admin_answers = {
        client.post(ADMIN_LOGIN, {"username": staff_secretariat.email, "password": "wrong"})["Location"]
        for _attempt in range(20)
    }
    login_url = reverse("account_login")
    for _attempt in range(5):
        client.post(login_url, {"login": staff_secretariat.email, "password": "wrong"})

    response = client.post(login_url, {"login": staff_secretariat.email, "password": TEST_PASSWORD})

    cache.clear()
    assert admin_answers == {f"{login_url}?next=%2Fadmin%2Flogin%2F"}
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Too many failed login attempts. Try again later."]
    assert signed_in_user_id(client) is None


def test_admin_login_by_signed_in_staff_ignores_posted_credentials(client, staff_secretariat):
    other = make_secretariat(UserFactory(verified_email=True, is_staff=True, is_superuser=True))
    client.force_login(staff_secretariat)

    response = client.post(ADMIN_LOGIN, {"username": other.email, "password": TEST_PASSWORD})

    assert response["Location"] == reverse("admin:index")
    assert signed_in_user_id(client) == str(staff_secretariat.pk)


def test_admin_login_by_signed_in_participant_denied(client):
    participant = UserFactory(verified_email=True)
    client.force_login(participant)

    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 403
    assert signed_in_user_id(client) == str(participant.pk)
