"""Retention: personal data of events long past is purged, the record of the event stays.

``PERSONAL_DATA_RETENTION_DAYS`` after an event's last day, each registration's personal
codes are replaced by fresh random values that are never shown anywhere (badge check-in,
contact exchange, personal survey link, follow-up answer links), the check-in time is
reduced to the event's first day (the report still counts who came, nobody can tell when),
and survey answers given from a browser lose the browser's key. Names, meetings, outcomes
and MoU links stay: they are the record of the event, and leaving is ``portal.privacy``'s job.

The job runs nightly from Celery beat, in batches, and is idempotent: a purged registration
carries ``personal_data_purged_at`` and is never touched again. Each run is recorded.
"""

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .models import Event, Registration, RetentionRun, SurveyResponse, new_token

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

# Apps above events keep personal codes of their own per registration (the matchmaking app's
# follow-up answer links). Each registers here, from its ``AppConfig.ready()``, a function that
# takes a batch of registrations being purged, replaces their codes in the same transaction and
# returns how many it replaced (recorded as ``RetentionRun.follow_ups``).
_link_purgers: list[Callable[[list[Registration]], int]] = []


def register_link_purger(purger: Callable[[list[Registration]], int]) -> None:
    """Have ``purger`` replace an app's personal links of each batch of purged registrations."""
    if purger not in _link_purgers:
        _link_purgers.append(purger)


def retention_cutoff(*, today: date | None = None) -> date:
    """Events whose last day is before this date are past the retention period."""
    today = today or timezone.localdate()
    return today - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def personal_data_purge(*, today: date | None = None, batch_size: int = BATCH_SIZE) -> RetentionRun:
    """Purge the personal codes and check-in times of events that ended before the cutoff.

    Each batch commits on its own, so a long first run makes progress even if it is stopped;
    the next run continues where it ended. Returns the recorded run.
    """
    cutoff = retention_cutoff(today=today)
    run = RetentionRun(cutoff=cutoff)
    past_events = Event.objects.filter(end_date__lt=cutoff)
    while True:
        with transaction.atomic():
            batch = list(
                Registration.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(event__in=past_events, personal_data_purged_at__isnull=True)
                .select_related("event")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            run.registrations += len(batch)
            run.follow_ups += _purge_batch(batch)
    run.survey_responses = _unlink_browsers(past_events)
    run.save()
    logger.info(
        "Retention: purged %s registrations and %s follow-up links of events that ended before %s",
        run.registrations,
        run.follow_ups,
        cutoff,
    )
    return run


def _purge_batch(batch: list[Registration]) -> int:
    now = timezone.now()
    for registration in batch:
        registration.badge_token = new_token()
        registration.contact_token = new_token()
        registration.survey_token = new_token()
        if registration.checked_in_at is not None:
            event = registration.event
            registration.checked_in_at = datetime.combine(event.start_date, time.min, tzinfo=ZoneInfo(event.time_zone))
        registration.personal_data_purged_at = now
    Registration.objects.bulk_update(
        batch, ["badge_token", "contact_token", "survey_token", "checked_in_at", "personal_data_purged_at"]
    )
    return sum(purger(batch) for purger in _link_purgers)


def _unlink_browsers(past_events) -> int:
    """Replace the browser key of survey answers given at a table by the response's own id."""
    return SurveyResponse.objects.filter(survey__event__in=past_events, respondent_key__startswith="b:").update(
        respondent_key=Concat(Value("purged:"), Cast("pk", output_field=CharField()))
    )
