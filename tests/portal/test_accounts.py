import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory, make_secretariat, totp_code

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


def signup(client, email: str, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Nguyen Lan",
            "preferred_language": "en",
            "time_zone": "Asia/Ho_Chi_Minh",
            **extra,
        },
    )


def test_confirming_in_the_browser_that_signed_up_signs_in_and_leads_on(client):
    response = signup(client, "lan@example.org")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    link = _confirmation_link(mail.outbox[0])

    response = client.post(link)

    user = get_user_model().objects.get(email="lan@example.org")
    assert response.status_code == 302
    # A newcomer is linked to no institution yet: first stop, finding theirs.
    assert response["Location"] == reverse("institutions:welcome")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified is True
    assert client.get(reverse("dashboard")).status_code == 200


def test_confirming_leads_to_the_page_sign_up_was_asked_for(client):
    wanted = reverse("institutions:partners")
    signup(client, "lan@example.org", next=wanted)

    response = client.post(_confirmation_link(mail.outbox[0]))

    assert response.status_code == 302
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_confirming_in_another_browser_verifies_without_signing_in(client, django_user_model):
    from django.test import Client

    signup(client, "lan@example.org")
    other_browser = Client()

    response = other_browser.post(_confirmation_link(mail.outbox[0]))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in other_browser.session
    assert EmailAddress.objects.get(email="lan@example.org").verified is True


def test_confirming_still_asks_a_secretariat_member_for_the_second_factor(client):
    """A secretariat member whose address is unconfirmed signs in, confirms it, then gives the code."""
    member = make_secretariat(UserFactory(email="sec@example.org"))
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=False)
    response = client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")

    response = client.post(_confirmation_link(mail.outbox[-1]))

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(member)})
    assert int(client.session["_auth_user_id"]) == member.pk
    assert response["Location"] == reverse("dashboard")


def test_confirming_sends_a_secretariat_member_without_a_factor_to_set_one_up(client):
    member = make_secretariat(UserFactory(email="sec@example.org"), second_factor=False)
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=False)
    client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})

    client.post(_confirmation_link(mail.outbox[-1]))

    assert int(client.session["_auth_user_id"]) == member.pk
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_required")


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
    assert settings.ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION is True
    assert settings.AUTH_USER_MODEL == "portal.User"


def test_rate_limits_are_on_outside_the_test_settings():
    from portal import settings as real_settings

    # allauth applies its built-in limits unless ACCOUNT_RATE_LIMITS is set (False disables them).
    assert not hasattr(real_settings, "ACCOUNT_RATE_LIMITS")


@pytest.mark.parametrize(("language", "expected"), [("km", "km"), ("lo", "lo"), ("zh-hans", "zh-hans"), ("en", "en")])
def test_signup_offers_the_language_the_page_is_read_in_as_the_preferred_one(client, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(reverse("account_signup"))

    assert response.context["form"]["preferred_language"].value() == expected
