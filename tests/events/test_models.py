import os
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Registration
from matchmaking.models import Meeting, MeetingRequest
from tests.factories import (
    DelegationFactory,
    EventFactory,
    FollowUpFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    RegistrationFactory,
    SessionFactory,
    SlotUnavailabilityFactory,
)

pytestmark = pytest.mark.django_db


def test_event_ending_before_it_starts_is_rejected():
    today = timezone.localdate()

    with pytest.raises(IntegrityError, match="event_ends_after_start"), transaction.atomic():
        EventFactory(start_date=today, end_date=today - timedelta(days=1))


def test_event_starting_and_ending_on_one_day_is_allowed():
    today = timezone.localdate()

    event = EventFactory(start_date=today, end_date=today)

    assert (event.end_date - event.start_date).days == 0


def test_event_registration_window_reversed_is_rejected():
    now = timezone.now()

    with pytest.raises(IntegrityError, match="event_registration_window_ordered"), transaction.atomic():
        EventFactory(registration_opens_at=now, registration_closes_at=now - timedelta(hours=1))


def test_event_registration_window_open_ended_is_allowed():
    event = EventFactory(registration_opens_at=timezone.now(), registration_closes_at=None)

    assert event.registration_closes_at is None


def test_session_ending_before_it_starts_is_rejected():
    event = EventFactory()

    with pytest.raises(IntegrityError, match="session_ends_after_start"), transaction.atomic():
        SessionFactory(event=event, ends_at=SessionFactory.build(event=event).starts_at - timedelta(minutes=1))


def test_meeting_slot_ending_before_it_starts_is_rejected():
    session = MatchmakingSessionFactory()

    with pytest.raises(IntegrityError, match="slot_ends_after_start"), transaction.atomic():
        MeetingSlotFactory(session=session, starts_at=session.starts_at, ends_at=session.starts_at)


def test_meeting_slot_starting_twice_in_one_session_is_rejected():
    slot = MeetingSlotFactory()

    with pytest.raises(IntegrityError, match="slot_unique_start_per_session"), transaction.atomic():
        MeetingSlotFactory(session=slot.session, starts_at=slot.starts_at)


def test_delegation_name_repeated_in_one_event_is_rejected():
    delegation = DelegationFactory(name="Cambodian delegation")

    with pytest.raises(IntegrityError, match="delegation_unique_name_per_event"), transaction.atomic():
        DelegationFactory(event=delegation.event, name="Cambodian delegation")


def test_registration_of_one_person_twice_for_one_event_is_rejected():
    registration = RegistrationFactory()

    with pytest.raises(IntegrityError, match="registration_unique_person_per_event"), transaction.atomic():
        RegistrationFactory(event=registration.event, user=registration.user)


def test_registration_of_one_person_for_two_events_is_allowed():
    registration = RegistrationFactory()

    RegistrationFactory(user=registration.user)

    assert Registration.objects.filter(user=registration.user).count() == 2


def test_registration_badge_tokens_are_long_random_and_unique():
    registrations = RegistrationFactory.create_batch(3)

    tokens = [registration.badge_token for registration in registrations]

    assert len(set(tokens)) == 3
    assert [len(token) >= 32 for token in tokens] == [True, True, True]
    assert [token == str(registration.pk) for registration, token in zip(registrations, tokens, strict=True)] == [
        False,
        False,
        False,
    ]
    # Tokens derived from a counter or a timestamp would share a prefix.
    assert len(os.path.commonprefix(tokens)) < 4


def test_registration_badge_token_repeated_is_rejected():
    registration = RegistrationFactory()

    with pytest.raises(IntegrityError, match="badge_token"), transaction.atomic():
        RegistrationFactory(badge_token=registration.badge_token)


def test_slot_unavailability_repeated_is_rejected():
    unavailability = SlotUnavailabilityFactory()

    with pytest.raises(IntegrityError, match="unavailability_unique"), transaction.atomic():
        SlotUnavailabilityFactory(registration=unavailability.registration, slot=unavailability.slot)


