"""Running spreadsheet imports in the background: the life of an :class:`ImportJob`.

An import app (institutions, event participants) owns its kind: it creates the job with
:func:`import_job_create`, queues its own preview task, and its tasks call
:func:`import_job_preview_run` and :func:`import_job_commit_run` with the function that does
the work. These two hold the state guards that make a redelivered task a no-op:

- the preview reads only, so it runs from PENDING (or RUNNING again, when a worker died in the
  middle) to PREVIEWED;
- the commit runs only from COMMITTING, and marks the job DONE in the same transaction as the
  rows it writes, with the job's row locked: a redelivery finds it DONE and stops, and a worker
  that dies mid-way leaves nothing written and the job still COMMITTING, to be run again.

A failure of either marks the job FAILED with a translated message and writes nothing. Each
step counts its attempts (committed before the work starts): a file that kills its worker
every time (past the hard time limit) fails after MAX_ATTEMPTS deliveries instead of being
handed out for ever.
Progress goes to the cache while a step runs (the commit's transaction would hide it from
the page until the end) and to the job when the step ends.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.context import set_actor
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import ImportJob
from .selectors import PROGRESS_SECONDS
from .selectors import progress_key as _progress_key

logger = logging.getLogger(__name__)

# Deliveries of one step (preview or writing) before the job is marked failed.
MAX_ATTEMPTS = 3

Progress = Callable[[int, int], None]


class ImportJobError(Exception):
    """The import cannot go on; the message is translated and shown to the person importing."""


@dataclass
class CommitOutcome:
    """What an import's commit function did: wrote everything (``result``), or found that the
    data changed since the preview and computed a new one (``preview`` and ``warning``)."""

    result: dict | None = None
    preview: dict | None = None
    warning: str = ""


def import_job_queue(*, task, job_id: int) -> None:
    """Hand ``task`` (a preview or commit task taking ``job_id``) to a worker, within the time limit
    of imports (``IMPORT_TASK_TIME_LIMIT``); callers queue it with ``transaction.on_commit``."""
    limit = settings.IMPORT_TASK_TIME_LIMIT
    task.apply_async(kwargs={"job_id": job_id}, soft_time_limit=limit, time_limit=limit + 60)


def import_job_content(*, job: ImportJob) -> bytes:
    """Return the bytes of the job's uploaded file; ImportJobError when it is gone."""
    try:
        with job.file.open("rb") as stream:
            return stream.read()
    except (FileNotFoundError, ValueError) as exc:
        raise ImportJobError(_("The uploaded file is no longer there: upload it again.")) from exc


def import_job_progress_report(*, job_id: int, done: int, total: int) -> None:
    """Record how far a running step of the job is, for the progress page."""
    cache.set(_progress_key(job_id), (done, total), PROGRESS_SECONDS)


def import_job_create(
    *,
    kind: str,
    created_by,
    upload,
    target_id: int | None = None,
    params: dict | None = None,
    language: str = "",
) -> ImportJob:
    """Store ``upload`` in the private storage under a random name and create a PENDING job.

    The caller queues the kind's preview task with ``transaction.on_commit``.
    """
    job = ImportJob(
        kind=kind,
        created_by=created_by,
        target_id=target_id,
        filename=(upload.name or "")[-255:],
        params=params or {},
        language=language or translation.get_language() or "en",
    )
    upload.seek(0)
    job.file.save(upload.name, upload, save=False)
    job.full_clean()
    job.save()
    return job


def _finish_file(job: ImportJob) -> None:
    """Delete the uploaded file once nothing more will read it."""
    if job.file:
        job.file.delete(save=False)


def import_job_fail(*, job_id: int, message: str, statuses: tuple[str, ...]) -> None:
    """Mark the job FAILED with ``message`` if it is still in one of ``statuses``."""
    job = ImportJob.objects.filter(pk=job_id, status__in=statuses).first()
    if job is None:
        return
    _finish_file(job)
    ImportJob.objects.filter(pk=job_id, status__in=statuses).update(
        status=ImportJob.Status.FAILED,
        error=message,
        file="",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    cache.delete(_progress_key(job_id))


def _unexpected() -> str:
    return _("The import failed unexpectedly; nothing was written. Try again, or tell the secretariat.")


def _too_many_attempts(job_id: int, status: str) -> None:
    with translation.override(_job_language(job_id)):
        import_job_fail(
            job_id=job_id,
            message=_(
                "Reading the file took too long several times; nothing was written. Split it into "
                "smaller files, or tell the secretariat."
            ),
            statuses=(status,),
        )


def import_job_preview_run(*, job_id: int, build: Callable[[ImportJob, Progress], dict]) -> None:
    """Compute the job's preview with ``build(job, progress)``; nothing is written but the job.

    Idempotent: a job that is no longer PENDING or RUNNING is left alone.
    """
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING], attempts__lt=MAX_ATTEMPTS
    ).update(status=ImportJob.Status.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now())
    if not claimed:
        if ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).exists():
            logger.warning("Import job %s: preview given up after %s attempts", job_id, MAX_ATTEMPTS)
            _too_many_attempts(job_id, ImportJob.Status.RUNNING)
        else:
            logger.info("Import job %s is not waiting for a preview", job_id)
        return
    job = ImportJob.objects.get(pk=job_id)

    def progress(done: int, total: int) -> None:
        import_job_progress_report(job_id=job_id, done=done, total=total)

    with translation.override(job.language):
        try:
            preview = build(job, progress)
        except ImportJobError as exc:
            import_job_fail(job_id=job_id, message=str(exc), statuses=(ImportJob.Status.RUNNING,))
            return
        except Exception:
            logger.exception("Preview of import job %s failed", job_id)
            import_job_fail(job_id=job_id, message=_unexpected(), statuses=(ImportJob.Status.RUNNING,))
            return
    total = int(preview.get("total_rows", 0))
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.PREVIEWED,
        preview=preview,
        attempts=0,
        progress_done=total,
        progress_total=total,
        updated_at=timezone.now(),
    )
    cache.delete(_progress_key(job_id))


