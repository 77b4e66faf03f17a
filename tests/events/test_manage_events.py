"""Creating, editing and publishing events: who may, what is checked, how times are stored."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from events.forms import EventForm
from events.models import Event, Registration
from events.services_manage import EventError, event_update
from tests.factories import EventFactory, InstitutionFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

# The six people the management pages tell apart, around an event organised by institution A.
EXPECTED_ACCESS = [
    ("secretariat", 200),
    ("institution_admin", 200),  # an admin of the organiser
    ("participant", 404),  # a plain member of the organiser
    ("other_admin", 404),  # the admin of another institution
    ("no_institution", 404),
    ("anonymous", 302),
]


@pytest.fixture
def event(roles) -> Event:
    event = EventFactory(
        status=Event.Status.DRAFT,
        title="Workshop on Dual Training",
        time_zone="Asia/Phnom_Penh",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 3),
    )
    event.organisers.add(roles.institution_a)
    return event


def login(client, roles, role: str):
    if role != "anonymous":
        client.force_login(roles[role])


def event_data(**overrides) -> dict:
    data = {
        "kind": "workshop",
        "title": "Exchange Week on Automotive Skills",
        "theme": "Teachers' industrial placements",
        "city": "Phnom Penh",
        "country": "KH",
        "venue": "Institute of Technology",
        "time_zone": "Asia/Phnom_Penh",
        "start_date": "2026-12-01",
        "end_date": "2026-12-03",
        "capacity": "120",
        "registration_opens_at": "2026-10-01T09:00",
        "registration_closes_at": "2026-11-20T17:00",
        "description": "Five days of placements.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "status"), EXPECTED_ACCESS)
@pytest.mark.parametrize("url_name", ["events:manage", "events:manage_edit"])
def test_management_pages_permissions(client, roles, event, role, status, url_name):
    login(client, roles, role)
    response = client.get(reverse(url_name, kwargs={"slug": event.slug}))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [("secretariat", 200), ("institution_admin", 404), ("participant", 404), ("anonymous", 302)],
)
def test_only_the_secretariat_opens_the_new_event_form(client, roles, role, status):
    login(client, roles, role)
    assert client.get(reverse("events:new")).status_code == status


def test_an_organiser_admin_cannot_create_an_event(client, roles):
    client.force_login(roles["institution_admin"])
    response = client.post(reverse("events:new"), event_data())
    assert response.status_code == 404
    assert not Event.objects.filter(title="Exchange Week on Automotive Skills").exists()


def test_create_event_stores_the_window_in_utc_and_starts_as_draft(client, roles):
    client.force_login(roles["secretariat"])
    data = event_data(organisers=[roles.institution_a.pk, roles.institution_b.pk])
    response = client.post(reverse("events:new"), data)
    event = Event.objects.get(title="Exchange Week on Automotive Skills")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:manage", kwargs={"slug": event.slug})
    assert event.slug == "exchange-week-on-automotive-skills"
    assert event.status == Event.Status.DRAFT
    # Phnom Penh is UTC+7 all year round.
    assert event.registration_opens_at == datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert set(event.organisers.all()) == {roles.institution_a, roles.institution_b}
    assert event.capacity == 120


def test_the_window_follows_a_time_zone_changed_in_the_same_form(client, roles, event):
    client.force_login(roles["secretariat"])
    client.post(
        reverse("events:manage_edit", kwargs={"slug": event.slug}),
        event_data(time_zone="Asia/Shanghai", organisers=[roles.institution_a.pk]),
    )
    event.refresh_from_db()
    assert event.time_zone == "Asia/Shanghai"
    assert event.registration_opens_at == datetime(2026, 10, 1, 1, 0, tzinfo=UTC)


def test_slug_is_unique_avoids_reserved_paths_and_stays_after_a_new_title(client, roles):
    EventFactory(title="Exchange Week", slug="exchange-week")
    client.force_login(roles["secretariat"])
    client.post(reverse("events:new"), event_data(title="Exchange Week"))
    client.post(reverse("events:new"), event_data(title="New"))
    event = Event.objects.get(title="Exchange Week", status=Event.Status.DRAFT)
    assert event.slug == "exchange-week-2"
    assert Event.objects.get(title="New").slug == "new-2"

    client.post(reverse("events:manage_edit", kwargs={"slug": event.slug}), event_data(title="Exchange Week 2027"))
    event.refresh_from_db()
    assert (event.title, event.slug) == ("Exchange Week 2027", "exchange-week-2")


def test_edit_form_shows_the_window_in_the_event_time_zone(client, roles, event):
    event.registration_opens_at = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    event.save()
    viewer = roles["secretariat"]
    viewer.time_zone = "Europe/Paris"
    viewer.save()
    client.force_login(viewer)
    response = client.get(reverse("events:manage_edit", kwargs={"slug": event.slug}))
    assert 'value="2026-10-01T09:00"' in response.content.decode()


def test_home_shows_the_window_in_the_event_zone_and_the_viewers(client, roles, event):
    event.registration_closes_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    event.save()
    viewer = roles["institution_admin"]
    viewer.time_zone = "Europe/Paris"
    viewer.save()
    client.force_login(viewer)
    html = client.get(reverse("events:manage", kwargs={"slug": event.slug})).content.decode()
    assert "Nov. 20, 2026, 5 p.m." in html  # Phnom Penh, UTC+7
    assert "Nov. 20, 2026, 11 a.m." in html  # Paris, UTC+1 in November
    assert "Europe/Paris" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2026-11-30"}, "end_date", "The event cannot end before it starts."),
        (
            {"registration_closes_at": "2026-10-01T08:00"},
            "registration_closes_at",
            "Registration must close after it opens.",
        ),
        ({"capacity": "0"}, "capacity", "at least 1"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_changes(client, roles, event, overrides, field, message):
    client.force_login(roles["secretariat"])
    before = Event.objects.values().get(pk=event.pk)
    response = client.post(reverse("events:manage_edit", kwargs={"slug": event.slug}), event_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Event.objects.values().get(pk=event.pk) == before


def test_capacity_cannot_drop_below_the_approved_registrations(client, roles, event):
    for _ in range(3):
        RegistrationFactory(event=event, status=Registration.Status.APPROVED)
    RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    url = reverse("events:manage_edit", kwargs={"slug": event.slug})
    response = client.post(url, event_data(capacity="2"))
    assert "3 registrations are already approved" in response.context["form"].errors["capacity"][0]
    event.refresh_from_db()
    assert event.capacity is None

    client.post(url, event_data(capacity="3"))
    event.refresh_from_db()
    assert event.capacity == 3


def test_an_organiser_admin_edits_the_event_but_not_its_organisers(client, roles, event):
    client.force_login(roles["institution_admin"])
    response = client.get(reverse("events:manage_edit", kwargs={"slug": event.slug}))
    assert response.context["form"].fields["organisers"].disabled
    client.post(
        reverse("events:manage_edit", kwargs={"slug": event.slug}),
        event_data(title="Renamed by the organiser", organisers=[roles.institution_b.pk]),
    )
    event.refresh_from_db()
    assert event.title == "Renamed by the organiser"
    assert list(event.organisers.all()) == [roles.institution_a]


def test_rejected_institutions_cannot_organise(client, roles):
    rejected = InstitutionFactory(verification_status="rejected")
    client.force_login(roles["secretariat"])
    response = client.post(reverse("events:new"), event_data(organisers=[rejected.pk]))
    assert "organisers" in response.context["form"].errors
    assert not Event.objects.filter(title="Exchange Week on Automotive Skills").exists()


def test_home_counts_registrations_by_status(client, roles, event):
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.APPROVED)
    RegistrationFactory(event=event, status=Registration.Status.PENDING)
    RegistrationFactory(status=Registration.Status.APPROVED)  # another event's
    client.force_login(roles["secretariat"])
    response = client.get(reverse("events:manage", kwargs={"slug": event.slug}))
    counts = dict(response.context["by_status"])
    assert response.context["registration_total"] == 3
    assert counts[Registration.Status.APPROVED.label] == 2
    assert counts[Registration.Status.PENDING.label] == 1
    assert counts[Registration.Status.CANCELLED.label] == 0


# --- Status ------------------------------------------------------------------------------


def last_message(response) -> str:
    return str(list(response.wsgi_request._messages)[-1])


def change_status(client, event, status):
    return client.post(reverse("events:manage_status", kwargs={"slug": event.slug}), {"status": status})


def test_status_goes_draft_published_closed_and_reopens(client, roles, event):
    client.force_login(roles["institution_admin"])
    for status in ("published", "closed", "published"):
        response = change_status(client, event, status)
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.status == status


@pytest.mark.parametrize(("start", "wanted"), [("draft", "closed"), ("closed", "draft")])
def test_invalid_transitions_are_refused_with_a_message(client, roles, event, start, wanted):
    Event.objects.filter(pk=event.pk).update(status=start)
    client.force_login(roles["secretariat"])
    response = change_status(client, event, wanted)
    event.refresh_from_db()
    assert event.status == start
    assert "cannot go from" in last_message(response)


def test_back_to_draft_only_while_nobody_registered(client, roles, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    client.force_login(roles["secretariat"])
    change_status(client, event, "draft")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT

    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    response = change_status(client, event, "draft")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert "no longer go back to draft" in last_message(response)
    html = client.get(reverse("events:manage", kwargs={"slug": event.slug})).content.decode()
    assert "Back to draft" not in html
    assert "Close the event" in html


def test_unknown_status_and_get_are_refused(client, roles, event):
    client.force_login(roles["secretariat"])
    change_status(client, event, "archived")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert client.get(reverse("events:manage_status", kwargs={"slug": event.slug})).status_code == 405


@pytest.mark.parametrize(("role", "status"), [("participant", 404), ("other_admin", 404), ("anonymous", 302)])
def test_others_cannot_change_the_status(client, roles, event, role, status):
    login(client, roles, role)
    assert change_status(client, event, "published").status_code == status
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


# --- Links from elsewhere ----------------------------------------------------------------


def test_secretariat_dashboard_links_to_new_event_and_draft_management(client, roles, event):
    client.force_login(roles["secretariat"])
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("events:new") in html
    assert reverse("events:manage", kwargs={"slug": event.slug}) in html


@pytest.mark.parametrize(
    ("role", "shown"), [("institution_admin", True), ("secretariat", True), ("participant", False)]
)
def test_event_page_links_to_management_for_those_who_run_it(client, roles, event, role, shown):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    client.force_login(roles[role])
    html = client.get(event.get_absolute_url()).content.decode()
    assert (reverse("events:manage", kwargs={"slug": event.slug}) in html) is shown


def test_management_home_query_count_does_not_grow_with_registrations(
    client, roles, event, django_assert_max_num_queries
):
    client.force_login(roles["secretariat"])
    url = reverse("events:manage", kwargs={"slug": event.slug})
    RegistrationFactory(event=event, user=UserFactory())
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(15):
        RegistrationFactory(event=event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_dates_are_checked_for_a_new_event_too(client, roles):
    client.force_login(roles["secretariat"])
    tomorrow = date(2026, 12, 1) + timedelta(days=1)
    response = client.post(reverse("events:new"), event_data(start_date=tomorrow.isoformat(), end_date="2026-12-01"))
    assert response.context["form"].errors["end_date"] == ["The event cannot end before it starts."]
    assert not Event.objects.exists()


def test_capacity_is_checked_again_when_saving(roles, event):
    """An approval landing between the form's check and the save still keeps the capacity honest."""
    RegistrationFactory(event=event, status=Registration.Status.APPROVED)
    form = EventForm(event_data(capacity="2"), instance=event)
    assert form.is_valid(), form.errors
    RegistrationFactory.create_batch(2, event=event, status=Registration.Status.APPROVED)
    with pytest.raises(EventError, match="3 registrations are already approved"):
        event_update(form=form)
    assert Event.objects.get(pk=event.pk).capacity is None


def test_a_failed_save_keeps_the_saved_title_in_the_page_header(client, roles, event):
    client.force_login(roles["secretariat"])
    response = client.post(reverse("events:manage_edit", kwargs={"slug": event.slug}), event_data(title=""))
    assert response.context["event"].title == "Workshop on Dual Training"


def test_a_title_without_latin_letters_still_gets_a_working_slug(client, roles):
    client.force_login(roles["secretariat"])
    for _ in range(2):
        client.post(reverse("events:new"), event_data(title="第二届中国-东南亚职业教育合作研讨会"))
    slugs = sorted(Event.objects.values_list("slug", flat=True))
    assert slugs == ["event", "event-2"]
    assert client.get(reverse("events:manage", kwargs={"slug": "event-2"})).status_code == 200
