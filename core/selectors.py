"""Reads of the shared models."""

from django.core.cache import cache

from .models import ImportJob

# How long a running step's progress is kept in the cache.
PROGRESS_SECONDS = 6 * 60 * 60


def progress_key(job_id: int) -> str:
    return f"core:import-job:{job_id}:progress"


def import_job_progress(*, job: ImportJob) -> tuple[int, int]:
    """Return ``(done, total)`` rows of the job's current step.

    While a worker is busy the numbers come from the cache, where the step reports them (the
    writing runs in one transaction, which would hide them in the job's row until the end).
    """
    if job.is_working:
        reported = cache.get(progress_key(job.pk))
        if reported is not None:
            return tuple(reported)
    return job.progress_done, job.progress_total
