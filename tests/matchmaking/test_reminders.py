"""Reminders before each meeting, and nudges about unanswered requests and missing requests."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import outbox
from core.models import OutboundEmail
from events.forms import SessionForm
from events.models import Registration, Session
from matchmaking import reminders
from matchmaking.models import Meeting, MeetingRequest
from tests.events.conftest import register
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A published meeting at table 3 between Sok Dara (Cambodia) and Li Wei (China), shared by a colleague."""
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event, room="Hall B")
    slots = [MeetingSlotFactory(session=session) for _ in range(2)]
    kh = InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")
    cn = InstitutionFactory(name="Guangxi Vocational College", country="CN")
    dara = register(event, name="Sok Dara", institution=kh)
    colleague = register(event, name="Chan Sopheap", institution=kh)
    wei = register(event, name="Li Wei", institution=cn)
    for registration in (dara, colleague, wei):
        registration.user.show_profile_to_participants = True
        registration.user.save()
    request = MeetingRequestFactory(
        session=session, requester=dara, recipient=wei, status=MeetingRequest.Status.ACCEPTED
    )
    meeting = MeetingFactory(
        request=request, slot=slots[0], table_number=3, status=Meeting.Status.PUBLISHED, sharers=[colleague]
    )
    return {
        "event": event,
        "session": session,
        "slots": slots,
        "dara": dara,
        "colleague": colleague,
        "wei": wei,
        "meeting": meeting,
        "kh": kh,
        "cn": cn,
    }


def emails(kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=kind).select_related("user").order_by("key"))


def recipients(kind: str) -> list[str]:
    return sorted(email.user.display_name for email in emails(kind))


def email_to(kind: str, registration: Registration) -> OutboundEmail:
    return OutboundEmail.objects.select_related("user").get(kind=kind, user=registration.user)


# --- before each meeting -----------------------------------------------------------------------


def test_nothing_is_due_more_than_a_day_before(world):
    starts = world["meeting"].slot.starts_at

    assert reminders.queue_meeting_reminders(now=starts - timedelta(hours=25)) == 0
    assert emails(reminders.REMINDER_KIND) == []


def test_a_day_before_everyone_in_the_meeting_is_reminded_once(world):
    starts = world["meeting"].slot.starts_at

    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=22))  # beat again: nothing new

    assert recipients(reminders.REMINDER_KIND) == ["Chan Sopheap", "Li Wei", "Sok Dara"]
    assert {email.context["step"] for email in emails(reminders.REMINDER_KIND)} == {"first"}


def test_an_hour_before_comes_a_second_reminder_once(world):
    starts = world["meeting"].slot.starts_at
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))

    reminders.queue_meeting_reminders(now=starts - timedelta(minutes=55))
    reminders.queue_meeting_reminders(now=starts - timedelta(minutes=50))

    steps = sorted(email.context["step"] for email in emails(reminders.REMINDER_KIND))
    assert steps == ["first"] * 3 + ["second"] * 3


def test_a_late_beat_sends_only_the_latest_step(world):
    starts = world["meeting"].slot.starts_at

    reminders.queue_meeting_reminders(now=starts - timedelta(minutes=30))

    assert {email.context["step"] for email in emails(reminders.REMINDER_KIND)} == {"second"}


def test_the_session_sets_its_own_reminder_times(world):
    session = world["session"]
    session.first_reminder_hours, session.second_reminder_minutes = 48, None
    session.save()
    starts = world["meeting"].slot.starts_at

    reminders.queue_meeting_reminders(now=starts - timedelta(hours=47))
    reminders.queue_meeting_reminders(now=starts - timedelta(minutes=30))

    assert {email.context["step"] for email in emails(reminders.REMINDER_KIND)} == {"first"}
    assert len(emails(reminders.REMINDER_KIND)) == 3


def test_the_reminder_gives_the_slot_on_the_event_clock_the_table_and_the_other_side(world):
    starts = world["meeting"].slot.starts_at
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))

    rendered = outbox.render(email_to(reminders.REMINDER_KIND, world["dara"]))

    assert "Li Wei" in rendered.subject
    assert "Guangxi Vocational College" in rendered.text
    assert "14:00" in rendered.text  # the session starts at 14:00 in Phnom Penh, 07:00 UTC
    assert "Asia/Phnom_Penh" in rendered.text
    assert "table 3" in rendered.text
    assert "Hall B" in rendered.text


