"""A participant's API: registrations, meeting requests and the agenda, with the pages' rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundEmail
from events.models import Event, Registration, Session
from matchmaking.models import Meeting, MeetingRequest
from tests.api.people import READ, call, make_token
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    MembershipFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """Two approved participants of one event (A in Cambodia, B in China) at a matchmaking session."""
    event = EventFactory(slug="api-exchange")
    session = MatchmakingSessionFactory(event=event)
    institution_a = InstitutionFactory(slug="api-a", country="KH")
    institution_b = InstitutionFactory(slug="api-b", country="CN")
    user_a = MembershipFactory(user=UserFactory(verified_email=True), institution=institution_a).user
    user_b = MembershipFactory(user=UserFactory(verified_email=True), institution=institution_b).user
    return {
        "event": event,
        "session": session,
        "a": institution_a,
        "b": institution_b,
        "user_a": user_a,
        "user_b": user_b,
        "reg_a": RegistrationFactory(event=event, user=user_a, institution=institution_a),
        "reg_b": RegistrationFactory(event=event, user=user_b, institution=institution_b),
        "token_a": make_token(user_a),
        "token_b": make_token(user_b, institution=institution_b),
    }


# --- Registrations -------------------------------------------------------------------------------


def test_register_lists_and_cancels_as_the_pages_do(client, people):
    other = EventFactory(slug="api-workshop")
    url = reverse("api:my_registrations")

    created = call(client, "POST", url, people["token_a"], {"event": "api-workshop", "job_title": "Dean"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["institution"]["slug"], body["job_title"]) == ("pending", "api-a", "Dean")
    registration = Registration.objects.get(event=other, user=people["user_a"])
    assert body["id"] == registration.pk

    listed = call(client, "GET", url, people["token_a"]).json()["results"]
    assert {row["event"]["slug"] for row in listed} == {"api-exchange", "api-workshop"}

    cancel_url = reverse("api:my_registration_cancel", args=[registration.pk])
    cancelled = call(client, "POST", cancel_url, people["token_a"])
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    # Cancelling again answers the same state.
    again = call(client, "POST", cancel_url, people["token_a"])
    assert (again.status_code, again.json()["status"]) == (200, "cancelled")


def test_registering_twice_is_a_conflict_and_writes_nothing(client, people):
    before = list(Registration.objects.values_list("pk", "status"))

    response = call(client, "POST", reverse("api:my_registrations"), people["token_a"], {"event": "api-exchange"})

    assert response.status_code == 409
    assert response.json()["detail"] == "You are already registered for this event."
    assert list(Registration.objects.values_list("pk", "status")) == before


def test_closed_registration_is_refused_in_the_callers_language(client, people):
    EventFactory(slug="api-closed", registration_closes_at=timezone.now() - timedelta(hours=1))

    response = call(
        client,
        "POST",
        reverse("api:my_registrations"),
        people["token_a"],
        {"event": "api-closed"},
        HTTP_ACCEPT_LANGUAGE="fr",  # not a portal language: English
    )
    draft = call(client, "POST", reverse("api:my_registrations"), people["token_a"], {"event": "no-such-event"})

    assert response.status_code == 400
    assert response.json()["errors"]["event"] == ["Registration for this event is not open."]
    assert draft.status_code == 400
    assert "event" in draft.json()["errors"]
    assert not Registration.objects.filter(event__slug="api-closed").exists()


def test_register_for_an_institution_one_does_not_belong_to_is_refused(client, people):
    EventFactory(slug="api-workshop")

    response = call(
        client,
        "POST",
        reverse("api:my_registrations"),
        people["token_a"],
        {"event": "api-workshop", "institution": "api-b"},
    )
    bound = call(
        client,
        "POST",
        reverse("api:my_registrations"),
        people["token_b"],
        {"event": "api-workshop", "institution": "api-a"},
    )

    assert response.status_code == 400
    assert "institution" in response.json()["errors"]
    assert bound.status_code == 400
    assert "institution" in bound.json()["errors"]
    assert not Registration.objects.filter(event__slug="api-workshop").exists()


def test_others_registrations_are_404_and_a_past_event_cannot_be_cancelled(client, people):
    past = EventFactory(
        slug="api-past",
        start_date=timezone.localdate() - timedelta(days=10),
        end_date=timezone.localdate() - timedelta(days=8),
        status=Event.Status.CLOSED,
    )
    past_registration = RegistrationFactory(event=past, user=people["user_a"], institution=people["a"])
    others = reverse("api:my_registration_cancel", args=[people["reg_b"].pk])

    assert (
        call(client, "GET", reverse("api:my_registration", args=[people["reg_b"].pk]), people["token_a"]).status_code
        == 404
    )
    assert call(client, "POST", others, people["token_a"]).status_code == 404
    past_response = call(
        client, "POST", reverse("api:my_registration_cancel", args=[past_registration.pk]), people["token_a"]
    )
    assert past_response.status_code == 409
    people["reg_b"].refresh_from_db()
    past_registration.refresh_from_db()
    assert people["reg_b"].status == past_registration.status == Registration.Status.APPROVED


def test_read_token_may_not_register(client, people):
    EventFactory(slug="api-workshop")
    token = make_token(people["user_a"], scopes=READ)

    response = call(client, "POST", reverse("api:my_registrations"), token, {"event": "api-workshop"})

    assert response.status_code == 403
    assert not Registration.objects.filter(event__slug="api-workshop").exists()


# --- Meeting requests ----------------------------------------------------------------------------


def test_send_list_and_accept_a_request(client, people):
    sent = call(
        client,
        "POST",
        reverse("api:my_meeting_requests"),
        people["token_a"],
        {"session": people["session"].pk, "person": people["reg_b"].pk, "message": "Curricula?"},
    )

    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert (body["direction"], body["status"], body["recipient"]["registration"]) == (
        "sent",
        "pending",
        people["reg_b"].pk,
    )
    request_id = body["id"]

    received = call(client, "GET", reverse("api:my_meeting_requests") + "?box=received", people["token_b"]).json()
    assert [row["id"] for row in received["results"]] == [request_id]
    assert received["results"][0]["direction"] == "received"
    assert (
        call(client, "GET", reverse("api:my_meeting_requests") + "?box=received", people["token_a"]).json()["results"]
        == []
    )

    accept_url = reverse("api:my_meeting_request_accept", args=[request_id])
    accepted = call(client, "POST", accept_url, people["token_b"], {})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert Meeting.objects.filter(request_id=request_id).count() == 1
    # Accepting again answers the same state; declining now is refused.
    again = call(client, "POST", accept_url, people["token_b"], {})
    assert (again.status_code, again.json()["status"]) == (200, "accepted")
    declined = call(client, "POST", reverse("api:my_meeting_request_decline", args=[request_id]), people["token_b"])
    assert declined.status_code == 409
    assert declined.json()["detail"] == "This meeting request was already accepted."
    assert MeetingRequest.objects.get(pk=request_id).status == MeetingRequest.Status.ACCEPTED


def test_requester_cannot_answer_own_request_and_others_cannot_see_it(client, people):
    request = MeetingRequestFactory(session=people["session"], requester=people["reg_a"], recipient=people["reg_b"])
    stranger = UserFactory(verified_email=True)
    RegistrationFactory(event=people["event"], user=stranger)
    stranger_token = make_token(stranger)

    assert (
        call(
            client, "POST", reverse("api:my_meeting_request_accept", args=[request.pk]), people["token_a"], {}
        ).status_code
        == 404
    )
    assert call(client, "GET", reverse("api:my_meeting_request", args=[request.pk]), stranger_token).status_code == 404
    assert (
        call(client, "POST", reverse("api:my_meeting_request_decline", args=[request.pk]), stranger_token).status_code
        == 404
    )
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_request_to_a_colleague_is_refused_with_the_pages_message(client, people):
    colleague = MembershipFactory(user=UserFactory(verified_email=True), institution=people["a"]).user
    colleague_registration = RegistrationFactory(event=people["event"], user=colleague, institution=people["a"])

    response = call(
        client,
        "POST",
        reverse("api:my_meeting_requests"),
        people["token_a"],
        {"session": people["session"].pk, "person": colleague_registration.pk},
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "You cannot request a meeting with a colleague of your own institution."
    assert not MeetingRequest.objects.exists()


def test_decline_and_decline_again(client, people):
    request = MeetingRequestFactory(session=people["session"], requester=people["reg_a"], recipient=people["reg_b"])
    url = reverse("api:my_meeting_request_decline", args=[request.pk])

    first = call(client, "POST", url, people["token_b"])
    second = call(client, "POST", url, people["token_b"])

    assert (first.status_code, first.json()["status"]) == (200, "declined")
    assert (second.status_code, second.json()["status"]) == (200, "declined")


def test_participant_scheduling_needs_a_free_slot_and_plans_the_follow_up_emails(client, people):
    session = people["session"]
    session.scheduling_mode = Session.SchedulingMode.PARTICIPANT
    session.save()
    slot = MeetingSlotFactory(session=session)
    request = MeetingRequestFactory(session=session, requester=people["reg_a"], recipient=people["reg_b"])
    url = reverse("api:my_meeting_request_accept", args=[request.pk])
    emails_before = OutboundEmail.objects.count()

    missing = call(client, "POST", url, people["token_b"], {})
    assert missing.status_code == 400
    assert "slot" in missing.json()["errors"]
    assert not Meeting.objects.exists()

    accepted = call(client, "POST", url, people["token_b"], {"slot": slot.pk})
    assert accepted.status_code == 200, accepted.content
    meeting = Meeting.objects.get(request=request)
    assert (meeting.slot, meeting.table_number, meeting.status) == (slot, 1, Meeting.Status.PUBLISHED)
    assert accepted.json()["meeting"]["table_number"] == 1
    assert OutboundEmail.objects.count() > emails_before  # the follow-ups of a published meeting


def test_agenda_lists_sessions_and_own_meetings(client, people):
    plenary = SessionFactory(event=people["event"], title="Opening")
    slot = MeetingSlotFactory(session=people["session"])
    request = MeetingRequestFactory(
        session=people["session"],
        requester=people["reg_a"],
        recipient=people["reg_b"],
        status=MeetingRequest.Status.ACCEPTED,
    )
    Meeting.objects.create(request=request, session=people["session"], slot=slot, table_number=3, status="published")

    response = call(client, "GET", reverse("api:my_agenda", args=["api-exchange"]), people["token_a"])

    assert response.status_code == 200
    items = [item for day in response.json()["days"] for item in day["items"]]
    assert [item["title"] for item in items if item["kind"] == "session"][0] == "Opening"
    meetings = [item["meeting"] for item in items if item["kind"] == "meeting"]
    assert len(meetings) == 1
    assert meetings[0]["table_number"] == 3
    assert meetings[0]["partner"]["institution"] == people["b"].name
    assert plenary.pk in [item["session"]["id"] for item in items if item["kind"] == "session"]
    # Not registered: 404.
    stranger_token = make_token(UserFactory(verified_email=True))
    assert call(client, "GET", reverse("api:my_agenda", args=["api-exchange"]), stranger_token).status_code == 404


def test_a_token_bound_to_an_institution_acts_only_through_its_registrations(client, people):
    MembershipFactory(user=people["user_a"], institution=people["b"])
    other_event = EventFactory(slug="api-other")
    through_b = RegistrationFactory(event=other_event, user=people["user_a"], institution=people["b"])
    token = make_token(people["user_a"], institution=people["b"])

    listed = call(client, "GET", reverse("api:my_registrations"), token).json()["results"]
    own_a = call(client, "GET", reverse("api:my_registration", args=[people["reg_a"].pk]), token)
    agenda = call(client, "GET", reverse("api:my_agenda", args=["api-exchange"]), token)

    assert [row["id"] for row in listed] == [through_b.pk]
    assert own_a.status_code == agenda.status_code == 404


def test_withdraw_a_sent_request(client, people):
    request = MeetingRequestFactory(session=people["session"], requester=people["reg_a"], recipient=people["reg_b"])
    url = reverse("api:my_meeting_request_withdraw", args=[request.pk])

    by_recipient = call(client, "POST", url, people["token_b"])
    first = call(client, "POST", url, people["token_a"])
    second = call(client, "POST", url, people["token_a"])

    assert by_recipient.status_code == 404
    assert (first.status_code, first.json()["status"]) == (200, "cancelled")
    assert (second.status_code, second.json()["status"]) == (200, "cancelled")


def test_an_answered_request_cannot_be_withdrawn(client, people):
    request = MeetingRequestFactory(
        session=people["session"],
        requester=people["reg_a"],
        recipient=people["reg_b"],
        status=MeetingRequest.Status.DECLINED,
    )

    response = call(client, "POST", reverse("api:my_meeting_request_withdraw", args=[request.pk]), people["token_a"])

    assert response.status_code == 409
    assert response.json()["detail"] == "Only a request that is still waiting for an answer can be withdrawn."
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.DECLINED
