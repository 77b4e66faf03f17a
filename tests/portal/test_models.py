import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from portal.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_user_email_is_the_login():
    user = User.objects.create_user(email="sok.dara@example.org", password="a-long-passphrase")

    authenticated = authenticate(email="sok.dara@example.org", password="a-long-passphrase")

    assert User.USERNAME_FIELD == "email"
    assert authenticated == user


def test_user_factory_password_logs_in():
    user = UserFactory()

    assert authenticate(email=user.email, password=TEST_PASSWORD) == user


def test_create_user_normalises_email_domain_and_grants_no_privileges():
    user = User.objects.create_user(email="Sok.Dara@EXAMPLE.ORG", password="a-long-passphrase")

    assert user.email == "Sok.Dara@example.org"
    assert user.check_password("a-long-passphrase") is True
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)


def test_create_user_without_email_is_rejected():
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email="", password="a-long-passphrase")


def test_create_superuser_is_staff_and_superuser():
    user = User.objects.create_superuser(email="root@example.org", password="a-long-passphrase")

    assert (user.is_staff, user.is_superuser) == (True, True)
    assert user.check_password("a-long-passphrase") is True


def test_user_email_differing_only_in_case_is_rejected_by_database():
    UserFactory(email="sok.dara@example.org")

    with pytest.raises(IntegrityError, match="portal_user_email_ci_unique"), transaction.atomic():
        UserFactory(email="Sok.Dara@example.org")


def test_user_str_uses_display_name():
    user = UserFactory(email="sok.dara@example.org", display_name="Dr. Sok Dara")

    assert str(user) == "Dr. Sok Dara"


def test_user_str_without_display_name_falls_back_to_email():
    user = UserFactory(email="sok.dara@example.org", display_name="")

    assert str(user) == "sok.dara@example.org"