def test_the_colleague_sharing_the_meeting_is_told_whom_they_meet(world):
    starts = world["meeting"].slot.starts_at
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))

    rendered = outbox.render(email_to(reminders.REMINDER_KIND, world["colleague"]))

    assert "Li Wei" in rendered.subject


def test_a_chinese_recipient_gets_the_reminder_in_chinese(world):
    world["wei"].user.preferred_language = "zh-hans"
    world["wei"].user.save()
    starts = world["meeting"].slot.starts_at
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))

    rendered = outbox.render(email_to(reminders.REMINDER_KIND, world["wei"]))

    assert "与Sok Dara（Phnom Penh Polytechnic）洽谈" in rendered.text
    assert "第 3 桌" in rendered.text
    local = timezone.localtime(starts, ZoneInfo("Asia/Phnom_Penh"))
    assert f"{local.year}年{local.month}月{local.day}日" in rendered.text


def test_a_cancelled_meeting_is_not_reminded(world):
    meeting = world["meeting"]
    starts = meeting.slot.starts_at
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()

    reminders.queue_meeting_reminders(now=starts - timedelta(minutes=55))

    assert all(outbox.render(email) is None for email in emails(reminders.REMINDER_KIND))
    assert {email.context["step"] for email in emails(reminders.REMINDER_KIND)} == {"first"}


def test_a_moved_meeting_is_reminded_at_its_new_time_only(world):
    meeting = world["meeting"]
    old_start = meeting.slot.starts_at
    reminders.queue_meeting_reminders(now=old_start - timedelta(hours=23))
    meeting.slot = world["slots"][1]
    meeting.save()
    new_start = meeting.slot.starts_at

    reminders.queue_meeting_reminders(now=new_start - timedelta(hours=23))

    queued = emails(reminders.REMINDER_KIND)
    # The reminders of the old time are no longer sent; those of the new time are.
    sent = sorted((parse_datetime(email.context["starts_at"]), outbox.render(email) is not None) for email in queued)
    assert sent == [(old_start, False)] * 3 + [(new_start, True)] * 3


def test_a_person_whose_registration_was_cancelled_is_not_reminded(world):
    Registration.objects.filter(pk=world["colleague"].pk).update(status=Registration.Status.CANCELLED)
    starts = world["meeting"].slot.starts_at

    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))

    assert recipients(reminders.REMINDER_KIND) == ["Li Wei", "Sok Dara"]


def test_provisional_meetings_are_not_reminded(world):
    meeting = world["meeting"]
    meeting.status = Meeting.Status.PROVISIONAL
    meeting.save()

    assert reminders.queue_meeting_reminders(now=meeting.slot.starts_at - timedelta(hours=23)) == 0


def test_people_who_turned_reminders_off_get_none(world):
    world["dara"].user.email_meeting_reminders = False
    world["dara"].user.save()
    starts = world["meeting"].slot.starts_at
    reminders.queue_meeting_reminders(now=starts - timedelta(hours=23))

    assert outbox.render(email_to(reminders.REMINDER_KIND, world["dara"])) is None
    assert outbox.render(email_to(reminders.REMINDER_KIND, world["wei"])) is not None
    assert outbox.KINDS[reminders.REMINDER_KIND].preference == "email_meeting_reminders"


def test_the_beat_task_queues_the_reminders_due_now(world):
    meeting = world["meeting"]
    meeting.slot.starts_at = timezone.now() + timedelta(minutes=30)
    meeting.slot.ends_at = meeting.slot.starts_at + timedelta(minutes=20)
    meeting.slot.save()

    assert reminders.queue_meeting_reminders_task() == 3
    assert reminders.queue_meeting_reminders_task() == 3
    assert len(emails(reminders.REMINDER_KIND)) == 3


# --- requests left unanswered ------------------------------------------------------------------


