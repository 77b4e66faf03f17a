"""Import jobs run in the background: state guards, redelivery, failures and the progress page.

The institution import serves as the concrete kind; the participant import's own flow is
tested in ``tests/events/test_import_participants.py``.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportJob
from core.services import import_job_progress_report
from institutions import imports
from institutions.models import Institution
from institutions.tasks import institution_import_commit_task, institution_import_preview_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_job_storage")]

CONTENT = b"name,country\nFirst College,KH\nSecond College,KH\n"


@pytest.fixture
def start(secretariat_user, django_capture_on_commit_callbacks):
    """Start an institution import and run its preview task; return the job."""

    def run(content: bytes = CONTENT) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = imports.institution_import_start(
                created_by=secretariat_user, upload=SimpleUploadedFile("list.csv", content), language="en"
            )
        job.refresh_from_db()
        return job

    return run


def confirm(job: ImportJob, capture) -> ImportJob:
    with capture(execute=True):
        imports.institution_import_confirm(job=job, decisions={})
    job.refresh_from_db()
    return job


def test_upload_request_only_queues_the_preview(client, secretariat_user, django_capture_on_commit_callbacks):
    client.force_login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("institutions:import_upload"), {"file": SimpleUploadedFile("list.csv", CONTENT)})

    job = ImportJob.objects.get()
    assert response.url == reverse("institutions:import_preview", args=[job.pk])
    assert (job.status, job.preview, len(callbacks)) == (ImportJob.Status.PENDING, None, 1)


def test_confirm_request_only_queues_the_writing(client, secretariat_user, start, django_capture_on_commit_callbacks):
    job = start()
    client.force_login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("institutions:import_preview", args=[job.pk]))

    job.refresh_from_db()
    assert (job.status, Institution.objects.count(), len(callbacks)) == (ImportJob.Status.COMMITTING, 0, 1)


def test_preview_task_delivered_twice_changes_nothing_the_second_time(start):
    job = start()
    before = (job.status, job.preview, job.updated_at)

    institution_import_preview_task(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.preview, job.updated_at) == before
    assert before[0] == ImportJob.Status.PREVIEWED


def test_commit_task_delivered_twice_writes_once(start, django_capture_on_commit_callbacks):
    job = confirm(start(), django_capture_on_commit_callbacks)

    institution_import_commit_task(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.result == {"total_rows": 2, "created": 2, "updated": 0, "skipped": 0, "left_out": 0}
    assert sorted(Institution.objects.values_list("name", flat=True)) == ["First College", "Second College"]


def test_commit_task_runs_again_after_a_worker_died_before_its_transaction_ended(start):
    job = start()
    # A worker that dies mid-way leaves the job COMMITTING and nothing written.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)

    institution_import_commit_task(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Institution.objects.count() == 2


def test_commit_task_for_a_job_never_confirmed_writes_nothing(start):
    job = start()

    institution_import_commit_task(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, Institution.objects.count()) == (ImportJob.Status.PREVIEWED, 0)


def test_confirming_twice_queues_the_writing_once(start, django_capture_on_commit_callbacks):
    job = confirm(start(), django_capture_on_commit_callbacks)

    again = imports.institution_import_confirm(job=job, decisions={})

    assert again is False
    assert Institution.objects.count() == 2


def test_unexpected_error_fails_the_job_with_a_message_and_writes_nothing(start, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(imports, "import_preview", broken)

    job = start()

    assert job.status == ImportJob.Status.FAILED
    assert job.error == "The import failed unexpectedly; nothing was written. Try again, or tell the secretariat."
    assert (job.file.name, Institution.objects.count()) == ("", 0)


def test_error_while_writing_rolls_back_and_fails_the_job(start, monkeypatch, django_capture_on_commit_callbacks):
    job = start()

    def broken(**kwargs):
        Institution.objects.create(name="Half Written", slug="half-written", country="KH")
        raise RuntimeError("bug")

    monkeypatch.setattr(imports, "import_commit", broken)
    job = confirm(job, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.FAILED
    assert Institution.objects.count() == 0


def test_job_page_shows_progress_and_polls_while_a_worker_is_busy(client, secretariat_user, start):
    job = start()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    import_job_progress_report(job_id=job.pk, done=12, total=40)
    client.force_login(secretariat_user)
    url = reverse("institutions:import_preview", args=[job.pk])

    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})

    html = page.content.decode()
    assert "12 of 40 rows" in html
    assert f'hx-get="{url}" hx-trigger="every 2s"' in html
    assert '<meta http-equiv="refresh" content="5">' in html  # without JavaScript
    assert f'<a href="{url}">Refresh</a>' in html
    assert fragment.content.decode().strip().startswith('<div id="import-progress"')
    assert "12 of 40 rows" in fragment.content.decode()


def test_polling_stops_with_a_refresh_once_the_preview_is_ready(client, secretariat_user, start):
    job = start()
    client.force_login(secretariat_user)

    fragment = client.get(reverse("institutions:import_preview", args=[job.pk]), headers={"HX-Request": "true"})
    page = client.get(reverse("institutions:import_preview", args=[job.pk]))

    assert fragment.headers["HX-Refresh"] == "true"
    assert "every 2s" not in page.content.decode()
    assert "http-equiv" not in page.content.decode()


def test_purge_deletes_old_jobs_and_their_files_only(start, import_job_storage):
    from datetime import timedelta

    from django.utils import timezone

    from core.tasks import purge_import_jobs_task

    old, recent = start(), start()
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=8))

    deleted = purge_import_jobs_task()

    assert deleted == 1
    assert list(ImportJob.objects.all()) == [recent]
    assert sorted(path.name for path in import_job_storage.rglob("*") if path.is_file()) == [
        recent.file.name.rsplit("/", 1)[-1]
    ]


def test_preview_killing_its_worker_every_time_fails_after_the_last_attempt(start):
    from core.services import MAX_ATTEMPTS

    job = start()
    # Each delivery that died past the hard time limit left the job RUNNING, its attempt counted.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, attempts=MAX_ATTEMPTS)

    institution_import_preview_task(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("Reading the file took too long several times; nothing was written.")


def test_writing_killing_its_worker_every_time_fails_after_the_last_attempt(start):
    from core.services import MAX_ATTEMPTS

    job = start()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING, attempts=MAX_ATTEMPTS)

    institution_import_commit_task(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, Institution.objects.count()) == (ImportJob.Status.FAILED, 0)
