"""The agenda of an event: who may edit it, how local times are stored, what is refused."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from events.models import Event, Registration, Session
from tests.factories import EventFactory, RegistrationFactory, SessionFactory, local_datetime

pytestmark = pytest.mark.django_db

EXPECTED_ACCESS = [
    ("secretariat", 200),
    ("institution_admin", 200),
    ("participant", 404),
    ("other_admin", 404),
    ("no_institution", 404),
    ("anonymous", 302),
]


@pytest.fixture
def event(roles) -> Event:
    event = EventFactory(time_zone="Asia/Phnom_Penh", start_date=date(2026, 12, 1), end_date=date(2026, 12, 3))
    event.organisers.add(roles.institution_a)
    return event


@pytest.fixture
def session(event) -> Session:
    return SessionFactory(event=event, title="Opening plenary")


def login(client, roles, role: str):
    if role != "anonymous":
        client.force_login(roles[role])


def session_data(**overrides) -> dict:
    data = {
        "kind": "plenary",
        "title": "Skills standards across ASEAN",
        "description": "",
        "starts_at": "2026-12-01T09:00",
        "ends_at": "2026-12-01T10:00",
        "room": "Hall A",
        "break_minutes": "0",
        "scheduling_mode": "organiser",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "status"), EXPECTED_ACCESS)
@pytest.mark.parametrize("page", ["list", "new", "edit", "delete"])
def test_agenda_pages_permissions(client, roles, event, session, role, status, page):
    login(client, roles, role)
    urls = {
        "list": reverse("events:manage_sessions", kwargs={"slug": event.slug}),
        "new": reverse("events:manage_session_new", kwargs={"slug": event.slug}),
        "edit": reverse("events:manage_session_edit", kwargs={"slug": event.slug, "pk": session.pk}),
        "delete": reverse("events:manage_session_delete", kwargs={"slug": event.slug, "pk": session.pk}),
    }
    response = client.get(urls[page])
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["participant", "other_admin", "anonymous"])
def test_others_cannot_add_change_or_delete_sessions(client, roles, event, session, role):
    login(client, roles, role)
    client.post(reverse("events:manage_session_new", kwargs={"slug": event.slug}), session_data())
    client.post(
        reverse("events:manage_session_edit", kwargs={"slug": event.slug, "pk": session.pk}),
        session_data(title="Hijacked"),
    )
    client.post(reverse("events:manage_session_delete", kwargs={"slug": event.slug, "pk": session.pk}))
    assert list(event.sessions.values_list("title", flat=True)) == ["Opening plenary"]


def test_a_session_of_another_event_is_not_found(client, roles, event):
    elsewhere = SessionFactory()
    client.force_login(roles["institution_admin"])
    url = reverse("events:manage_session_edit", kwargs={"slug": event.slug, "pk": elsewhere.pk})
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("events:manage_session_delete", kwargs={"slug": event.slug, "pk": elsewhere.pk})
        ).status_code
        == 404
    )
    assert Session.objects.filter(pk=elsewhere.pk).exists()


def test_local_times_are_stored_in_utc_and_shown_back_in_the_event_zone(client, roles, event):
    client.force_login(roles["institution_admin"])
    response = client.post(reverse("events:manage_session_new", kwargs={"slug": event.slug}), session_data())
    assert response.status_code == 302
    session = event.sessions.get()
    # Phnom Penh is UTC+7: 09:00–10:00 local is 02:00–03:00 UTC.
    assert session.starts_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)

    html = client.get(
        reverse("events:manage_session_edit", kwargs={"slug": event.slug, "pk": session.pk})
    ).content.decode()
    assert 'value="2026-12-01T09:00"' in html
    listing = client.get(reverse("events:manage_sessions", kwargs={"slug": event.slug})).content.decode()
    assert "09:00–10:00" in listing


def test_the_agenda_also_shows_the_viewers_own_time_zone(client, roles, event, session):
    viewer = roles["secretariat"]
    viewer.time_zone = "Asia/Shanghai"
    viewer.save()
    client.force_login(viewer)
    html = client.get(reverse("events:manage_sessions", kwargs={"slug": event.slug})).content.decode()
    assert "09:00–10:30" in html  # Phnom Penh
    assert "10:00–11:30" in html  # Shanghai, one hour ahead


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_at": "2026-11-30T09:00"}, "starts_at", "must take place during the event"),
        (
            {"starts_at": "2026-12-03T23:00", "ends_at": "2026-12-04T01:00"},
            "ends_at",
            "must take place during the event",
        ),
        ({"ends_at": "2026-12-01T08:30"}, "ends_at", "must end after it starts"),
        ({"ends_at": "2026-12-01T09:00"}, "ends_at", "must end after it starts"),
        ({"starts_at": "not a time"}, "starts_at", "Enter a valid date/time."),
        ({"kind": "banquet"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_sessions_are_refused_next_to_their_field(client, roles, event, overrides, field, message):
    client.force_login(roles["secretariat"])
    response = client.post(reverse("events:manage_session_new", kwargs={"slug": event.slug}), session_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not event.sessions.exists()


def test_the_event_dates_are_local_dates(client, roles, event):
    """23:30 on the last day in Phnom Penh is already the next day in UTC, and still allowed."""
    client.force_login(roles["secretariat"])
    client.post(
        reverse("events:manage_session_new", kwargs={"slug": event.slug}),
        session_data(starts_at="2026-12-03T23:00", ends_at="2026-12-03T23:30"),
    )
    assert event.sessions.get().ends_at == datetime(2026, 12, 3, 16, 30, tzinfo=UTC)


def test_edit_keeps_the_session_and_changes_its_fields(client, roles, event, session):
    client.force_login(roles["institution_admin"])
    client.post(
        reverse("events:manage_session_edit", kwargs={"slug": event.slug, "pk": session.pk}),
        session_data(
            title="Opening ceremony", kind="ceremony", starts_at="2026-12-02T14:00", ends_at="2026-12-02T15:00"
        ),
    )
    session.refresh_from_db()
    assert (session.title, session.kind) == ("Opening ceremony", "ceremony")
    assert session.starts_at == local_datetime(date(2026, 12, 2), time(14), "Asia/Phnom_Penh")


def test_speakers_come_from_the_events_approved_registrations(client, roles, event):
    speaker = RegistrationFactory(event=event, status=Registration.Status.APPROVED)
    pending = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    elsewhere = RegistrationFactory(status=Registration.Status.APPROVED)
    client.force_login(roles["secretariat"])
    url = reverse("events:manage_session_new", kwargs={"slug": event.slug})

    for outsider in (pending, elsewhere):
        response = client.post(url, session_data(speakers=[outsider.pk]))
        assert "speakers" in response.context["form"].errors
    assert not event.sessions.exists()

    client.post(url, session_data(speakers=[speaker.pk]))
    assert list(event.sessions.get().speakers.all()) == [speaker]


def test_matchmaking_settings_are_kept_only_for_matchmaking_sessions(client, roles, event):
    client.force_login(roles["secretariat"])
    url = reverse("events:manage_session_new", kwargs={"slug": event.slug})
    settings = {"table_count": "12", "slot_minutes": "20", "break_minutes": "5", "scheduling_mode": "participant"}
    client.post(url, session_data(kind="matchmaking", title="B2B", **settings))
    client.post(url, session_data(kind="panel", title="Panel", **settings))
    matchmaking, panel = event.sessions.get(title="B2B"), event.sessions.get(title="Panel")
    assert (matchmaking.table_count, matchmaking.slot_minutes, matchmaking.break_minutes) == (12, 20, 5)
    assert matchmaking.scheduling_mode == "participant"
    assert (panel.table_count, panel.slot_minutes, panel.break_minutes) == (None, None, 0)
    assert panel.scheduling_mode == "organiser"


def test_the_matchmaking_fieldset_is_in_the_form(client, roles, event):
    client.force_login(roles["secretariat"])
    html = client.get(reverse("events:manage_session_new", kwargs={"slug": event.slug})).content.decode()
    assert 'class="card matchmaking-fields"' in html
    assert 'name="table_count"' in html


def test_delete_asks_first_then_deletes(client, roles, event, session):
    client.force_login(roles["institution_admin"])
    url = reverse("events:manage_session_delete", kwargs={"slug": event.slug, "pk": session.pk})
    assert "Opening plenary" in client.get(url).content.decode()
    assert Session.objects.filter(pk=session.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("events:manage_sessions", kwargs={"slug": event.slug})
    assert not Session.objects.filter(pk=session.pk).exists()


def test_agenda_query_count_does_not_grow_with_sessions(client, roles, event, django_assert_max_num_queries):
    def add_session():
        session = SessionFactory(event=event)
        session.speakers.add(*(RegistrationFactory(event=event) for _ in range(2)))

    client.force_login(roles["secretariat"])
    url = reverse("events:manage_sessions", kwargs={"slug": event.slug})
    add_session()
    with django_assert_max_num_queries(20) as one:
        assert client.get(url).status_code == 200
    for _ in range(12):
        add_session()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["sessions"]) == 13


def test_who_may_meet_whom_and_the_answer_time_are_saved(client, roles, event):
    client.force_login(roles["institution_admin"])
    url = reverse("events:manage_session_new", kwargs={"slug": event.slug})
    html = client.get(url).content.decode()
    assert 'type="checkbox" name="roles_cannot_request" value="press"' in html
    assert 'name="request_expiry_hours"' in html

    client.post(
        url,
        session_data(
            kind="matchmaking",
            title="B2B",
            table_count="10",
            slot_minutes="20",
            request_expiry_hours="48",
            roles_cannot_request=["press", "observer"],
            roles_cannot_be_requested=["press"],
        ),
    )

    session = event.sessions.get(title="B2B")
    assert session.request_expiry_hours == 48
    assert sorted(session.roles_cannot_request) == ["observer", "press"]
    assert session.roles_cannot_be_requested == ["press"]


def test_an_unknown_role_is_refused_and_nothing_is_saved(client, roles, event):
    client.force_login(roles["institution_admin"])
    url = reverse("events:manage_session_new", kwargs={"slug": event.slug})

    response = client.post(url, session_data(kind="matchmaking", title="B2B", roles_cannot_request=["journalist"]))

    assert "Select a valid choice" in response.content.decode()
    assert not event.sessions.exists()


def test_the_session_list_links_matchmaking_sessions_to_their_pages(client, roles, event, session):
    matchmaking = SessionFactory(
        event=event, kind=Session.Kind.MATCHMAKING, title="B2B", table_count=4, slot_minutes=20
    )
    client.force_login(roles["institution_admin"])
    html = client.get(reverse("events:manage_sessions", kwargs={"slug": event.slug})).content.decode()
    assert reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": matchmaking.pk}) in html
    assert reverse("matchmaking:matchmaking", kwargs={"slug": event.slug, "pk": session.pk}) not in html