def test_a_request_unanswered_for_48_hours_nudges_its_recipient_once(world):
    request = MeetingRequestFactory(session=world["session"], requester=world["wei"], recipient=world["colleague"])
    sent = request.created_at

    assert reminders.queue_unanswered_request_nudges(now=sent + timedelta(hours=47)) == 0
    reminders.queue_unanswered_request_nudges(now=sent + timedelta(hours=49))
    reminders.queue_unanswered_request_nudges(now=sent + timedelta(hours=50))

    assert recipients(reminders.UNANSWERED_KIND) == ["Chan Sopheap"]
    rendered = outbox.render(email_to(reminders.UNANSWERED_KIND, world["colleague"]))
    assert "Li Wei" in rendered.text
    assert "/events/requests/answer/" in rendered.text


def test_a_request_to_an_institution_nudges_each_of_its_participants(world):
    request = MeetingRequestFactory(
        session=world["session"], requester=world["wei"], recipient=None, recipient_institution=world["kh"]
    )

    reminders.queue_unanswered_request_nudges(now=request.created_at + timedelta(hours=49))

    assert recipients(reminders.UNANSWERED_KIND) == ["Chan Sopheap", "Sok Dara"]


def test_a_request_answered_since_sends_no_nudge(world):
    request = MeetingRequestFactory(session=world["session"], requester=world["wei"], recipient=world["colleague"])
    reminders.queue_unanswered_request_nudges(now=request.created_at + timedelta(hours=49))
    request.status = MeetingRequest.Status.DECLINED
    request.save()

    assert outbox.render(email_to(reminders.UNANSWERED_KIND, world["colleague"])) is None


def test_answered_requests_are_not_nudged(world):
    request = MeetingRequestFactory(
        session=world["session"],
        requester=world["wei"],
        recipient=world["colleague"],
        status=MeetingRequest.Status.DECLINED,
    )

    assert reminders.queue_unanswered_request_nudges(now=request.created_at + timedelta(hours=49)) == 0


def test_people_who_turned_nudges_off_get_no_unanswered_request_nudge(world):
    world["colleague"].user.email_request_nudges = False
    world["colleague"].user.save()
    request = MeetingRequestFactory(session=world["session"], requester=world["wei"], recipient=world["colleague"])
    reminders.queue_unanswered_request_nudges(now=request.created_at + timedelta(hours=49))

    assert outbox.render(email_to(reminders.UNANSWERED_KIND, world["colleague"])) is None


# --- no request at all before the deadline -----------------------------------------------------


@pytest.fixture
def deadline(world):
    session = world["session"]
    session.request_deadline = timezone.now() + timedelta(days=10)
    session.save()
    return session.request_deadline


def test_participants_without_any_request_are_nudged_once_a_few_days_before_the_deadline(world, deadline):
    quiet = register(world["event"], name="Nguyen Lan", institution=InstitutionFactory(country="VN"))

    assert reminders.queue_no_request_nudges(now=deadline - timedelta(days=4)) == 0
    reminders.queue_no_request_nudges(now=deadline - timedelta(days=2))
    reminders.queue_no_request_nudges(now=deadline - timedelta(days=1))

    # Dara sent a request, Li Wei received it; Chan Sopheap's institution did not receive one.
    assert recipients(reminders.NO_REQUEST_KIND) == ["Chan Sopheap", "Nguyen Lan"]
    rendered = outbox.render(email_to(reminders.NO_REQUEST_KIND, quiet))
    assert world["session"].title in rendered.subject
    assert "/participants/" in rendered.text


def test_a_request_to_the_institution_counts_as_received(world, deadline):
    MeetingRequestFactory(
        session=world["session"], requester=world["wei"], recipient=None, recipient_institution=world["kh"]
    )

    reminders.queue_no_request_nudges(now=deadline - timedelta(days=2))

    assert recipients(reminders.NO_REQUEST_KIND) == []


def test_roles_that_cannot_request_and_pending_registrations_are_not_nudged(world, deadline):
    register(world["event"], name="Press Person", role=Registration.Role.PRESS)
    register(world["event"], name="Not Yet", status=Registration.Status.PENDING)
    session = world["session"]
    session.roles_cannot_request = [Registration.Role.PRESS]
    session.save()

    reminders.queue_no_request_nudges(now=deadline - timedelta(days=2))

    assert recipients(reminders.NO_REQUEST_KIND) == ["Chan Sopheap"]


