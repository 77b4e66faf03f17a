"""Background jobs of the shared models: thin wrappers that call a service."""

from datetime import timedelta

from celery import shared_task


@shared_task(name="core.purge_import_jobs")
def purge_import_jobs_task() -> int:
    """Run daily by beat: delete import jobs (and their files) older than the retention period."""
    from django.conf import settings

    from .services import import_jobs_purge

    return import_jobs_purge(older_than=timedelta(days=settings.IMPORT_JOB_RETENTION_DAYS))
