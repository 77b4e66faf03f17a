"""The two pages every spreadsheet import has: the upload, and the job's progress / preview / outcome.

Each import keeps its own URLs and permission checks (who may import, into what, and which
job they may open) and calls :func:`import_upload_page` and :func:`import_preview_page` with
what is its own: the upload form, how to start the job, how to confirm it from the posted
decisions, the partials file that fills the shared templates ``imports/upload.html`` and
``imports/preview.html`` (see :mod:`core.imports`), and the extra context those partials use.
The rows a preview refused are downloaded through :func:`import_rejected_download`, from a
URL of the import's own, behind the same checks as its job's page.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from .audit import audit_log
from .downloads import csv_download, xlsx_download
from .imports import rejected_table
from .models import ImportJob
from .selectors import import_job_progress
from .services import ImportJobError

UPLOAD_TEMPLATE = "imports/upload.html"
PREVIEW_TEMPLATE = "imports/preview.html"


def import_upload_page(
    request,
    *,
    form_class,
    start: Callable[[object], ImportJob],
    preview_url: Callable[[ImportJob], str],
    parts: str,
    upload_url: str,
    context: dict | None = None,
):
    """Take a file and start its preview in the background (``start(upload)``); nothing else is written.

    A file refused at once (see :func:`core.imports.import_start`) is shown as an error of the
    form; otherwise the browser goes to the job's page.
    """
    form = form_class(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            job = start(form.cleaned_data["file"])
        except ImportJobError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(preview_url(job))
    return render(request, UPLOAD_TEMPLATE, {**(context or {}), "form": form, "parts": parts, "upload_url": upload_url})


def import_preview_page(
    request,
    *,
    job: ImportJob,
    form_class,
    confirm: Callable[[dict, bool], bool],
    parts: str,
    upload_url: str,
    preview_url: str,
    rejected_url: str = "",
    context: Callable[[dict], dict] | None = None,
):
    """Show the job's progress, its preview or its outcome; a POST confirms the preview.

    ``confirm(preview, leave_out_errors)`` reads the decisions from the request and queues the
    writing, of only the rows without errors when ``leave_out_errors`` (the person pressed the
    button that says so); it returns False when the job cannot be confirmed. htmx polls the
    ``import-progress`` partial while a worker is busy and reloads the page once it is done.
    ``rejected_url`` downloads the rows with errors; ``context(preview)`` adds what the
    import's partials need.
    """
    preview = job.preview or {}
    if request.method == "POST":
        leave_out_errors = request.POST.get("leave_out_errors") == "1"
        if job.status == ImportJob.Status.PREVIEWED and not confirm(preview, leave_out_errors):
            messages.error(
                request, _("Correct the rows with errors in the file and upload it again; nothing was imported.")
            )
        return redirect(preview_url)
    template = PREVIEW_TEMPLATE
    if request.htmx:
        if not job.is_working:
            return HttpResponseClientRefresh()
        template += "#import-progress"
    done, total = import_job_progress(job=job)
    return render(
        request,
        template,
        {
            "job": job,
            "preview": preview,
            "progress_done": done,
            "progress_total": total,
            "form": form_class() if job.status == ImportJob.Status.FAILED else None,
            "parts": parts,
            "upload_url": upload_url,
            "preview_url": preview_url,
            "rejected_url": rejected_url if (preview.get("rejected") or {}).get("rows") else "",
            **(context(preview) if context else {}),
        },
    )


def import_rejected_download(request, *, job: ImportJob, action: str, event=None):
    """Download the rows the job's preview refused, as uploaded, with a column of reasons.

    The file has the format of the upload (CSV or XLSX), so that it can be corrected and
    uploaded again (the reason column is then skipped). 404 when no row was refused. The
    caller has checked that the person may open the job; the download is recorded in the
    audit trail as ``action`` (the rows hold personal data).
    """
    rejected = (job.preview or {}).get("rejected") or {}
    if not rejected.get("rows"):
        raise Http404
    headers, rows = rejected_table(rejected)
    xlsx = job.filename.lower().endswith(".xlsx")
    file_format = "xlsx" if xlsx else "csv"
    audit_log(
        action=action, actor=request.user, target=job, event=event, data={"format": file_format, "rows": len(rows)}
    )
    # The uploaded name is not reused: it is the person's text, unfit for a header.
    filename = f"rejected-rows-{job.pk}.{file_format}"
    if xlsx:
        return xlsx_download(headers=headers, rows=rows, filename=filename, sheet_title=_("Rejected rows"))
    return csv_download(headers=headers, rows=rows, filename=filename)