def test_meeting_request_with_oneself_is_rejected():
    registration = RegistrationFactory(event=MatchmakingSessionFactory().event)
    session = registration.event.sessions.get()

    with pytest.raises(IntegrityError, match="meeting_request_not_with_oneself"), transaction.atomic():
        MeetingRequestFactory(session=session, requester=registration, recipient=registration)


def test_meeting_request_without_any_recipient_is_rejected():
    with pytest.raises(IntegrityError, match="meeting_request_has_recipient"), transaction.atomic():
        MeetingRequestFactory(recipient=None, recipient_institution=None)


def test_meeting_request_to_an_institution_is_allowed():
    institution = InstitutionFactory()

    request = MeetingRequestFactory(recipient=None, recipient_institution=institution)

    assert list(institution.meeting_requests_received.all()) == [request]


def test_meeting_request_second_open_one_for_same_pair_is_rejected():
    request = MeetingRequestFactory()

    with pytest.raises(IntegrityError, match="meeting_request_unique_open_pair"), transaction.atomic():
        MeetingRequestFactory(session=request.session, requester=request.requester, recipient=request.recipient)


def test_meeting_request_for_same_pair_is_allowed_after_the_first_is_declined():
    request = MeetingRequestFactory(status=MeetingRequest.Status.DECLINED)

    MeetingRequestFactory(session=request.session, requester=request.requester, recipient=request.recipient)

    assert list(request.session.meeting_requests.order_by("pk").values_list("status", flat=True)) == [
        MeetingRequest.Status.DECLINED,
        MeetingRequest.Status.PENDING,
    ]


def test_meeting_request_open_in_the_other_direction_for_same_pair_is_rejected():
    request = MeetingRequestFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingRequestFactory(session=request.session, requester=request.recipient, recipient=request.requester)


def test_meeting_request_second_open_one_to_same_institution_is_rejected():
    institution = InstitutionFactory()
    request = MeetingRequestFactory(recipient=None, recipient_institution=institution)

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingRequestFactory(
            session=request.session, requester=request.requester, recipient=None, recipient_institution=institution
        )


def test_meeting_second_at_one_table_in_one_slot_is_rejected():
    meeting = MeetingFactory()
    other_request = MeetingRequestFactory(session=meeting.session, status=MeetingRequest.Status.ACCEPTED)

    with pytest.raises(IntegrityError, match="meeting_one_per_table_and_slot"), transaction.atomic():
        MeetingFactory(request=other_request, slot=meeting.slot, table_number=meeting.table_number)


def test_meeting_at_a_table_freed_by_a_cancelled_meeting_is_allowed():
    cancelled = MeetingFactory(status=Meeting.Status.CANCELLED)
    other_request = MeetingRequestFactory(session=cancelled.session, status=MeetingRequest.Status.ACCEPTED)

    MeetingFactory(request=other_request, slot=cancelled.slot, table_number=cancelled.table_number)

    assert list(
        cancelled.slot.meetings.filter(table_number=cancelled.table_number)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == [Meeting.Status.CANCELLED, Meeting.Status.PROVISIONAL]


def test_meeting_in_a_slot_without_a_table_is_rejected():
    with pytest.raises(IntegrityError, match="meeting_slot_needs_table"), transaction.atomic():
        MeetingFactory(table_number=None)


def test_meeting_not_yet_placed_needs_no_slot_or_table():
    meeting = MeetingFactory(slot=None, table_number=None)

    assert (meeting.slot, meeting.table_number) == (None, None)


def test_meeting_calendar_uids_are_unique():
    meetings = MeetingFactory.create_batch(2)

    assert meetings[0].uid != meetings[1].uid


def test_follow_up_step_repeated_for_same_meeting_and_person_is_rejected():
    follow_up = FollowUpFactory()

    with pytest.raises(IntegrityError, match="follow_up_unique_step"), transaction.atomic():
        FollowUpFactory(meeting=follow_up.meeting, recipient=follow_up.recipient, step=follow_up.step)


def test_follow_up_tokens_are_long_and_unique():
    follow_ups = FollowUpFactory.create_batch(2)

    assert follow_ups[0].token != follow_ups[1].token
    assert [len(follow_up.token) >= 32 for follow_up in follow_ups] == [True, True]
