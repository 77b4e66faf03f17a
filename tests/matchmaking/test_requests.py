"""Meeting requests: the rules of sending and answering, expiry and the daily digest."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboundEmail
from events.models import Registration, Session
from matchmaking import requests as service
from matchmaking.models import Meeting, MeetingRequest, SlotUnavailability
from tests.events.conftest import register
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event, table_count=2)
    slots = [MeetingSlotFactory(session=session) for _ in range(3)]
    kh = InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")
    cn = InstitutionFactory(name="Guangxi Vocational College", country="CN")
    me = register(event, name="Sok Dara", institution=kh)
    colleague = register(event, name="Chan Sopheap", institution=kh)
    other = register(event, name="Li Wei", institution=cn)
    other_colleague = register(event, name="Wang Fang", institution=cn)
    return {
        "event": event,
        "session": session,
        "slots": slots,
        "kh": kh,
        "cn": cn,
        "me": me,
        "colleague": colleague,
        "other": other,
        "other_colleague": other_colleague,
    }


def _refused(callable_, message_part: str):
    before = MeetingRequest.objects.count(), Meeting.objects.count()
    with pytest.raises(service.RequestError) as error:
        callable_()
    assert message_part in str(error.value)
    assert (MeetingRequest.objects.count(), Meeting.objects.count()) == before


# --- sending ------------------------------------------------------------------------------------


def test_send_request_to_person_sets_expiry(setup):
    setup["session"].request_expiry_hours = 48
    setup["session"].save()

    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=" Hi "
    )

    assert request.status == MeetingRequest.Status.PENDING
    assert request.message == "Hi"
    assert request.recipient == setup["other"]
    expected = timezone.now() + timedelta(hours=48)
    assert abs((request.expires_at - expected).total_seconds()) < 5


def test_send_request_expiry_capped_by_future_deadline(setup):
    deadline = timezone.now() + timedelta(hours=5)
    setup["session"].request_deadline = deadline
    setup["session"].save()

    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )

    assert request.expires_at == deadline


def test_send_request_refuses_self(setup):
    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], recipient=setup["me"], message=""
        ),
        "yourself",
    )


def test_send_request_refuses_colleague(setup):
    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], recipient=setup["colleague"], message=""
        ),
        "colleague of your own institution",
    )


def test_send_request_refuses_own_institution(setup):
    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], institution=setup["kh"], message=""
        ),
        "your own institution",
    )


def test_send_request_refuses_same_person_twice_in_either_direction(setup):
    service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"], message="")

    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
        ),
        "already have an open meeting request",
    )


def test_send_request_refuses_same_institution_twice(setup):
    service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")

    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], institution=setup["cn"], message=""
        ),
        "already have an open meeting request with this institution",
    )


def test_send_request_refuses_after_deadline(setup):
    setup["session"].request_deadline = timezone.now() - timedelta(minutes=1)
    setup["session"].save()

    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
        ),
        "deadline",
    )


def test_send_request_refuses_non_matchmaking_session(setup):
    plenary = SessionFactory(event=setup["event"])

    _refused(
        lambda: service.send_request(requester=setup["me"], session=plenary, recipient=setup["other"], message=""),
        "matchmaking session",
    )


def test_send_request_refuses_session_of_another_event(setup):
    elsewhere = MatchmakingSessionFactory()

    _refused(
        lambda: service.send_request(requester=setup["me"], session=elsewhere, recipient=setup["other"], message=""),
        "matchmaking session",
    )


def test_send_request_refuses_unapproved_requester(setup):
    Registration.objects.filter(pk=setup["me"].pk).update(status=Registration.Status.PENDING)
    setup["me"].refresh_from_db()

    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
        ),
        "approved participants",
    )


def test_send_request_refuses_unapproved_recipient(setup):
    pending = register(setup["event"], country="TH", status=Registration.Status.PENDING)

    _refused(
        lambda: service.send_request(requester=setup["me"], session=setup["session"], recipient=pending, message=""),
        "not an approved participant",
    )


def test_send_request_refuses_recipient_of_another_event(setup):
    stranger = register(EventFactory(), country="TH")

    _refused(
        lambda: service.send_request(requester=setup["me"], session=setup["session"], recipient=stranger, message=""),
        "not an approved participant",
    )


def test_send_request_refuses_role_that_cannot_request(setup):
    setup["session"].roles_cannot_request = [Registration.Role.PRESS]
    setup["session"].save()
    press = register(setup["event"], country="TH", role=Registration.Role.PRESS)

    _refused(
        lambda: service.send_request(requester=press, session=setup["session"], recipient=setup["other"], message=""),
        "cannot request meetings",
    )


def test_send_request_refuses_role_that_cannot_be_requested(setup):
    setup["session"].roles_cannot_be_requested = [Registration.Role.SPEAKER]
    setup["session"].save()
    speaker = register(setup["event"], country="TH", role=Registration.Role.SPEAKER)

    _refused(
        lambda: service.send_request(requester=setup["me"], session=setup["session"], recipient=speaker, message=""),
        "cannot receive meeting requests",
    )


def test_send_request_refuses_institution_without_requestable_participants(setup):
    absent = InstitutionFactory(country="VN")

    _refused(
        lambda: service.send_request(requester=setup["me"], session=setup["session"], institution=absent, message=""),
        "no participants at the event",
    )


def test_send_request_refuses_long_message(setup):
    _refused(
        lambda: service.send_request(
            requester=setup["me"], session=setup["session"], recipient=setup["other"], message="x" * 1001
        ),
        "too long",
    )


def test_send_back_accepts_theirs_as_mutual(setup):
    theirs = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message="Hello"
    )

    result = service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"], message="")

    theirs.refresh_from_db()
    assert result.pk == theirs.pk
    assert theirs.status == MeetingRequest.Status.ACCEPTED
    assert theirs.mutual is True
    assert MeetingRequest.objects.count() == 1
    assert Meeting.objects.get().request == theirs


def test_send_back_to_institution_request_accepts_it(setup):
    theirs = service.send_request(
        requester=setup["other"], session=setup["session"], institution=setup["kh"], message=""
    )

    service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"], message="")

    theirs.refresh_from_db()
    assert (theirs.status, theirs.mutual, theirs.recipient) == (MeetingRequest.Status.ACCEPTED, True, setup["me"])


# --- answering ----------------------------------------------------------------------------------


def test_accept_creates_provisional_meeting(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )

    meeting = service.accept_request(request_id=request.pk, registration=setup["other"])

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.ACCEPTED
    assert request.responded_at is not None
    assert (meeting.status, meeting.slot, meeting.session) == (Meeting.Status.PROVISIONAL, None, setup["session"])


def test_non_recipient_cannot_accept(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )

    _refused(lambda: service.accept_request(request_id=request.pk, registration=setup["other_colleague"]), "")
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_institution_request_first_colleague_wins(setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")

    service.accept_request(request_id=request.pk, registration=setup["other_colleague"], sharers=[setup["other"]])

    _refused(
        lambda: service.accept_request(request_id=request.pk, registration=setup["other"]), "colleague already answered"
    )
    request.refresh_from_db()
    assert request.recipient == setup["other_colleague"]
    assert list(request.meeting.sharers.all()) == [setup["other"]]


def test_accept_after_expiry_refused(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    MeetingRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    _refused(lambda: service.accept_request(request_id=request.pk, registration=setup["other"]), "expired")
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_accept_after_cancel_refused(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    service.cancel_request(request_id=request.pk, registration=setup["me"])

    _refused(lambda: service.accept_request(request_id=request.pk, registration=setup["other"]), "withdrawn")
    _refused(lambda: service.decline_request(request_id=request.pk, registration=setup["other"]), "withdrawn")


def test_decline_sets_status(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )

    service.decline_request(request_id=request.pk, registration=setup["other"])

    request.refresh_from_db()
    assert (request.status, request.responded_at is not None) == (MeetingRequest.Status.DECLINED, True)
    assert not Meeting.objects.exists()


def test_cancel_only_by_requester(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )

    with pytest.raises(service.RequestError):
        service.cancel_request(request_id=request.pk, registration=setup["other"])

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


# --- participant scheduling --------------------------------------------------------------------


@pytest.fixture
def participant_mode(setup):
    Session.objects.filter(pk=setup["session"].pk).update(scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    setup["session"].refresh_from_db()
    return setup


def test_participant_mode_free_slots_exclude_unavailable_and_busy(participant_mode):
    s = participant_mode
    SlotUnavailability.objects.create(registration=s["other"], slot=s["slots"][0])
    first = service.send_request(requester=s["other_colleague"], session=s["session"], recipient=s["me"], message="")
    service.accept_request(request_id=first.pk, registration=s["me"], slot=s["slots"][1])

    free = service.free_slots(s["session"], [s["me"].pk, s["other"].pk])

    assert free == [s["slots"][2]]


def test_participant_mode_accept_assigns_lowest_free_table_and_publishes(participant_mode):
    s = participant_mode
    third = register(s["event"], country="TH")
    busy = service.send_request(requester=third, session=s["session"], recipient=s["other_colleague"], message="")
    service.accept_request(request_id=busy.pk, registration=s["other_colleague"], slot=s["slots"][0])
    request = service.send_request(requester=s["me"], session=s["session"], recipient=s["other"], message="")

    meeting = service.accept_request(request_id=request.pk, registration=s["other"], slot=s["slots"][0])

    assert (meeting.slot, meeting.table_number, meeting.status) == (s["slots"][0], 2, Meeting.Status.PUBLISHED)


def test_participant_mode_requires_slot(participant_mode):
    s = participant_mode
    request = service.send_request(requester=s["me"], session=s["session"], recipient=s["other"], message="")

    _refused(lambda: service.accept_request(request_id=request.pk, registration=s["other"]), "Choose a time slot")


def test_participant_mode_full_slot_refused(participant_mode):
    s = participant_mode
    Session.objects.filter(pk=s["session"].pk).update(table_count=1)
    third, fourth = register(s["event"], country="TH"), register(s["event"], country="VN")
    busy = service.send_request(requester=third, session=s["session"], recipient=fourth, message="")
    service.accept_request(request_id=busy.pk, registration=fourth, slot=s["slots"][0])
    request = service.send_request(requester=s["me"], session=s["session"], recipient=s["other"], message="")

    _refused(
        lambda: service.accept_request(request_id=request.pk, registration=s["other"], slot=s["slots"][0]),
        "no longer free",
    )
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_participant_mode_unavailable_slot_refused(participant_mode):
    s = participant_mode
    SlotUnavailability.objects.create(registration=s["me"], slot=s["slots"][1])
    request = service.send_request(requester=s["me"], session=s["session"], recipient=s["other"], message="")

    _refused(
        lambda: service.accept_request(request_id=request.pk, registration=s["other"], slot=s["slots"][1]),
        "no longer free",
    )


def test_participant_mode_respects_max_meetings(participant_mode):
    s = participant_mode
    Session.objects.filter(pk=s["session"].pk).update(max_meetings_per_person=1)
    first = service.send_request(requester=s["other_colleague"], session=s["session"], recipient=s["me"], message="")
    service.accept_request(request_id=first.pk, registration=s["me"], slot=s["slots"][0])
    request = service.send_request(requester=s["me"], session=s["session"], recipient=s["other"], message="")

    _refused(
        lambda: service.accept_request(request_id=request.pk, registration=s["other"], slot=s["slots"][1]),
        "maximum of 1",
    )


def test_participant_mode_mutual_without_slot_refused(participant_mode):
    s = participant_mode
    service.send_request(requester=s["other"], session=s["session"], recipient=s["me"], message="")

    _refused(
        lambda: service.send_request(requester=s["me"], session=s["session"], recipient=s["other"], message=""),
        "choose a time slot",
    )


# --- unavailability -----------------------------------------------------------------------------


def test_set_unavailable_toggles_rows(setup):
    slot = setup["slots"][0]

    service.set_unavailable(registration=setup["me"], slot=slot, unavailable=True)
    service.set_unavailable(registration=setup["me"], slot=slot, unavailable=True)
    assert list(SlotUnavailability.objects.values_list("registration", "slot")) == [(setup["me"].pk, slot.pk)]

    service.set_unavailable(registration=setup["me"], slot=slot, unavailable=False)
    assert not SlotUnavailability.objects.exists()


def test_set_unavailable_refuses_slot_of_other_event(setup):
    foreign = MeetingSlotFactory()

    with pytest.raises(service.RequestError):
        service.set_unavailable(registration=setup["me"], slot=foreign, unavailable=True)

    assert not SlotUnavailability.objects.exists()


# --- signed links -------------------------------------------------------------------------------


def test_answer_token_round_trip_and_tampering(setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    token = service.answer_token(request, setup["other"], service.ACCEPT)

    answer = service.read_answer_token(token)

    assert (answer.request, answer.registration, answer.action) == (request, setup["other"], "accept")
    with pytest.raises(service.RequestError, match="not valid"):
        service.read_answer_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


# --- expiry -------------------------------------------------------------------------------------


def test_expire_requests_marks_and_queues_once(setup):
    old = service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"], message="")
    to_institution = service.send_request(
        requester=setup["colleague"], session=setup["session"], institution=setup["cn"]
    )
    fresh = service.send_request(requester=setup["other_colleague"], session=setup["session"], recipient=setup["me"])
    past = timezone.now() - timedelta(minutes=1)
    MeetingRequest.objects.filter(pk__in=[old.pk, to_institution.pk]).update(expires_at=past)

    assert service.expire_meeting_requests() == 2
    assert service.expire_meeting_requests() == 0

    statuses = dict(MeetingRequest.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", to_institution.pk: "expired", fresh.pk: "pending"}
    rows = OutboundEmail.objects.filter(kind="request_expired").order_by("key")
    expected_keys = sorted(
        [
            f"request-expired:{old.pk}:{setup['me'].user_id}",
            f"request-expired:{old.pk}:{setup['other'].user_id}",
            f"request-expired:{to_institution.pk}:{setup['colleague'].user_id}",
            f"request-expired:{to_institution.pk}:{setup['other'].user_id}",
            f"request-expired:{to_institution.pk}:{setup['other_colleague'].user_id}",
        ]
    )
    assert [row.key for row in rows] == expected_keys
    requester_row = rows.get(key=f"request-expired:{old.pk}:{setup['me'].user_id}")
    assert requester_row.user == setup["me"].user
    assert requester_row.context == {"request_id": old.pk, "side": "requester"}
    rendered = outbox.render(requester_row)
    assert "expired" in rendered.subject
    assert "Li Wei" in rendered.text
    assert f"/events/{setup['event'].slug}/meetings/" in rendered.text


def test_expired_email_not_needed_if_request_not_expired(setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"])
    row = outbox.enqueue(
        key="x", kind="request_expired", user=setup["me"].user, context={"request_id": request.pk, "side": "requester"}
    )

    assert outbox.render(row) is None


# --- digest -------------------------------------------------------------------------------------


def test_digest_one_per_person_listing_pending(setup):
    a = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message="Internships"
    )
    service.send_request(requester=setup["colleague"], session=setup["session"], recipient=setup["other"], message="")
    service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="Exchange")
    now = timezone.now()

    service.queue_digests(now=now)
    service.queue_request_digests()

    rows = OutboundEmail.objects.filter(kind="request_digest").order_by("key")
    day = now.date().isoformat()
    assert sorted(row.key for row in rows) == sorted(
        [
            f"request-digest:{setup['other'].user_id}:{day}",
            f"request-digest:{setup['other_colleague'].user_id}:{day}",
        ]
    )
    rendered = outbox.render(rows.get(user=setup["other"].user))
    assert "(3)" in rendered.subject
    assert "Internships" in rendered.text
    assert "Sok Dara" in rendered.text
    tokens = re.findall(r"/events/requests/answer/([^/\s]+)/", rendered.text)
    answers = {(t.request.pk, t.registration.pk, t.action) for t in map(service.read_answer_token, tokens)}
    assert (a.pk, setup["other"].pk, "accept") in answers
    assert (a.pk, setup["other"].pk, "decline") in answers
    assert len(tokens) == 6
    assert f"/events/{setup['event'].slug}/meetings/" in rendered.text
    assert setup["me"].user.email not in rendered.text


def test_digest_none_when_nothing_pending_any_more(setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"])
    service.queue_digests()
    row = OutboundEmail.objects.get(kind="request_digest")

    service.decline_request(request_id=request.pk, registration=setup["other"])

    assert outbox.render(row) is None


def test_digest_preference_off_renders_nothing(setup):
    service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"])
    setup["other"].user.email_request_digest = False
    setup["other"].user.save()
    service.queue_digests()
    row = OutboundEmail.objects.get(kind="request_digest")

    assert outbox.render(row) is None


def test_digest_skips_expired_requests(setup):
    request = MeetingRequestFactory(
        session=setup["session"],
        requester=setup["me"],
        recipient=setup["other"],
        expires_at=timezone.now() - timedelta(hours=1),
    )

    assert service.queue_digests() == 0
    assert request.status == MeetingRequest.Status.PENDING
    assert not OutboundEmail.objects.exists()


# --- rules --------------------------------------------------------------------------------------


def test_answer_and_withdraw_rules(setup):
    to_person = service.send_request(requester=setup["me"], session=setup["session"], recipient=setup["other"])
    to_institution = service.send_request(
        requester=setup["colleague"], session=setup["session"], institution=setup["cn"]
    )
    outsider = register(EventFactory(), institution=setup["cn"])

    assert setup["other"].user.has_perm("matchmaking.answer_meeting_request", to_person)
    assert not setup["other_colleague"].user.has_perm("matchmaking.answer_meeting_request", to_person)
    assert setup["other_colleague"].user.has_perm("matchmaking.answer_meeting_request", to_institution)
    assert not outsider.user.has_perm("matchmaking.answer_meeting_request", to_institution)
    assert setup["me"].user.has_perm("matchmaking.withdraw_meeting_request", to_person)
    assert not setup["other"].user.has_perm("matchmaking.withdraw_meeting_request", to_person)