def import_job_confirm(*, job: ImportJob, decisions: dict, leave_out_errors: bool = False) -> bool:
    """Record the person's decisions and move a PREVIEWED job to COMMITTING.

    ``leave_out_errors``: the person chose to import the rows without errors and leave out the
    others. Return False (and change nothing) when the job is not waiting for a confirmation,
    or its preview has errors and they are not to be left out, or no row is without errors.
    The caller queues the kind's commit task with ``transaction.on_commit``.
    """
    preview = job.preview or {}
    if job.status != ImportJob.Status.PREVIEWED:
        return False
    if preview.get("has_errors") and not (leave_out_errors and preview.get("valid_rows", 0) > 0):
        return False
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.COMMITTING,
        attempts=0,
        decisions=decisions,
        leave_out_errors=bool(leave_out_errors and preview.get("has_errors")),
        warning="",
        progress_done=0,
        updated_at=timezone.now(),
    )
    if updated:
        job.refresh_from_db()
    return bool(updated)


def import_job_commit_run(*, job_id: int, commit: Callable[[ImportJob, Progress], CommitOutcome]) -> None:
    """Write the job's rows with ``commit(job, progress)``, all or nothing, in one transaction.

    The job becomes DONE in the same transaction, or PREVIEWED again with a new preview when
    ``commit`` found the data changed, or FAILED (nothing written) when it raised.
    Idempotent: a job that is not COMMITTING is left alone.
    """

    def progress(done: int, total: int) -> None:
        import_job_progress_report(job_id=job_id, done=done, total=total)

    # Counted outside the writing's transaction, which a dying worker takes down with it.
    counted = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.COMMITTING, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted and ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.COMMITTING).exists():
        logger.warning("Import job %s: writing given up after %s attempts", job_id, MAX_ATTEMPTS)
        _too_many_attempts(job_id, ImportJob.Status.COMMITTING)
        return
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportJob.Status.COMMITTING).first()
            if job is None:
                logger.info("Import job %s is not waiting to be written", job_id)
                return
            # The rows written are recorded in the audit trail as changes by the person who
            # started the import, as they would be in a request.
            with translation.override(job.language), set_actor(job.created_by):
                outcome = commit(job, progress)
            if outcome.result is None:
                job.status, job.preview, job.warning = ImportJob.Status.PREVIEWED, outcome.preview, outcome.warning
                job.attempts = 0
                job.save(update_fields=["status", "preview", "warning", "attempts", "updated_at"])
                return
            job.status, job.result, job.finished_at = ImportJob.Status.DONE, outcome.result, timezone.now()
            job.progress_done = job.progress_total = int(outcome.result.get("total_rows", job.progress_total))
            job.save(update_fields=["status", "result", "finished_at", "progress_done", "progress_total", "updated_at"])
            # Only once the rows are written for good is the file no longer needed.
            transaction.on_commit(lambda: _discard_after_done(job_id))
    except ImportJobError as exc:
        with translation.override(_job_language(job_id)):
            import_job_fail(job_id=job_id, message=str(exc), statuses=(ImportJob.Status.COMMITTING,))
    except Exception:
        logger.exception("Import job %s failed while writing", job_id)
        with translation.override(_job_language(job_id)):
            import_job_fail(job_id=job_id, message=_unexpected(), statuses=(ImportJob.Status.COMMITTING,))
    finally:
        cache.delete(_progress_key(job_id))


def _job_language(job_id: int) -> str:
    return ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first() or "en"


def _discard_after_done(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.DONE).first()
    if job is not None and job.file:
        _finish_file(job)
        ImportJob.objects.filter(pk=job_id).update(file="")


def import_jobs_purge(*, older_than) -> int:
    """Delete the import jobs untouched for ``older_than`` and their files; return how many.

    Uploaded lists, previews and results hold personal data (names, email addresses) that is
    of no use once an import is done or abandoned. Idempotent.
    """
    stale = ImportJob.objects.filter(updated_at__lt=timezone.now() - older_than)
    for job in stale.exclude(file=""):
        _finish_file(job)
    deleted, _by_model = stale.delete()
    return deleted
