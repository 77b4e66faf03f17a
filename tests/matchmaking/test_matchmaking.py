"""The organiser's side of matchmaking: slots, scheduler runs, review, publication, emails."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import domain_events, outbox
from core.models import OutboundEmail
from events.models import MeetingSlot, Registration, Session
from matchmaking import followups
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.scheduler import (
    MatchmakingError,
    generate_slots,
    meeting_mark_attendance,
    publish_schedule,
    run_scheduler,
)
from tests.events.conftest import register
from tests.factories import (
    EventFactory,
    MatchmakingSessionFactory,
    MeetingRequestFactory,
    SessionFactory,
    SlotUnavailabilityFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(event):
    """14:00–16:00, 20-minute meetings, 5-minute breaks, two tables: five slots."""
    return MatchmakingSessionFactory(event=event, table_count=2, title="B2B matchmaking")


def accept(session, requester, recipient, **kwargs) -> Meeting:
    """An accepted request and its meeting, provisional and not placed, as acceptance leaves it."""
    request = MeetingRequestFactory(
        session=session, requester=requester, recipient=recipient, status=MeetingRequest.Status.ACCEPTED, **kwargs
    )
    return Meeting.objects.create(request=request, session=session)


@pytest.fixture
def calls(monkeypatch):
    """Record what publication and no-show marking ask of the follow-ups."""
    seen = {"plan": [], "cancel": []}
    monkeypatch.setattr(followups, "plan_follow_ups", lambda meetings: seen["plan"].extend(m.pk for m in meetings))
    monkeypatch.setattr(followups, "cancel_follow_ups", lambda meetings: seen["cancel"].extend(m.pk for m in meetings))
    return seen


def local_times(slots, event):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event.time_zone)
    return [
        (s.starts_at.astimezone(zone).strftime("%H:%M"), s.ends_at.astimezone(zone).strftime("%H:%M")) for s in slots
    ]


# --- Slots ---------------------------------------------------------------------------------


def test_slots_follow_length_and_breaks(session):
    slots = generate_slots(session=session)

    assert local_times(slots, session.event) == [
        ("14:00", "14:20"),
        ("14:25", "14:45"),
        ("14:50", "15:10"),
        ("15:15", "15:35"),
        ("15:40", "16:00"),
    ]


def test_a_meeting_that_would_end_after_the_session_gets_no_slot(session):
    session.ends_at = session.starts_at + timedelta(minutes=44)
    session.save()

    assert len(generate_slots(session=session)) == 1


def test_regenerating_with_the_same_settings_keeps_the_slots(session):
    first = [slot.pk for slot in generate_slots(session=session)]

    assert [slot.pk for slot in generate_slots(session=session)] == first


def test_regenerating_after_a_change_replaces_the_slots(session):
    generate_slots(session=session)
    session.break_minutes = 0
    session.save()

    slots = generate_slots(session=session)

    assert len(slots) == 6
    assert local_times(slots, session.event)[1] == ("14:20", "14:40")
    assert MeetingSlot.objects.filter(session=session).count() == 6


def test_regenerating_is_refused_when_published_meetings_would_lose_their_slot(session, event):
    slots = generate_slots(session=session)
    meeting = accept(session, register(event), register(event))
    Meeting.objects.filter(pk=meeting.pk).update(slot=slots[1], table_number=1, status=Meeting.Status.PUBLISHED)
    session.slot_minutes = 30
    session.save()

    with pytest.raises(MatchmakingError, match="1 published meeting is on a slot"):
        generate_slots(session=session)

    assert list(session.slots.values_list("pk", flat=True)) == [slot.pk for slot in slots]
    meeting.refresh_from_db()
    assert meeting.slot_id == slots[1].pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slot_minutes": None}, "meeting length"),
        ({"table_count": None}, "number of tables"),
        ({"slot_minutes": 200}, "Not even one meeting"),
        ({"kind": Session.Kind.PLENARY}, "Only a matchmaking session"),
    ],
)
def test_slots_need_usable_settings(session, changes, message):
    Session.objects.filter(pk=session.pk).update(**changes)
    session.refresh_from_db()

    with pytest.raises(MatchmakingError, match=message):
        generate_slots(session=session)
    assert not session.slots.exists()


# --- Scheduler runs --------------------------------------------------------------------------


@pytest.fixture
def people(event):
    return [register(event, name=f"Person {n}") for n in range(5)]


def test_run_writes_drafts_only_and_is_deterministic(session, people):
    slots = generate_slots(session=session)
    meetings = [accept(session, people[0], people[n]) for n in (1, 2, 3)]
    meetings.append(accept(session, people[3], people[4]))

    result = run_scheduler(session=session)
    first = list(Meeting.objects.order_by("pk").values_list("draft_slot", "draft_table", "unplaced_reason"))
    run_scheduler(session=session)
    second = list(Meeting.objects.order_by("pk").values_list("draft_slot", "draft_table", "unplaced_reason"))

    assert result == {"placed": 4, "unplaced": 0}
    assert first == second
    assert all(slot in {s.pk for s in slots} and table in (1, 2) for slot, table, _ in first)
    # Nobody is in two meetings at once: people[0] has three meetings in three slots.
    assert len({first[n][0] for n in range(3)}) == 3
    assert set(Meeting.objects.values_list("status", "slot", "table_number")) == {("provisional", None, None)}
    session.refresh_from_db()
    assert session.scheduled_at is not None


def test_run_gives_reasons_and_respects_the_maximum_and_unavailability(session, people):
    Session.objects.filter(pk=session.pk).update(max_meetings_per_person=1)
    session.refresh_from_db()
    slots = generate_slots(session=session)
    for slot in slots[1:]:
        SlotUnavailabilityFactory(registration=people[3], slot=slot)
    kept = accept(session, people[0], people[1])
    over = accept(session, people[0], people[2])
    available = accept(session, people[3], people[4])

    run_scheduler(session=session)

    kept.refresh_from_db(), over.refresh_from_db(), available.refresh_from_db()
    assert kept.draft_slot_id
    assert not kept.unplaced_reason
    assert over.draft_slot_id is None
    assert over.unplaced_reason == Meeting.UnplacedReason.REQUESTER_FULL
    assert available.draft_slot_id == slots[0].pk


def test_run_leaves_out_registrations_that_are_not_approved(session, people):
    generate_slots(session=session)
    Registration.objects.filter(pk=people[1].pk).update(status=Registration.Status.CANCELLED)
    meeting = accept(session, people[0], people[1])

    assert run_scheduler(session=session) == {"placed": 0, "unplaced": 1}
    meeting.refresh_from_db()
    assert (meeting.draft_slot_id, meeting.unplaced_reason) == (None, "")


def test_run_needs_slots_and_organiser_mode(session, people):
    accept(session, people[0], people[1])
    with pytest.raises(MatchmakingError, match="Generate the slots"):
        run_scheduler(session=session)
    generate_slots(session=session)
    Session.objects.filter(pk=session.pk).update(scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    with pytest.raises(MatchmakingError, match="participants pick"):
        run_scheduler(session=session)


def test_run_query_count_does_not_grow_with_meetings(session, event, django_assert_max_num_queries):
    generate_slots(session=session)
    few = [register(event) for _ in range(4)]
    accept(session, few[0], few[1])

    with django_assert_max_num_queries(12) as small:
        run_scheduler(session=session)
    many = [register(event) for _ in range(12)]
    for n in range(0, 12, 2):
        meeting = accept(session, many[n], many[n + 1])
        meeting.sharers.add(register(event, institution=many[n].institution))
    with django_assert_max_num_queries(len(small.captured_queries)):
        run_scheduler(session=session)


# --- Publication ---------------------------------------------------------------------------


@pytest.fixture
def scheduled(session, people):
    """Three accepted meetings placed by a run, one with a sharer; nothing published yet."""
    generate_slots(session=session)
    sharer = register(session.event, institution=people[0].institution, name="Colleague")
    first = accept(session, people[0], people[1], message="Dual training for mechatronics")
    first.sharers.add(sharer)
    second = accept(session, people[2], people[3])
    third = accept(session, people[3], people[4])
    run_scheduler(session=session)
    return {"meetings": [first, second, third], "sharer": sharer}


def test_first_publication_copies_drafts_and_tells_everyone_with_a_meeting(session, people, scheduled, calls):
    result = publish_schedule(session=session)

    assert result == {"new": 3, "moved": 0, "cancelled": 0, "unchanged": 0}
    for meeting in Meeting.objects.all():
        assert meeting.status == Meeting.Status.PUBLISHED
        assert (meeting.slot_id, meeting.table_number) == (meeting.draft_slot_id, meeting.draft_table)
        assert meeting.sequence == 0
    session.refresh_from_db()
    assert session.publication_count == 1
    assert session.published_at
    assert sorted(calls["plan"]) == sorted(m.pk for m in scheduled["meetings"])
    emails = OutboundEmail.objects.filter(kind="schedule_published")
    everyone = [*people, scheduled["sharer"]]
    assert {email.key for email in emails} == {f"schedule:{session.pk}:{p.pk}:1" for p in everyone}
    assert {email.user_id for email in emails} == {p.user_id for p in everyone}

    email = emails.get(user=scheduled["sharer"].user)
    rendered = outbox.render(email)
    meeting = Meeting.objects.select_related("slot").get(pk=scheduled["meetings"][0].pk)
    local = timezone.localtime(meeting.slot.starts_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Phnom_Penh"))
    assert "is ready" in rendered.subject
    assert f"{local:%H:%M}" in rendered.text
    assert f"table {meeting.table_number}" in rendered.text
    assert "Person 1" in rendered.text  # the sharer meets the recipient
    assert "Dual training for mechatronics" in rendered.text
    assert "/agenda/" in rendered.text


def test_republication_moves_bumps_and_cancels_and_tells_only_those_affected(session, people, scheduled, calls):
    publish_schedule(session=session)
    first, second, third = (Meeting.objects.get(pk=m.pk) for m in scheduled["meetings"])
    old_slot, old_table = first.slot, first.table_number
    free = next(
        (slot, table)
        for slot in session.slots.order_by("-starts_at")
        for table in (1, 2)
        if not Meeting.objects.filter(slot=slot, table_number=table).exists()
    )
    # A new proposal: the first meeting moves, the second loses its place, the third stays.
    Meeting.objects.filter(pk=first.pk).update(draft_slot=free[0], draft_table=free[1])
    Meeting.objects.filter(pk=second.pk).update(
        draft_slot=None, draft_table=None, unplaced_reason=Meeting.UnplacedReason.BOTH_FULL
    )
    OutboundEmail.objects.all().delete()

    result = publish_schedule(session=session)

    assert result == {"new": 0, "moved": 1, "cancelled": 1, "unchanged": 1}
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.slot_id, first.table_number, first.sequence) == (free[0].pk, free[1], 1)
    assert (second.status, second.sequence) == (Meeting.Status.CANCELLED, 1)
    assert second.slot_id is not None  # kept, so calendars can remove the entry
    assert (third.status, third.sequence) == (Meeting.Status.PUBLISHED, 0)
    assert calls["cancel"] == [second.pk]
    told = {people[0], people[1], scheduled["sharer"], people[2], people[3]}
    emails = OutboundEmail.objects.all()
    assert {e.kind for e in emails} == {"schedule_changed"}
    assert {e.user_id for e in emails} == {p.user_id for p in told}
    assert people[4].user_id not in {e.user_id for e in emails}
    assert {e.key for e in emails} == {f"schedule:{session.pk}:{p.pk}:2" for p in told}

    from zoneinfo import ZoneInfo

    zone = ZoneInfo(session.event.time_zone)
    text = outbox.render(emails.get(user=people[1].user)).text
    assert f"from {old_slot.starts_at.astimezone(zone):%a %-d %b %H:%M}, table {old_table}" in text
    assert f"to {free[0].starts_at.astimezone(zone):%a %-d %b %H:%M}, table {free[1]}" in text
    cancelled_text = outbox.render(emails.get(user=people[2].user)).text
    assert "cancelled" in cancelled_text
    assert "Person 3" in cancelled_text


def test_publication_needs_a_run(session, people, calls):
    generate_slots(session=session)
    accept(session, people[0], people[1])

    with pytest.raises(MatchmakingError, match="Run the scheduler"):
        publish_schedule(session=session)
    assert not OutboundEmail.objects.exists()
    assert not Meeting.objects.filter(status=Meeting.Status.PUBLISHED).exists()


def test_swapping_two_published_meetings_does_not_trip_the_table_constraint(session, people, scheduled, calls):
    publish_schedule(session=session)
    first, second, _third = (Meeting.objects.get(pk=m.pk) for m in scheduled["meetings"])
    Meeting.objects.filter(pk=first.pk).update(draft_slot=second.slot, draft_table=second.table_number)
    Meeting.objects.filter(pk=second.pk).update(draft_slot=first.slot, draft_table=first.table_number)

    assert publish_schedule(session=session)["moved"] == 2
    assert Meeting.objects.get(pk=first.pk).slot_id == second.slot_id


def test_publication_publishes_each_new_and_moved_meeting_as_scheduled(session, people, scheduled, calls):
    """Inside publish_schedule's transaction, for the apps above (the API's webhooks)."""
    seen = []

    def record(sender, *, name, instances, data, **kwargs):
        seen.extend((name, meeting.pk, data["change"], meeting.slot_id) for meeting in instances)

    domain_events.domain_event.connect(record, dispatch_uid="test_publication_publishes")
    try:
        publish_schedule(session=session)
        first, second, third = (Meeting.objects.get(pk=m.pk) for m in scheduled["meetings"])
        assert sorted(seen) == sorted(("meeting.scheduled", m.pk, "new", m.slot_id) for m in (first, second, third))
        seen.clear()
        Meeting.objects.filter(pk=first.pk).update(draft_slot=second.slot, draft_table=second.table_number)
        Meeting.objects.filter(pk=second.pk).update(draft_slot=None, draft_table=None)
        publish_schedule(session=session)
    finally:
        domain_events.domain_event.disconnect(dispatch_uid="test_publication_publishes")

    assert seen == [("meeting.scheduled", first.pk, "moved", second.slot_id)]


# --- Pages -----------------------------------------------------------------------------------


def page_urls(event, session):
    kwargs = {"slug": event.slug, "pk": session.pk}
    return [
        reverse(name, kwargs=kwargs)
        for name in (
            "matchmaking:matchmaking",
            "matchmaking:matchmaking_review",
            "matchmaking:matchmaking_publish",
            "matchmaking:matchmaking_sheet_tables",
            "matchmaking:matchmaking_sheet_slots",
            "matchmaking:matchmaking_room",
            "matchmaking:matchmaking_attendance",
        )
    ]


@pytest.mark.parametrize(
    ("role", "status_code"),
    [("institution_admin", 200), ("secretariat", 200), ("participant", 404), ("other_admin", 404)],
)
def test_organiser_pages_by_role(client, roles, event, session, scheduled, role, status_code):
    client.force_login(roles[role])
    for url in page_urls(event, session):
        assert client.get(url).status_code == status_code, url


def test_participants_and_outsiders_cannot_act(client, roles, event, session, people):
    generate_slots(session=session)
    accept(session, people[0], people[1])
    kwargs = {"slug": event.slug, "pk": session.pk}
    for role in ("participant", "other_admin"):
        client.force_login(roles[role])
        assert client.post(reverse("matchmaking:matchmaking_run", kwargs=kwargs)).status_code == 404
        assert client.post(reverse("matchmaking:matchmaking_publish", kwargs=kwargs)).status_code == 404
    assert not Meeting.objects.filter(draft_slot__isnull=False).exists()


def test_visitors_are_sent_to_sign_in(client, event, session):
    response = client.get(reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": session.pk}))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_admin_of_another_events_organiser_gets_404_and_wrong_sessions_too(client, roles, event, session):
    other_event = EventFactory()
    other_event.organisers.add(roles.institution_b)
    client.force_login(roles["other_admin"])
    assert (
        client.get(reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": session.pk})).status_code == 404
    )
    # The session exists, but not in the event named by the address.
    response = client.get(reverse("matchmaking:matchmaking", kwargs={"slug": other_event.slug, "pk": session.pk}))
    assert response.status_code == 404
    client.force_login(roles["institution_admin"])
    plenary = SessionFactory(event=event)
    assert (
        client.get(reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": plenary.pk})).status_code == 404
    )


def test_organiser_generates_runs_reviews_and_publishes(client, roles, event, session, people, calls):
    client.force_login(roles["institution_admin"])
    kwargs = {"slug": event.slug, "pk": session.pk}
    accept(session, people[0], people[1])
    blocked = accept(session, people[0], people[2])
    Registration.objects.filter(pk=people[2].pk).update(status=Registration.Status.PENDING)

    response = client.post(reverse("matchmaking:matchmaking_slots", kwargs=kwargs), follow=True)
    assert "The session has 5 slots." in response.content.decode()
    response = client.post(reverse("matchmaking:matchmaking_run", kwargs=kwargs), follow=True)
    page = response.content.decode()
    assert "1 meetings placed, 1 not placed" in page
    assert "Provisional agenda" in page
    assert "Table 2" in page
    assert "a participant is not approved" in page

    response = client.post(reverse("matchmaking:matchmaking_publish", kwargs=kwargs), follow=True)
    assert "The schedule is published: 1 new" in response.content.decode()
    assert Meeting.objects.filter(status=Meeting.Status.PUBLISHED).count() == 1
    assert Meeting.objects.get(pk=blocked.pk).status == Meeting.Status.PROVISIONAL


def test_refused_slot_generation_shows_the_reason(client, roles, event, session):
    Session.objects.filter(pk=session.pk).update(slot_minutes=None)
    client.force_login(roles["institution_admin"])
    response = client.post(
        reverse("matchmaking:matchmaking_slots", kwargs={"slug": event.slug, "pk": session.pk}), follow=True
    )
    assert "Set the meeting length" in response.content.decode()
    assert not session.slots.exists()


def test_review_query_count_is_fixed(client, roles, event, session, django_assert_max_num_queries):
    client.force_login(roles["institution_admin"])
    generate_slots(session=session)
    url = reverse("matchmaking:matchmaking_review", kwargs={"slug": event.slug, "pk": session.pk})
    accept(session, register(event), register(event))
    run_scheduler(session=session)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(6):
        accept(session, register(event), register(event)).sharers.add(register(event))
    run_scheduler(session=session)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_sheets_show_the_published_agenda_one_page_each(client, roles, event, session, people, scheduled, calls):
    publish_schedule(session=session)
    client.force_login(roles["institution_admin"])
    meeting = Meeting.objects.select_related("request__requester__institution").get(pk=scheduled["meetings"][0].pk)

    by_table = client.get(
        reverse("matchmaking:matchmaking_sheet_tables", kwargs={"slug": event.slug, "pk": session.pk})
    )
    page = by_table.content.decode()
    assert page.count('class="card sheet-page"') == 2
    assert "<h1>Sheets per table</h1>" in page
    assert "Person 0" in page
    assert meeting.request.requester.institution.name in page
    by_slot = client.get(reverse("matchmaking:matchmaking_sheet_slots", kwargs={"slug": event.slug, "pk": session.pk}))
    assert by_slot.content.decode().count('class="card sheet-page"') == 5
    assert "matchmaking.css" in page


def test_drafts_never_reach_sheets(client, roles, event, session, scheduled):
    client.force_login(roles["institution_admin"])
    page = client.get(reverse("matchmaking:matchmaking_sheet_tables", kwargs={"slug": event.slug, "pk": session.pk}))
    assert "Person 0" not in page.content.decode()


def test_publication_and_no_shows_drive_the_real_follow_ups(session, people, scheduled):
    from matchmaking.models import FollowUp

    publish_schedule(session=session)
    first, second, _third = scheduled["meetings"]
    steps = len(session.event.follow_up_days)
    assert FollowUp.objects.filter(meeting=first).count() == 2 * steps

    Meeting.objects.filter(pk=second.pk).update(draft_slot=None, draft_table=None)
    publish_schedule(session=session)
    assert not FollowUp.objects.filter(meeting=second).exists()

    Meeting.objects.filter(pk=first.pk).update(slot=session.slots.order_by("starts_at").first())
    meeting_mark_attendance(
        meeting=first, attendance=Meeting.Attendance.NO_SHOW, now=session.ends_at + timedelta(hours=1)
    )
    assert not FollowUp.objects.filter(meeting=first).exists()


def test_session_page_counts_requests_meetings_and_unavailability(client, roles, event, session, people):
    slots = generate_slots(session=session)
    accept(session, people[0], people[1])
    for status in ("pending", "declined", "expired", "expired"):
        MeetingRequestFactory(session=session, requester=people[2], recipient=people[3], status=status)
    SlotUnavailabilityFactory(registration=people[4], slot=slots[0])
    client.force_login(roles["institution_admin"])

    page = client.get(
        reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": session.pk})
    ).content.decode()

    def stat(label):
        return f"<strong>{{}}</strong>{label}"

    assert stat("requests waiting").format(1) in page
    assert stat("accepted").format(1) in page
    assert stat("declined").format(1) in page
    assert stat("expired").format(2) in page
    assert stat("meetings").format(1) in page
    assert stat("unavailable slots marked").format(1) in page
    assert "Run the scheduler" in page


def test_participant_mode_shows_the_booked_grid_without_a_scheduler(client, roles, event, session, people):
    Session.objects.filter(pk=session.pk).update(scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    slots = generate_slots(session=session)
    meeting = accept(session, people[0], people[1])
    Meeting.objects.filter(pk=meeting.pk).update(slot=slots[2], table_number=2, status=Meeting.Status.PUBLISHED)
    client.force_login(roles["institution_admin"])
    kwargs = {"slug": event.slug, "pk": session.pk}

    home = client.get(reverse("matchmaking:matchmaking", kwargs=kwargs)).content.decode()
    review = client.get(reverse("matchmaking:matchmaking_review", kwargs=kwargs)).content.decode()

    assert "Run the scheduler" not in home
    assert "Booked meetings" in review
    assert "Person 0" in review
    response = client.post(reverse("matchmaking:matchmaking_run", kwargs=kwargs), follow=True)
    assert "participants pick their slots" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "matchmaking:matchmaking_sheet_tables",
        "matchmaking:matchmaking_sheet_slots",
        "matchmaking:matchmaking_room",
        "matchmaking:matchmaking_attendance",
        "matchmaking:matchmaking",
    ],
)
def test_organiser_pages_query_count_is_fixed(client, roles, event, name, django_assert_max_num_queries):
    now = timezone.now()
    session = MatchmakingSessionFactory(
        event=event, starts_at=now - timedelta(minutes=50), ends_at=now + timedelta(minutes=50), table_count=8
    )
    slots = generate_slots(session=session)
    client.force_login(roles["institution_admin"])
    url = reverse(name, kwargs={"slug": event.slug, "pk": session.pk})

    def add(count):
        for n in range(count):
            meeting = accept(session, register(event), register(event))
            table = Meeting.objects.filter(slot=slots[1]).count() + 1
            Meeting.objects.filter(pk=meeting.pk).update(
                slot=slots[1 + n % 2], table_number=table + n, status=Meeting.Status.PUBLISHED
            )

    add(1)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_management_home_links_each_matchmaking_session(client, roles, event, session):
    plenary = SessionFactory(event=event, title="Opening plenary")
    client.force_login(roles["institution_admin"])

    page = client.get(reverse("events:manage", kwargs={"slug": event.slug})).content.decode()

    assert reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": session.pk}) in page
    assert "Matchmaking: B2B matchmaking" in page
    assert reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": plenary.pk}) not in page


def test_a_request_no_longer_accepted_is_not_published(session, people, calls):
    generate_slots(session=session)
    meeting = accept(session, people[0], people[1])
    run_scheduler(session=session)
    MeetingRequest.objects.filter(pk=meeting.request_id).update(status=MeetingRequest.Status.CANCELLED)

    assert publish_schedule(session=session)["new"] == 0
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PROVISIONAL
    assert not OutboundEmail.objects.exists()
