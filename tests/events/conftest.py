"""Fixtures shared by the badge and check-in tests."""

import pytest

from events.models import Registration
from tests.factories import EventFactory, InstitutionFactory, MembershipFactory, RegistrationFactory, UserFactory


@pytest.fixture
def event(roles):
    """An event run by the organiser institution of the ``roles`` fixture."""
    event = EventFactory(title="Phnom Penh Exchange Week")
    event.organisers.add(roles.institution_a)
    return event


def register(event, *, name="", country="KH", institution=None, **kwargs) -> Registration:
    """Register a new person of ``institution`` (or of a new one in ``country``) for ``event``."""
    institution = institution or InstitutionFactory(country=country)
    user = MembershipFactory(user=UserFactory(display_name=name), institution=institution).user
    return RegistrationFactory(event=event, user=user, institution=institution, **kwargs)
