"""Fixtures for composite setups; single objects come from ``tests.factories``."""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from events.models import Event, Meeting, MeetingRequest, MeetingSlot, Registration, Session
from institutions.models import Institution, Membership
from portal.models import User
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
    give_second_factor,
    make_secretariat,
)


@pytest.fixture(autouse=True)
def _reset_language_and_time_zone():
    """Start every test in English and UTC: middleware activates both per request, and
    nothing deactivates them after a test client's request."""
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture
def admin_user(db) -> User:
    """pytest-django's superuser (behind ``admin_client``), with the authenticator app that the
    portal requires of staff."""
    user = User.objects.filter(email="admin@example.com").first()
    if user is None:
        user = User.objects.create_superuser(email="admin@example.com", password="password")
    return give_second_factor(user)


@pytest.fixture
def secretariat_user(db) -> User:
    return make_secretariat(UserFactory(verified_email=True))


@pytest.fixture
def institution_admin(db) -> User:
    """A verified person who is the active admin of one institution."""
    return MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN).user


@dataclass
class Roles:
    """One person in each role the permission rules tell apart, around institutions A and B.

    - ``anonymous``: a visitor who is not logged in
    - ``participant``: verified, an active member of A
    - ``other_member``: verified, an active member of B
    - ``institution_admin``: verified, the active admin of A
    - ``other_admin``: verified, the active admin of B
    - ``pending_member``: verified, asked to join A as its admin and not yet approved
    - ``no_institution``: verified, with no membership anywhere
    - ``secretariat``: verified, in the Secretariat group, with no membership
    """

    institution_a: Institution
    institution_b: Institution
    people: dict[str, User | AnonymousUser] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User | AnonymousUser:
        return self.people[role]


@pytest.fixture
def roles(db) -> Roles:
    institution_a = InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")
    institution_b = InstitutionFactory(name="Guangxi Vocational College", country="CN")

    def member(institution, **kwargs) -> User:
        return MembershipFactory(user=UserFactory(verified_email=True), institution=institution, **kwargs).user

    return Roles(
        institution_a=institution_a,
        institution_b=institution_b,
        people={
            "anonymous": AnonymousUser(),
            "participant": member(institution_a),
            "other_member": member(institution_b),
            "institution_admin": member(institution_a, role=Membership.Role.ADMIN),
            "other_admin": member(institution_b, role=Membership.Role.ADMIN),
            "pending_member": member(institution_a, role=Membership.Role.ADMIN, status=Membership.Status.PENDING),
            "no_institution": UserFactory(verified_email=True),
            "secretariat": make_secretariat(UserFactory(verified_email=True)),
        },
    )


@dataclass
class MatchmakingSetup:
    event: Event
    session: Session
    slots: list[MeetingSlot]
    requester: Registration
    recipient: Registration
    request: MeetingRequest
    meeting: Meeting


@pytest.fixture
def event_with_matchmaking(db) -> MatchmakingSetup:
    """A published event with a matchmaking session of three slots and one accepted, placed meeting."""
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event)
    slots = [MeetingSlotFactory(session=session) for _ in range(3)]
    requester = RegistrationFactory(event=event, user=UserFactory(verified_email=True))
    recipient_membership = MembershipFactory(user=UserFactory(verified_email=True), institution__country="CN")
    recipient = RegistrationFactory(event=event, user=recipient_membership.user)
    request = MeetingRequestFactory(
        session=session, requester=requester, recipient=recipient, status=MeetingRequest.Status.ACCEPTED
    )
    meeting = MeetingFactory(request=request, slot=slots[0], table_number=1, status=Meeting.Status.PUBLISHED)
    return MatchmakingSetup(
        event=event,
        session=session,
        slots=slots,
        requester=requester,
        recipient=recipient,
        request=request,
        meeting=meeting,
    )
