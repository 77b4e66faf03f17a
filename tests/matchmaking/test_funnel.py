"""The meeting funnel: one definition per step, the same figures in the report, its PDF and the dashboard."""

import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from matchmaking.followups import led_to_signed_mou, meeting_held
from matchmaking.funnel import FUNNEL_STEPS, meeting_funnel
from matchmaking.models import Meeting, MeetingRequest
from matchmaking.report import build_report
from tests.factories import EventFactory, MatchmakingSessionFactory, MeetingFactory
from tests.matchmaking.test_report_matchmaking import add_request

pytestmark = pytest.mark.django_db


def _direct_counts(events, now) -> dict[str, int]:
    requests = MeetingRequest.objects.filter(session__event__in=events)
    published = Meeting.objects.filter(session__event__in=events, status=Meeting.Status.PUBLISHED)
    held = published.filter(meeting_held(now))
    return {
        "sent": requests.count(),
        "accepted": requests.filter(status=MeetingRequest.Status.ACCEPTED).count(),
        "scheduled": published.count(),
        "held": held.count(),
        "signed": held.filter(led_to_signed_mou()).count(),
    }


def _assert_adds_up(funnel) -> None:
    counts = [step.count for step in funnel.steps]
    assert [step.key for step in funnel.steps] == [key for key, _label, _help in FUNNEL_STEPS]
    assert counts == sorted(counts, reverse=True)  # each step holds at most the one before
    for index, _step in enumerate(funnel.steps):
        assert sum(steps[index].count for _code, _name, steps in funnel.by_country) == counts[index]


def test_demo_funnel_adds_up_and_equals_direct_queries(demo):
    now = timezone.now()
    events = [event for event in Event.objects.all() if MeetingRequest.objects.filter(session__event=event).exists()]
    assert events  # the demo has matchmaking

    for event in events:
        funnel = meeting_funnel(event_filter=Q(pk=event.pk), now=now)
        _assert_adds_up(funnel)
        assert {key: funnel.count[key] for key in _direct_counts([event], now)} == _direct_counts([event], now)
    everything = meeting_funnel(event_filter=Q(), now=now)
    _assert_adds_up(everything)
    assert {key: everything.count[key] for key in _direct_counts(events, now)} == _direct_counts(events, now)


def test_report_tables_and_dashboard_agree_with_the_funnel(demo, client):
    from portal import demo_data
    from portal.models import User
    from tests.factories import give_second_factor

    event = Event.objects.get(slug=demo_data.WORKSHOP_2)
    matchmaking = build_report(event).matchmaking
    client.force_login(give_second_factor(User.objects.get(email="secretariat@example.org")))

    dashboard = client.get(reverse("dashboard_funnel"), headers={"HX-Request": "true"})

    funnel = {step.key: step.count for step in matchmaking.funnel}
    assert funnel["sent"] == matchmaking.requests_sent == sum(count for _v, _l, count in matchmaking.request_lines)
    assert funnel["accepted"] == matchmaking.requests_in(MeetingRequest.Status.ACCEPTED)
    assert (funnel["scheduled"], funnel["held"]) == (matchmaking.meetings_scheduled, matchmaking.meetings_held)
    total = dashboard.context["funnel"]
    assert total.count == meeting_funnel(event_filter=Q(), now=timezone.now()).count
    page = " ".join(dashboard.content.decode().split())
    assert f'<th scope="row">Requests sent</th> <td>{total.count["sent"]}</td>' in page
    assert "Per country of the requesting institution" in page


def test_per_country_is_the_requesters_institution_country(roles):
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event)
    request = add_request(session)
    request.requester.institution.country = "TH"
    request.requester.institution.save(update_fields=["country"])
    request.recipient.institution.country = "CN"
    request.recipient.institution.save(update_fields=["country"])

    funnel = meeting_funnel(event_filter=Q(pk=event.pk), now=timezone.now())

    assert [(code, steps[0].count) for code, _name, steps in funnel.by_country] == [("TH", 1)]


