"""Staff and secretariat members must hold a second factor before any of their pages opens."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from django.urls import reverse

from mous.models import Mou
from portal.adapters import MFAAdapter
from portal.backends import ModelBackend
from portal.demo import DEMO_ACCOUNTS
from portal.launch import development_environment
from portal.mfa import is_staff_or_secretariat
from tests.factories import (
    TEST_PASSWORD,
    EventFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    TOTPAuthenticatorFactory,
    UserFactory,
    make_secretariat,
    totp_code,
)
from tests.portal.production import run_production

pytestmark = pytest.mark.django_db


@pytest.fixture
def unprotected_secretariat():
    """A secretariat member with admin access (as the secretariat's accounts have) and no second factor."""
    return make_secretariat(UserFactory(verified_email=True, is_staff=True, second_factor=False), second_factor=False)


@pytest.fixture
def private_mou(tmp_path, monkeypatch):
    """A private MoU with a signed document, kept in a temporary folder."""
    monkeypatch.setattr(Mou._meta.get_field("document"), "storage", FileSystemStorage(location=tmp_path))
    mou = MouFactory()
    MouPartyFactory(mou=mou)
    MouPartyFactory(mou=mou)
    mou.document.save("stored.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    mou.document_name = "Signed MoU.pdf"
    mou.document_content_type = "application/pdf"
    mou.save()
    return mou


def secretariat_pages(mou: Mou) -> dict[str, str]:
    event = EventFactory()
    return {
        "dashboard": reverse("dashboard"),
        "outbox": reverse("outbox"),
        "admin": reverse("admin:index"),
        "mou document": reverse("mous:document", args=[mou.pk]),
        "event management": reverse("events:manage", args=[event.slug]),
    }


def webauthn_key(user, name: str = "Phone") -> Authenticator:
    """A stored WebAuthn key; only its row matters to the rules tested here."""
    return Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name})


def mark_recently_authenticated(client, user) -> None:
    """Record a password reauthentication just now, as allauth does, so that it is not asked again."""
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


# --- enforcement ------------------------------------------------------------------------------


def test_secretariat_pages_without_second_factor_redirect_to_set_up(client, unprotected_secretariat, private_mou):
    client.force_login(unprotected_secretariat)

    answers = {name: client.get(url) for name, url in secretariat_pages(private_mou).items()}

    assert {name: (r.status_code, r["Location"]) for name, r in answers.items()} == {
        name: (302, reverse("mfa_required")) for name in answers
    }


def test_secretariat_pages_with_second_factor_open(client, unprotected_secretariat, private_mou):
    TOTPAuthenticatorFactory(user=unprotected_secretariat)
    client.force_login(unprotected_secretariat)

    answers = {}
    for name, url in secretariat_pages(private_mou).items():
        response = client.get(url)
        b"".join(getattr(response, "streaming_content", []))  # reads and closes the file
        answers[name] = response.status_code

    assert answers == {
        "dashboard": 200,
        "outbox": 200,
        "admin": 200,
        "mou document": 200,
        "event management": 200,
    }


def test_staff_without_second_factor_redirected_from_admin(client):
    staff = UserFactory(verified_email=True, is_staff=True, is_superuser=True, second_factor=False)
    client.force_login(staff)

    response = client.get(reverse("admin:portal_user_changelist"))

    assert (response.status_code, response["Location"]) == (302, reverse("mfa_required"))


def test_htmx_request_without_second_factor_gets_client_redirect(client, unprotected_secretariat):
    client.force_login(unprotected_secretariat)

    response = client.get(reverse("outbox"), headers={"HX-Request": "true"})

    assert (response.status_code, response["HX-Redirect"]) == (200, reverse("mfa_required"))


def test_participant_without_second_factor_is_not_redirected(client):
    participant = MembershipFactory(user=UserFactory(verified_email=True)).user
    client.force_login(participant)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.context["is_secretariat"] is False


def test_webauthn_key_counts_as_second_factor(client, unprotected_secretariat):
    webauthn_key(unprotected_secretariat)
    client.force_login(unprotected_secretariat)

    assert client.get(reverse("outbox")).status_code == 200