def test_a_person_who_sent_a_request_since_gets_no_nudge(world, deadline):
    reminders.queue_no_request_nudges(now=deadline - timedelta(days=2))
    MeetingRequestFactory(session=world["session"], requester=world["colleague"], recipient=world["wei"])

    assert outbox.render(email_to(reminders.NO_REQUEST_KIND, world["colleague"])) is None


def test_the_nudge_beat_task_runs_twice_without_a_second_email(world, deadline):
    session = world["session"]
    session.request_deadline = timezone.now() + timedelta(days=2)
    session.save()
    request = MeetingRequestFactory(session=session, requester=world["wei"], recipient=world["colleague"])
    MeetingRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(hours=49))

    first = reminders.queue_request_nudges_task()
    second = reminders.queue_request_nudges_task()

    assert first == second
    assert recipients(reminders.UNANSWERED_KIND) == ["Chan Sopheap"]
    assert OutboundEmail.objects.filter(kind=reminders.NO_REQUEST_KIND).count() == 0


def test_a_chinese_participant_gets_the_unanswered_request_nudge_in_chinese(world):
    world["colleague"].user.preferred_language = "zh-hans"
    world["colleague"].user.save()
    request = MeetingRequestFactory(session=world["session"], requester=world["wei"], recipient=world["colleague"])
    reminders.queue_unanswered_request_nudges(now=request.created_at + timedelta(hours=49))

    rendered = outbox.render(email_to(reminders.UNANSWERED_KIND, world["colleague"]))

    assert "接受：" in rendered.text
    assert "婉拒：" in rendered.text


# --- the switches: beat, email preferences, the session form ---------------------------------


def test_beat_runs_the_reminders_and_the_nudges():
    from django.conf import settings

    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]

    assert "matchmaking.queue_meeting_reminders" in entries
    assert "matchmaking.queue_request_nudges" in entries


def test_the_preferences_page_turns_each_kind_off(client, world):
    user = world["dara"].user
    client.force_login(user)
    data = {
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "email_meeting_reminders": "on",
    }

    client.post(reverse("preferences"), data)

    user.refresh_from_db()
    assert (user.email_meeting_reminders, user.email_request_nudges) == (True, False)


@pytest.mark.parametrize("preference", ["email_meeting_reminders", "email_request_nudges"])
def test_the_unsubscribe_link_turns_the_kind_off(client, world, preference):
    user = world["dara"].user
    url = reverse("email_unsubscribe", args=[outbox.unsubscribe_token(user, preference)])
    client.get(url)

    client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    user.refresh_from_db()
    assert getattr(user, preference) is False


def test_a_new_matchmaking_session_reminds_a_day_and_an_hour_before(world):
    session = MatchmakingSessionFactory(event=world["event"])

    assert (session.first_reminder_hours, session.second_reminder_minutes) == (24, 60)


def _session_form(event, **changes):
    data = {
        "kind": Session.Kind.MATCHMAKING,
        "title": "Matchmaking",
        "starts_at": f"{event.start_date.isoformat()}T14:00",
        "ends_at": f"{event.start_date.isoformat()}T16:00",
        "table_count": 10,
        "slot_minutes": 20,
        "break_minutes": 5,
        "request_expiry_hours": 72,
        "first_reminder_hours": 24,
        "second_reminder_minutes": 60,
        **changes,
    }
    return SessionForm(data={key: value for key, value in data.items() if value is not None}, event=event)


def test_the_session_form_sets_or_turns_off_each_reminder(world):
    form = _session_form(world["event"], first_reminder_hours=48, second_reminder_minutes=None)

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["first_reminder_hours"], form.cleaned_data["second_reminder_minutes"]) == (48, None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_reminder_hours": 2, "second_reminder_minutes": 120}, "second_reminder_minutes"),
        ({"first_reminder_hours": 200}, "first_reminder_hours"),
        ({"second_reminder_minutes": 0}, "second_reminder_minutes"),
    ],
)
def test_the_session_form_refuses_reminders_out_of_order_or_range(world, changes, field):
    form = _session_form(world["event"], **changes)

    assert not form.is_valid()
    assert list(form.errors) == [field]
