"""The public event page: facts, agenda on the event's clock, and counts without names."""

from datetime import date, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.models import Event, Registration, Session
from events.selectors import participation_by_country, participation_totals
from institutions.models import Institution, Membership
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
    local_datetime,
)

pytestmark = pytest.mark.django_db


def page(client, event):
    return client.get(reverse("events:detail", kwargs={"slug": event.slug}))


def register(event, institution, *, status=Registration.Status.APPROVED, **user_kwargs):
    user = UserFactory(verified_email=True, **user_kwargs)
    MembershipFactory(user=user, institution=institution)
    return RegistrationFactory(event=event, user=user, institution=institution, status=status)


@pytest.fixture
def event_with_people():
    """Known numbers: China 3 participants from 2 institutions, Cambodia 2 from 1, Thailand 1 from 1.

    A pending, a rejected and a cancelled registration (all Thai) must not be counted.
    """
    event = EventFactory(title="China-SEA Workshop", theme="Skills for the green economy", venue="Sokha Hotel")
    guangxi = InstitutionFactory(name="Guangxi Vocational College", country="CN")
    yunnan = InstitutionFactory(name="Yunnan Polytechnic", country="CN")
    phnom_penh = InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")
    bangkok = InstitutionFactory(name="Bangkok Technical College", country="TH")
    register(event, guangxi, display_name="王小明", email="wang@example.org")
    register(event, guangxi, display_name="Li Hua", email="li.hua@example.org")
    register(event, yunnan, display_name="Zhao Lei", email="zhao@example.org")
    register(event, phnom_penh, display_name="សុខ ដារា", email="dara@example.org")
    register(event, phnom_penh, display_name="Chan Sokha", email="sokha@example.org")
    register(event, bangkok, display_name="สมชาย ใจดี", email="somchai@example.org")
    register(event, bangkok, status=Registration.Status.PENDING, display_name="Pending Person")
    register(event, bangkok, status=Registration.Status.REJECTED, display_name="Rejected Person")
    register(event, bangkok, status=Registration.Status.CANCELLED, display_name="Cancelled Person")
    # Someone else's event must not leak into the counts.
    register(EventFactory(), bangkok, display_name="Elsewhere Person")
    return event


def test_counts_per_country_are_approved_only_and_add_up(event_with_people):
    countries = participation_by_country(event=event_with_people)

    by_code = {row["country"]: (row["participants"], row["institutions"]) for row in countries}
    assert by_code == {"CN": (3, 2), "KH": (2, 1), "TH": (1, 1)}
    assert [row["country"] for row in countries] == ["CN", "KH", "TH"]
    totals = participation_totals(countries=countries)
    assert totals == {"participants": 6, "institutions": 4, "countries": 3}
    approved = event_with_people.registrations.filter(status=Registration.Status.APPROVED)
    assert totals["participants"] == approved.count()
    assert totals["institutions"] == approved.values("institution").distinct().count()


def test_page_states_country_counts_and_facts(client, event_with_people):
    body = page(client, event_with_people).content.decode()

    assert "Skills for the green economy" in body
    assert "Sokha Hotel, Phnom Penh, Cambodia" in body
    assert "3 participants" in body
    assert "from 2 institutions" in body
    assert "2 participants" in body
    assert "1 participant" in body
    assert "from 1 institution" in body
    assert "<strong>China</strong>" in body
    assert "<strong>Thailand</strong>" in body


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "other-participant"])
def test_page_shows_no_names_or_emails(client, event_with_people, signed_in):
    """Neither visitors nor other signed-in people see who registered, not even speakers."""
    speaker = event_with_people.registrations.get(user__display_name="Li Hua")
    SessionFactory(event=event_with_people, title="Opening plenary").speakers.add(speaker)
    if signed_in:
        client.force_login(UserFactory(verified_email=True))

    body = page(client, event_with_people).content.decode()

    assert "Opening plenary" in body
    for registration in event_with_people.registrations.select_related("user"):
        assert registration.user.display_name not in body
        assert registration.user.email not in body


def test_organisers_are_listed_with_their_verification_state(client):
    verified = InstitutionFactory(name="Verified Host College", verification_status=Institution.Verification.VERIFIED)
    unverified = InstitutionFactory(name="New Host Institute")
    event = EventFactory()
    event.organisers.add(verified, unverified)

    body = " ".join(page(client, event).content.decode().split())

    assert verified.get_absolute_url() in body
    assert 'Verified Host College</a> <span class="badge badge-ok">verified</span>' in body
    assert 'New Host Institute</a> <span class="badge badge-warn">' in body


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("anonymous", 404),
        ("participant", 404),
        ("institution_admin", 404),
        ("organiser_admin", 200),
        ("secretariat", 200),
    ],
)
def test_draft_is_found_only_by_those_who_run_it(client, roles, who, status_code):
    event = EventFactory(status=Event.Status.DRAFT)
    organiser = InstitutionFactory()
    event.organisers.add(organiser)
    if who == "organiser_admin":
        client.force_login(MembershipFactory(institution=organiser, role=Membership.Role.ADMIN).user)
    elif who != "anonymous":
        client.force_login(roles[who])

    assert page(client, event).status_code == status_code