def test_funnel_queries_do_not_grow_with_the_meetings(roles, django_assert_max_num_queries):
    event = EventFactory()
    start = timezone.now() - timedelta(days=2)
    session = MatchmakingSessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=2))
    add_request(session, meeting_status=Meeting.Status.PUBLISHED)
    with django_assert_max_num_queries(3) as few:
        meeting_funnel(event_filter=Q(pk=event.pk), now=timezone.now())
    for _ in range(6):
        add_request(session, meeting_status=Meeting.Status.PUBLISHED, attendance=Meeting.Attendance.HELD)

    with django_assert_max_num_queries(len(few.captured_queries)):
        funnel = meeting_funnel(event_filter=Q(pk=event.pk), now=timezone.now())

    assert funnel.count["held"] == 7


def _secretariat_client(client, roles):
    client.force_login(roles["secretariat"])
    return client


def _dashboard_funnel(client):
    """The step counts the dashboard's funnel shows (rendered afresh or kept)."""
    response = client.get(reverse("dashboard_funnel"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    table = response.content.decode().split('id="report-funnel"', 1)[1].split("</table>", 1)[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(\d+)</td>', table))
    return {key: int(rows[str(label)]) for key, label, _help in FUNNEL_STEPS}


def test_dashboard_loads_the_funnel_after_its_first_paint(client, roles):
    _secretariat_client(client, roles)

    page = client.get(reverse("dashboard")).content.decode()

    assert f'hx-get="{reverse("dashboard_funnel")}" hx-trigger="load"' in page
    assert 'id="report-funnel"' not in page
    full = client.get(reverse("dashboard_funnel")).content.decode()  # without JavaScript: a page
    assert 'id="report-funnel"' in full
    assert "<html" in full


@pytest.mark.parametrize("role", ["participant", "institution_admin", "other_admin"])
def test_the_dashboard_funnel_is_the_secretariats_alone(client, roles, role):
    client.force_login(roles[role])

    assert client.get(reverse("dashboard_funnel"), headers={"HX-Request": "true"}).status_code == 404


def test_the_dashboard_funnel_is_kept_until_a_request_or_meeting_changes(
    client, roles, monkeypatch, django_assert_max_num_queries
):
    from matchmaking import funnel as funnel_module
    from portal import selectors

    start = timezone.now() - timedelta(days=2)
    session = MatchmakingSessionFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    request = add_request(session, status=MeetingRequest.Status.PENDING)
    computed = []
    monkeypatch.setattr(
        selectors, "meeting_funnel", lambda **kwargs: computed.append(1) or funnel_module.meeting_funnel(**kwargs)
    )
    _secretariat_client(client, roles)

    assert _dashboard_funnel(client)["sent"] == 1
    assert _dashboard_funnel(client)["sent"] == 1
    assert len(computed) == 1  # kept

    add_request(session, status=MeetingRequest.Status.PENDING)  # a new request
    assert _dashboard_funnel(client)["sent"] == 2

    request.status = MeetingRequest.Status.ACCEPTED  # a request accepted
    request.save(update_fields=["status"])
    assert _dashboard_funnel(client)["accepted"] == 1

    meeting = MeetingFactory(request=request, status=Meeting.Status.PROVISIONAL)
    assert _dashboard_funnel(client)["scheduled"] == 0
    meeting.status = Meeting.Status.PUBLISHED  # a meeting published
    meeting.save(update_fields=["status"])
    assert _dashboard_funnel(client)["scheduled"] == 1
    assert _dashboard_funnel(client)["held"] == 1  # its session is over

    meeting.attendance = Meeting.Attendance.NO_SHOW  # marked a no-show
    meeting.save(update_fields=["attendance"])
    assert _dashboard_funnel(client)["held"] == 0
    assert len(computed) == 6


def test_the_kept_dashboard_funnel_expires_with_the_clock(client, roles, settings):
    """A meeting counts as held once its session is over: the kept funnel lasts PAGE_CACHE_SECONDS at most."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 1
    seen = []
    original = cache.set
    _secretariat_client(client, roles)

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith("pagecache:kept:") and key.endswith(":dashboard:funnel"):
            seen.append(timeout)
        return original(key, value, timeout, **kwargs)

    cache.set = spy
    try:
        _dashboard_funnel(client)
    finally:
        cache.set = original

    assert seen == [1]
