"""Background jobs of the events app: thin wrappers that call a service with primitive arguments."""

from celery import shared_task

# Participant imports: the job's state guards make a redelivered task a no-op (core.services).


@shared_task(name="events.participant_import_preview")
def participant_import_preview_task(job_id: int) -> None:
    from .imports import participant_import_preview

    participant_import_preview(job_id=job_id)


@shared_task(name="events.participant_import_commit")
def participant_import_commit_task(job_id: int) -> None:
    from .imports import participant_import_commit

    participant_import_commit(job_id=job_id)