def test_unknown_event_is_404(client):
    assert client.get(reverse("events:detail", kwargs={"slug": "no-such-event"})).status_code == 404


def test_agenda_is_grouped_by_day_on_the_event_clock(client):
    event = EventFactory(time_zone="Asia/Phnom_Penh", start_date=date(2031, 3, 10), end_date=date(2031, 3, 11))
    SessionFactory(
        event=event,
        title="Day two visit",
        kind=Session.Kind.INDUSTRIAL_VISIT,
        starts_at=local_datetime(date(2031, 3, 11), time(8, 30), "Asia/Phnom_Penh"),
        ends_at=local_datetime(date(2031, 3, 11), time(12), "Asia/Phnom_Penh"),
    )
    # 23:30 UTC on the 9th is 06:30 on the 10th in Phnom Penh: it belongs to day one.
    SessionFactory(
        event=event,
        title="Early breakfast",
        starts_at=local_datetime(date(2031, 3, 10), time(6, 30), "Asia/Phnom_Penh"),
        ends_at=local_datetime(date(2031, 3, 10), time(7, 30), "Asia/Phnom_Penh"),
    )

    body = page(client, event).content.decode()

    day_one, day_two = body.index("Monday, March 10, 2031"), body.index("Tuesday, March 11, 2031")
    assert day_one < body.index("Early breakfast") < day_two < body.index("Day two visit")
    assert ">06:30</time>–<time" in body
    assert ">08:30</time>" in body
    assert "your time" not in body
    assert "industrial visit" in body
    assert reverse("events:calendar_ics", kwargs={"slug": event.slug}) in body


def test_signed_in_viewer_in_another_zone_sees_their_time_too(client):
    event = EventFactory(time_zone="Asia/Phnom_Penh")
    SessionFactory(event=event, title="Opening")  # 09:00–10:30 in Phnom Penh
    client.force_login(UserFactory(verified_email=True, time_zone="Asia/Shanghai"))

    body = page(client, event).content.decode()

    assert ">09:00</time>–<time" in body
    assert "(10:00–11:30 your time)" in body


def test_viewer_with_the_same_offset_sees_one_time(client):
    event = EventFactory(time_zone="Asia/Phnom_Penh")
    SessionFactory(event=event)
    client.force_login(UserFactory(verified_email=True, time_zone="Asia/Bangkok"))

    assert "your time" not in page(client, event).content.decode()


def test_query_count_does_not_grow_with_registrations_or_sessions(client, django_assert_max_num_queries):
    event = EventFactory()
    event.organisers.add(InstitutionFactory())
    register(event, InstitutionFactory(country="CN"))
    SessionFactory(event=event)
    viewer = UserFactory(verified_email=True)
    client.force_login(viewer)
    page(client, event)  # warm up: session and user lookups are the same on every request

    with CaptureQueriesContext(connection) as small:
        assert page(client, event).status_code == 200

    for index in range(12):
        register(event, InstitutionFactory(country=["CN", "TH", "VN", "KH"][index % 4]))
        SessionFactory(
            event=event,
            starts_at=local_datetime(event.start_date, time(9), event.time_zone) + timedelta(hours=index % 8),
        )
    event.organisers.add(InstitutionFactory(), InstitutionFactory())

    with django_assert_max_num_queries(len(small.captured_queries)):
        body = page(client, event).content.decode()
    assert "13</strong>participants" in body.replace("\n", "").replace(" ", "")


def test_event_list_splits_upcoming_and_past_and_hides_drafts(client):
    today = date.today()
    upcoming = EventFactory(title="Upcoming exchange week")
    past = EventFactory(
        title="Last year's study trip",
        status=Event.Status.CLOSED,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=398),
    )
    EventFactory(title="Secret draft workshop", status=Event.Status.DRAFT)
    phnom_penh = InstitutionFactory(country="KH")
    register(upcoming, phnom_penh)
    register(upcoming, phnom_penh)
    register(upcoming, phnom_penh, status=Registration.Status.PENDING)

    body = client.get(reverse("events:list")).content.decode()

    assert "Secret draft workshop" not in body
    assert body.index("Upcoming exchange week") < body.index("Past events") < body.index("Last year&#x27;s study trip")
    assert past.get_absolute_url() in body
    assert "2 registered participants" in body


def test_event_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    EventFactory().organisers.add(InstitutionFactory())
    client.get(reverse("events:list"))
    cache.clear()  # measure a rendering, not the copy of the page that visitors get from the cache

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("events:list"))
    for _ in range(6):
        event = EventFactory()
        event.organisers.add(InstitutionFactory())
        register(event, InstitutionFactory())

    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(reverse("events:list")).content.decode()
    assert body.count("event-card") == 7


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", ["柬埔寨", "越南", "中国"]), ("en", ["Cambodia", "China", "Vietnam"])],
)
def test_countries_with_equal_delegations_sort_by_name_in_the_reader_language(language, expected):
    event = EventFactory()
    for code in ("VN", "CN", "KH"):
        register(event, InstitutionFactory(country=code))

    with translation.override(language):
        names = [str(row["country_name"]) for row in participation_by_country(event=event)]

    assert names == expected