def test_recovery_codes_alone_do_not_count(client, unprotected_secretariat):
    Authenticator.objects.create(
        user=unprotected_secretariat, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00", "used_mask": 0}
    )
    client.force_login(unprotected_secretariat)

    assert client.get(reverse("outbox"))["Location"] == reverse("mfa_required")


@pytest.mark.parametrize(
    "url_name", ["mfa_required", "mfa_index", "account_email", "account_reauthenticate", "healthz", "readyz"]
)
def test_set_up_pages_open_without_second_factor(client, unprotected_secretariat, url_name):
    client.force_login(unprotected_secretariat)

    response = client.get(reverse(url_name))

    assert response.status_code == 200


def test_sign_out_works_without_second_factor(client, unprotected_secretariat):
    client.force_login(unprotected_secretariat)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") is None


def test_set_up_page_explains_and_links_to_both_factors(client, unprotected_secretariat):
    client.force_login(unprotected_secretariat)

    response = client.get(reverse("mfa_required"))

    page = response.content.decode()
    assert (response.context["required"], response.context["has_factor"]) == (True, False)
    assert "officials&#x27; personal data" in page or "officials' personal data" in page
    assert (
        page.count(f'href="{reverse("mfa_activate_totp")}"'),
        page.count(f'href="{reverse("mfa_add_webauthn")}"'),
    ) == (
        1,
        1,
    )


def test_removed_factor_is_noticed_on_the_next_page(client, unprotected_secretariat):
    authenticator = TOTPAuthenticatorFactory(user=unprotected_secretariat)
    client.force_login(unprotected_secretariat)
    assert client.get(reverse("outbox")).status_code == 200

    authenticator.delete()
    session = client.session
    session["portal_second_factor_seen"] = [unprotected_secretariat.pk, time.time() - 301]
    session.save()

    assert client.get(reverse("outbox"))["Location"] == reverse("mfa_required")


# One step of tolerance: a code computed at the end of a 30-second step stays valid when posted.
@override_settings(MFA_TOTP_TOLERANCE=1)
def test_activating_an_authenticator_app_opens_the_secretariat_pages(client, unprotected_secretariat):
    signed_in = client.post(
        reverse("account_login"), {"login": unprotected_secretariat.email, "password": TEST_PASSWORD}
    )
    assert client.get(signed_in["Location"], follow=True).redirect_chain[-1][0] == reverse("mfa_required")
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    activate_page = client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post(reverse("mfa_activate_totp"), {"code": code})

    assert activate_page.status_code == 200
    assert activate_page.content.decode().count("<svg") == 1
    assert b"data:image" not in activate_page.content
    assert list(
        Authenticator.objects.filter(user=unprotected_secretariat).values_list("type", flat=True).order_by("type")
    ) == [
        "recovery_codes",
        "totp",
    ]
    assert client.get(reverse("outbox")).status_code == 200


# --- keeping the last factor ----------------------------------------------------------------


def test_secretariat_cannot_deactivate_their_only_authenticator_app(client, unprotected_secretariat):
    TOTPAuthenticatorFactory(user=unprotected_secretariat)
    client.force_login(unprotected_secretariat)
    mark_recently_authenticated(client, unprotected_secretariat)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Staff and secretariat members must keep a second factor: add another authenticator app or security key "
        "before you remove this one."
    ]
    assert Authenticator.objects.filter(user=unprotected_secretariat, type=Authenticator.Type.TOTP).count() == 1


def test_secretariat_cannot_remove_their_only_security_key(client, unprotected_secretariat):
    key = webauthn_key(unprotected_secretariat)
    client.force_login(unprotected_secretariat)
    mark_recently_authenticated(client, unprotected_secretariat)

    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))

    assert response["Location"] == reverse("mfa_list_webauthn")
    assert list(Authenticator.objects.filter(user=unprotected_secretariat)) == [key]


