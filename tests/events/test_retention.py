"""Retention: personal codes and check-in times of events long past are purged by a nightly job."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, RetentionRun, SurveyResponse
from events.retention import personal_data_purge, retention_cutoff
from events.tasks import purge_personal_data_task
from matchmaking.models import FollowUp
from matchmaking.report import build_report
from tests.factories import (
    EventFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingRequestFactory,
    RegistrationFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db


def ended(days_ago: int, **kwargs):
    end = timezone.localdate() - timedelta(days=days_ago)
    return EventFactory(start_date=end - timedelta(days=2), end_date=end, **kwargs)


@pytest.fixture
def past(settings):
    """An event that ended a day before the retention period ran out, with a check-in and a follow-up."""
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    event = ended(31)
    registration = RegistrationFactory(event=event, checked_in_at=datetime(2020, 1, 1, 9, 42, tzinfo=UTC))
    request = MeetingRequestFactory(session__event=event, requester=registration, status="accepted")
    follow_up = FollowUpFactory(meeting=MeetingFactory(request=request), recipient=registration)
    return event, registration, follow_up


def test_purge_replaces_codes_and_reduces_check_in_to_the_day(past):
    event, registration, follow_up = past
    before = Registration.objects.get(pk=registration.pk)

    run = personal_data_purge()

    after = Registration.objects.get(pk=registration.pk)
    assert after.badge_token != before.badge_token
    assert after.contact_token != before.contact_token
    assert after.survey_token != before.survey_token
    assert after.checked_in_at == datetime.combine(event.start_date, time.min, tzinfo=ZoneInfo(event.time_zone))
    assert after.personal_data_purged_at is not None
    assert FollowUp.objects.get(pk=follow_up.pk).token != follow_up.token
    assert run.registrations == 2  # both sides of the meeting
    assert run.follow_ups == 1
    assert RetentionRun.objects.count() == 1


def test_purge_keeps_the_report_figures(past):
    event, _registration, _follow_up = past
    checked_in_before = build_report(event).checked_in

    personal_data_purge()

    assert build_report(event).checked_in == checked_in_before == 1


def test_purge_leaves_events_within_the_retention_period_untouched(past):
    recent = ended(29)
    kept = RegistrationFactory(event=recent, checked_in_at=timezone.now() - timedelta(days=29))
    upcoming = RegistrationFactory(event=EventFactory())
    before = {r.pk: r for r in Registration.objects.filter(pk__in=[kept.pk, upcoming.pk])}

    run = personal_data_purge()

    for registration in Registration.objects.filter(pk__in=[kept.pk, upcoming.pk]):
        assert registration.badge_token == before[registration.pk].badge_token
        assert registration.survey_token == before[registration.pk].survey_token
        assert registration.contact_token == before[registration.pk].contact_token
        assert registration.checked_in_at == before[registration.pk].checked_in_at
        assert registration.personal_data_purged_at is None
    assert run.registrations == 2  # only the past event's two participants


def test_purge_twice_touches_nothing_the_second_time(past):
    _event, registration, _follow_up = past
    personal_data_purge()
    first = Registration.objects.get(pk=registration.pk)

    second_run = personal_data_purge()

    again = Registration.objects.get(pk=registration.pk)
    assert second_run.registrations == 0
    assert again.badge_token == first.badge_token
    assert again.personal_data_purged_at == first.personal_data_purged_at
    assert RetentionRun.objects.count() == 2


def test_purge_works_in_batches(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    event = ended(60)
    RegistrationFactory.create_batch(5, event=event)

    run = personal_data_purge(batch_size=2)

    assert run.registrations == 5
    assert Registration.objects.filter(event=event, personal_data_purged_at__isnull=True).count() == 0


def test_purge_unlinks_browser_keys_of_past_survey_answers(past):
    event, _registration, _follow_up = past
    table_answer = SurveyResponseFactory(survey=SurveyFactory(event=event), registration=None, respondent_key="b:abc")
    recent_answer = SurveyResponseFactory(
        survey=SurveyFactory(event=ended(1)), registration=None, respondent_key="b:xyz"
    )

    run = personal_data_purge()

    assert SurveyResponse.objects.get(pk=table_answer.pk).respondent_key == f"purged:{table_answer.pk}"
    assert SurveyResponse.objects.get(pk=recent_answer.pk).respondent_key == "b:xyz"
    assert run.survey_responses == 1


def test_purged_badge_code_no_longer_opens_check_in(client, past, roles):
    event, registration, _follow_up = past
    url = reverse("events:checkin_scan", kwargs={"slug": event.slug, "token": registration.badge_token})
    client.force_login(roles["secretariat"])
    before = client.get(url).content.decode()

    personal_data_purge()
    after = client.get(url).content.decode()

    assert registration.user.display_name in before
    assert "Unknown badge" in after
    assert registration.user.display_name not in after


def test_task_runs_the_purge(past):
    _event, registration, _follow_up = past

    assert purge_personal_data_task.delay().get() == 2
    assert Registration.objects.get(pk=registration.pk).personal_data_purged_at is not None


def test_cutoff_follows_the_setting(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 10

    assert retention_cutoff(today=datetime(2026, 3, 20).date()) == datetime(2026, 3, 10).date()


def test_beat_schedules_the_purge():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]

    assert "events.purge_personal_data" in entries
