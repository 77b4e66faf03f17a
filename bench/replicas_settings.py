"""Settings for the two-replica run (``bench.replicas``) and the beat tests: the portal's own,
with beat firing the periodic tasks that send email every few seconds instead of every minute
or every day, so that a short run sees the schedule go round many times.

REPLICA_SCHEDULE_SECONDS (default 2) is the interval.
"""

import os

from portal.settings import *  # noqa: F403 -- the portal's settings, with a faster schedule

_EVERY = float(os.environ.get("REPLICA_SCHEDULE_SECONDS", "2"))

CELERY_BEAT_SCHEDULE = {
    # Counted in beat's log: one run per interval, whichever beat holds the lock.
    "portal-heartbeat": {"task": "portal.heartbeat", "schedule": _EVERY},
    # Queues the reminders of meetings starting within the hour (each once, by its key) ...
    "matchmaking-meeting-reminders": {"task": "matchmaking.queue_meeting_reminders", "schedule": _EVERY},
    # ... and hands them to the workers, which send them to the SMTP server.
    "portal-dispatch-outbox": {"task": "portal.dispatch_outbox", "schedule": _EVERY},
}

# Static files from the apps' folders, as in the test settings, instead of the manifest that
# collectstatic writes into the project: static files are the same on every replica, and
# collecting them would take longer than the rest of the run.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
