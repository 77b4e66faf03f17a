"""The portal's own services: the writes its views ask for, and its one domain error."""

import inspect

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import privacy
from portal.errors import PortalError
from portal.privacy import PrivacyError
from portal.services import user_email_preference_turn_off, user_language_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_language_set_saves_the_language():
    user = UserFactory(preferred_language="en")

    user_language_set(user=user, language="zh-hans")

    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"


def test_user_language_set_writes_nothing_when_the_language_is_already_chosen():
    user = UserFactory(preferred_language="zh-hans")

    with CaptureQueriesContext(connection) as queries:
        user_language_set(user=user, language="zh-hans")

    assert len(queries) == 0


def test_user_language_set_refuses_a_language_the_portal_does_not_offer():
    user = UserFactory(preferred_language="en")

    with pytest.raises(PortalError, match="not offered in this language"):
        user_language_set(user=user, language="xx")

    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_user_email_preference_turn_off_turns_only_that_preference_off():
    user = UserFactory(email_follow_ups=True, email_request_digest=True)

    changed = user_email_preference_turn_off(user=user, preference="email_follow_ups")

    user.refresh_from_db()
    assert (changed, user.email_follow_ups, user.email_request_digest) == (True, False, True)


def test_user_email_preference_turn_off_is_idempotent():
    user = UserFactory(email_follow_ups=False)

    assert user_email_preference_turn_off(user=user, preference="email_follow_ups") is False


def test_user_email_preference_turn_off_refuses_any_other_field():
    user = UserFactory(is_staff=False)

    with pytest.raises(PortalError, match="cannot be turned off"):
        user_email_preference_turn_off(user=user, preference="is_active")

    user.refresh_from_db()
    assert user.is_active is True


def test_privacy_refusals_are_portal_errors():
    assert issubclass(PrivacyError, PortalError)


@pytest.mark.parametrize(
    "function",
    [
        user_language_set,
        user_email_preference_turn_off,
        privacy.user_preferences_update,
        privacy.user_anonymise,
        privacy.user_data_export,
        privacy.user_data_zip,
        privacy.institutions_left_without_admin,
        privacy.placeholder_email,
    ],
)
def test_portal_services_take_keyword_arguments_only(function):
    parameters = inspect.signature(function).parameters.values()

    assert [parameter.name for parameter in parameters if parameter.kind != parameter.KEYWORD_ONLY] == []
