"""Writes on a person's own account that the portal's views ask for.

The preferences form and leaving the portal have their rules in ``portal.privacy``
(``user_preferences_update``, ``user_anonymise``); the outbox's retries in ``core.outbox``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.outbox import PREFERENCE_FIELDS

from .errors import PortalError

User = get_user_model()


def user_language_set(*, user: User, language: str) -> User:
    """Remember ``language`` as the interface language of ``user``; return the user.

    Side effects: saves ``preferred_language`` only. Raises ``PortalError`` for a language
    the portal does not offer. Idempotent: a language already chosen writes nothing.
    """
    if language not in dict(settings.LANGUAGES):
        raise PortalError(_("The portal is not offered in this language."))
    if user.preferred_language == language:
        return user
    user.preferred_language = language
    others = [field.name for field in User._meta.concrete_fields if field.name != "preferred_language"]
    user.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    user.save(update_fields=["preferred_language"])
    return user


def user_email_preference_turn_off(*, user: User, preference: str) -> bool:
    """Turn off the optional kind of email that the User field ``preference`` stands for.

    Used by the unsubscribe link in an email's footer. Side effects: saves that one field.
    Raises ``PortalError`` for a field that does not turn an optional email off.
    Idempotent: returns True when the preference was on and is now off, False when it was
    already off (nothing is written).
    """
    if preference not in PREFERENCE_FIELDS:
        raise PortalError(_("This kind of email cannot be turned off."))
    if not getattr(user, preference):
        return False
    setattr(user, preference, False)
    user.save(update_fields=[preference])
    return True
