"""Who may do what to events, registrations and meetings, asked as ``user.has_perm(name, obj)``.

The people are the ``roles`` fixture (institutions A and B); fixtures below add the people
that only make sense around one object, such as the head of a delegation.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from institutions.models import Membership
from tests.factories import DelegationFactory, EventFactory, MembershipFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def allowed(*values):
    return pytest.param(*values, True, id="-".join([*values, "allowed"]))


def denied(*values):
    return pytest.param(*values, False, id="-".join([*values, "denied"]))


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        denied(Event.Status.DRAFT, "anonymous"),
        denied(Event.Status.DRAFT, "participant"),
        denied(Event.Status.DRAFT, "institution_admin"),
        allowed(Event.Status.DRAFT, "secretariat"),
        allowed(Event.Status.PUBLISHED, "anonymous"),
        allowed(Event.Status.PUBLISHED, "participant"),
        allowed(Event.Status.PUBLISHED, "secretariat"),
        allowed(Event.Status.CLOSED, "anonymous"),
        allowed(Event.Status.CLOSED, "participant"),
    ],
)
def test_view_event_by_status_and_role(roles, status, role, expected):
    event = EventFactory(status=status)

    assert roles[role].has_perm("events.open_event", event) == expected


def registration_window(name: str) -> dict:
    """Return the window's opening and closing times relative to now."""
    now, day = timezone.now(), timedelta(days=1)
    return {
        "no_window": {"registration_opens_at": None, "registration_closes_at": None},
        "open_window": {"registration_opens_at": now - day, "registration_closes_at": now + day},
        "window_closed": {"registration_opens_at": now - 2 * day, "registration_closes_at": now - day},
        "window_not_yet_open": {"registration_opens_at": now + day, "registration_closes_at": now + 2 * day},
    }[name]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        allowed("participant"),
        allowed("other_member"),
        allowed("institution_admin"),
        denied("pending_member"),
        denied("no_institution"),
        denied("secretariat"),
    ],
)
def test_register_for_event_in_open_window_by_role(roles, role, expected):
    event = EventFactory(**registration_window("open_window"))

    assert roles[role].has_perm("events.register_for_event", event) == expected


@pytest.mark.parametrize(
    ("window", "status", "expected"),
    [
        allowed("open_window", Event.Status.PUBLISHED),
        allowed("no_window", Event.Status.PUBLISHED),
        denied("window_closed", Event.Status.PUBLISHED),
        denied("window_not_yet_open", Event.Status.PUBLISHED),
        denied("open_window", Event.Status.DRAFT),
        denied("open_window", Event.Status.CLOSED),
    ],
)
def test_register_for_event_by_participant_depends_on_window_and_status(roles, window, status, expected):
    event = EventFactory(status=status, **registration_window(window))

    assert roles["participant"].has_perm("events.register_for_event", event) == expected


def test_register_for_event_that_has_ended_by_participant_denied(roles):
    last_week = timezone.localdate() - timedelta(days=7)
    event = EventFactory(start_date=last_week, end_date=last_week + timedelta(days=2))

    assert roles["participant"].has_perm("events.register_for_event", event) is False


@pytest.fixture
def participant_registration(roles):
    """Return the participant's registration, in a delegation headed by someone from a third institution.

    Adds ``head_of_delegation`` and ``head_of_other_delegation`` to ``roles``.
    """
    event = EventFactory()
    delegation = DelegationFactory(event=event, name="Cambodian delegation")
    head = RegistrationFactory(event=event, delegation=delegation)
    delegation.head = head
    delegation.save(update_fields=["head"])
    other_delegation = DelegationFactory(event=event, name="Lao delegation")
    other_head = RegistrationFactory(event=event, delegation=other_delegation)
    other_delegation.head = other_head
    other_delegation.save(update_fields=["head"])
    roles.people["head_of_delegation"] = head.user
    roles.people["head_of_other_delegation"] = other_head.user
    return RegistrationFactory(event=event, user=roles["participant"], delegation=delegation)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        allowed("participant"),
        denied("other_member"),
        allowed("head_of_delegation"),
        denied("head_of_other_delegation"),
        allowed("institution_admin"),
        denied("other_admin"),
        denied("pending_member"),
        allowed("secretariat"),
    ],
)
def test_view_registration_by_role(roles, participant_registration, role, expected):
    assert roles[role].has_perm("events.open_registration", participant_registration) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        denied("participant"),
        denied("other_member"),
        allowed("head_of_delegation"),
        denied("head_of_other_delegation"),
        denied("institution_admin"),
        denied("pending_member"),
        allowed("secretariat"),
    ],
)
def test_change_registration_by_role(roles, participant_registration, role, expected):
    assert roles[role].has_perm("events.manage_registration", participant_registration) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        allowed("participant"),
        denied("other_member"),
        allowed("head_of_delegation"),
        denied("head_of_other_delegation"),
        denied("institution_admin"),
        denied("pending_member"),
        allowed("secretariat"),
    ],
)
def test_cancel_registration_by_role(roles, participant_registration, role, expected):
    assert roles[role].has_perm("events.cancel_registration", participant_registration) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [denied("anonymous"), denied("participant"), denied("institution_admin"), allowed("secretariat")],
)
def test_check_in_by_role(roles, participant_registration, role, expected):
    assert roles[role].has_perm("events.check_in", participant_registration) == expected


@pytest.fixture
def meeting(roles, event_with_matchmaking):
    """Return the fixture's meeting, shared with a colleague of the requester.

    Adds ``requester``, ``recipient``, ``sharer`` and ``requester_admin`` (the admin of the
    requester's institution, who does not take part) to ``roles``.
    """
    setup = event_with_matchmaking
    colleague = MembershipFactory(institution=setup.requester.institution).user
    sharer = RegistrationFactory(event=setup.event, user=colleague)
    setup.meeting.sharers.add(sharer)
    roles.people.update(
        requester=setup.requester.user,
        recipient=setup.recipient.user,
        sharer=sharer.user,
        requester_admin=MembershipFactory(institution=setup.requester.institution, role=Membership.Role.ADMIN).user,
    )
    return setup.meeting


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        denied("anonymous"),
        allowed("requester"),
        allowed("recipient"),
        allowed("sharer"),
        denied("participant"),
        denied("institution_admin"),
        denied("pending_member"),
        allowed("secretariat"),
    ],
)
def test_view_meeting_by_role(roles, meeting, role, expected):
    assert roles[role].has_perm("matchmaking.open_meeting", meeting) == expected


def test_view_meeting_by_admin_of_requester_institution_allowed(roles, meeting):
    assert roles["requester_admin"].has_perm("matchmaking.open_meeting", meeting) is True


@pytest.mark.parametrize(("role", "expected"), [denied("participant"), denied("requester"), allowed("secretariat")])
def test_run_scheduler_by_role(roles, meeting, role, expected):
    assert roles[role].has_perm("matchmaking.run_scheduler", meeting.session) == expected