def test_secretariat_removes_a_security_key_while_keeping_an_app(client, unprotected_secretariat):
    app = TOTPAuthenticatorFactory(user=unprotected_secretariat)
    key = webauthn_key(unprotected_secretariat)
    client.force_login(unprotected_secretariat)
    mark_recently_authenticated(client, unprotected_secretariat)

    client.post(reverse("mfa_remove_webauthn", args=[key.pk]))

    assert list(Authenticator.objects.filter(user=unprotected_secretariat)) == [app]


def test_another_persons_security_key_is_not_found(client, unprotected_secretariat):
    key = webauthn_key(unprotected_secretariat)
    other = UserFactory(verified_email=True)
    client.force_login(other)
    mark_recently_authenticated(client, other)

    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))

    assert response.status_code == 404
    assert list(Authenticator.objects.filter(user=unprotected_secretariat)) == [key]


def test_participant_may_deactivate_their_only_authenticator_app():
    app = TOTPAuthenticatorFactory(user=UserFactory())

    assert MFAAdapter().can_delete_authenticator(app) is True


def test_secretariat_may_remove_one_of_two_factors():
    app = TOTPAuthenticatorFactory(user=make_secretariat(UserFactory(), second_factor=False))
    webauthn_key(app.user)

    assert MFAAdapter().can_delete_authenticator(app) is True


# One step of tolerance: a code computed at the end of a 30-second step stays valid when posted.
@override_settings(MFA_TOTP_TOLERANCE=1)
def test_sign_in_asks_the_secretariat_for_their_code(client):
    member = make_secretariat(UserFactory(verified_email=True))

    response = client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(member)})

    assert response["Location"] == reverse("mfa_authenticate")
    assert client.session["_auth_user_id"] == str(member.pk)


# --- the demo's waiver ------------------------------------------------------------------------


@override_settings(PORTAL_DEMO_WAIVE_MFA=True)
def test_demo_waiver_opens_secretariat_pages_without_second_factor(client, unprotected_secretariat):
    client.force_login(unprotected_secretariat)

    assert client.get(reverse("outbox")).status_code == 200


@override_settings(PORTAL_DEMO_WAIVE_MFA=True)
def test_demo_waiver_is_a_deployment_error():
    messages = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)

    assert [message.id for message in messages if message.id == "portal.E001"] == ["portal.E001"]


def test_without_the_waiver_there_is_no_deployment_error():
    messages = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)

    assert [message.id for message in messages if message.id == "portal.E001"] == []


def test_deployment_checks_fail_with_the_demo_waiver():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "ERROR", PORTAL_DEMO_WAIVE_MFA="1")

    assert result.returncode == 1
    assert "portal.E001" in result.stderr + result.stdout


@pytest.mark.parametrize(("waived", "landing"), [(True, "/dashboard/"), (False, "/accounts/second-factor/")])
def test_demo_secretariat_login_needs_a_second_factor_unless_waived(demo, client, waived, landing):
    account = next(account for account in DEMO_ACCOUNTS if account["role"] == "secretariat")

    with override_settings(PORTAL_DEMO_WAIVE_MFA=waived):
        client.post(reverse("account_login"), {"login": account["email"], "password": account["password"]})
        response = client.get(reverse("dashboard"), follow=True)

    assert response.request["PATH_INFO"] == landing


def test_demo_environment_waives_the_second_factor_unless_told_otherwise():
    assert development_environment({}, 8000)["PORTAL_DEMO_WAIVE_MFA"] == "1"
    assert development_environment({"PORTAL_DEMO_WAIVE_MFA": "0"}, 8000)["PORTAL_DEMO_WAIVE_MFA"] == "0"


# --- cost -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("secretariat", "expected"), [(True, True), (False, False)])
def test_signed_in_user_is_loaded_with_their_secretariat_membership(django_assert_num_queries, secretariat, expected):
    person = UserFactory()
    if secretariat:
        make_secretariat(person)
    user = ModelBackend().get_user(person.pk)

    with django_assert_num_queries(0):
        assert is_staff_or_secretariat(user) is expected
