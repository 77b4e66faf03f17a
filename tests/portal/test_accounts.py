import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "mekong-river-2026"


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_signup_verify_login_logout_round_trip(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "sok.dara@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Sok Dara",
            "preferred_language": "en",
            "time_zone": "Asia/Phnom_Penh",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="sok.dara@example.org")
    assert (user.display_name, user.time_zone) == ("Sok Dara", "Asia/Phnom_Penh")
    assert [m.to for m in mail.outbox] == [["sok.dara@example.org"]]

    # An unverified address cannot sign in: allauth sends another verification mail instead.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "sok.dara@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = _confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="sok.dara@example.org").verified is True

    response = client.post(reverse("account_login"), {"login": "Sok.Dara@example.org", "password": PASSWORD})
    assert response.status_code == 302
    # A newcomer is linked to no institution yet: first stop, finding theirs.
    assert response["Location"] == reverse("institutions:welcome")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("dashboard")).status_code == 200

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("account_login"))


def test_signup_with_taken_email_creates_nothing_and_reveals_nothing(client):
    get_user_model().objects.create_user(email="taken@example.org", password=PASSWORD)

    response = client.post(
        reverse("account_signup"),
        {
            "email": "TAKEN@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Someone",
            "preferred_language": "en",
            "time_zone": "Asia/Bangkok",
        },
    )

    # allauth prevents account enumeration: the form looks accepted, and the owner of the
    # address is told by email that someone tried to sign up with it.
    assert response.status_code == 302
    assert get_user_model().objects.count() == 1
    assert [m.to for m in mail.outbox] == [["taken@example.org"]]


def test_signup_with_unknown_time_zone_is_refused(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "New",
            "preferred_language": "en",
            "time_zone": "Mars/Olympus_Mons",
        },
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert get_user_model().objects.count() == 0


def test_password_reset_sends_a_link(client):
    get_user_model().objects.create_user(email="reset@example.org", password=PASSWORD)

    response = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_allauth_is_configured_for_verified_email_logins():
    assert {"email"} == settings.ACCOUNT_LOGIN_METHODS
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert settings.AUTH_USER_MODEL == "portal.User"


def test_rate_limits_are_on_outside_the_test_settings():
    from portal import settings as real_settings

    # allauth applies its built-in limits unless ACCOUNT_RATE_LIMITS is set (False disables them).
    assert not hasattr(real_settings, "ACCOUNT_RATE_LIMITS")
