"""The exchange week of ``bench.week``: built beside the demo, once, and measured by ``bench.load``."""

import pytest

from bench.load import pages
from bench.week import DOMAIN, INSTITUTION_PREFIX, SLUG, ensure_exchange_week
from events.models import Delegation, Event, Registration
from institutions.models import Institution
from matchmaking.models import MeetingRequest
from portal.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_week_is_built_once_beside_the_demo_and_its_list_is_measured(demo, client, settings):
    institutions_before = Institution.objects.count()

    built = ensure_exchange_week(400, institutions=15, requests=40)
    again = ensure_exchange_week(400, institutions=15, requests=40)

    event = Event.objects.get(slug=SLUG)
    registrations = Registration.objects.filter(event=event)
    assert (built, again) == (True, False)
    assert registrations.count() == 400
    assert registrations.exclude(user__email__endswith=f"@{DOMAIN}").count() == 0
    assert set(registrations.values_list("status", flat=True)) >= {"approved", "pending"}
    assert registrations.values("institution").distinct().count() > 5
    assert registrations.filter(delegation__isnull=False).exists()
    assert Delegation.objects.filter(event=event).count() > 1
    assert MeetingRequest.objects.filter(session__event=event).count() == 40
    assert Institution.objects.count() == institutions_before + 15
    assert Institution.objects.filter(slug__startswith=INSTITUTION_PREFIX).count() == 15
    assert demo_load().changed_anything is False

    page = next(page for page in pages() if page.name == "registrations list")
    assert SLUG in page.path
    settings.PORTAL_DEMO_WAIVE_MFA = True
    from portal.models import User

    client.force_login(User.objects.get(email="secretariat@example.org"))
    response = client.get(page.path)
    assert response.status_code == 200
    assert len(response.context["registrations"]) == 50


def test_another_size_replaces_the_week(demo):
    ensure_exchange_week(30, institutions=6, requests=10)

    assert ensure_exchange_week(40, institutions=6, requests=10) is True
    assert Registration.objects.filter(event__slug=SLUG).count() == 40
    assert Institution.objects.filter(slug__startswith=INSTITUTION_PREFIX).count() == 6
