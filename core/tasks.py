"""Background jobs of the shared models: thin wrappers that call a service."""

from datetime import timedelta

from celery import shared_task


@shared_task(name="core.purge_import_jobs")
def purge_import_jobs_task() -> int:
    """Run daily by beat: delete import jobs (and their files) older than the retention period."""
    from django.conf import settings

    from .services import import_jobs_purge

    return import_jobs_purge(older_than=timedelta(days=settings.IMPORT_JOB_RETENTION_DAYS))


# The outbox's two tasks keep the names they were registered under when the outbox lived in the
# portal app: beat's schedule and messages already waiting in the broker name them so.


@shared_task(name="portal.dispatch_outbox")
def dispatch_outbox() -> int:
    """Hand due outbox emails to workers and re-queue ones stuck in flight (every minute)."""
    from . import outbox

    return outbox.dispatch()


@shared_task(name="portal.send_outbox_email", acks_late=True, reject_on_worker_lost=True)
def send_outbox_email(email_id: int) -> None:
    """Send one outbox email; the row records the outcome, so this task never retries itself."""
    from . import outbox

    outbox.deliver(email_id=email_id)
