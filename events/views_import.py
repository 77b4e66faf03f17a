"""The organiser's import of a participant list: upload, preview, confirm, each step in the background.

Only people who may run the event (``events.manage_event``: the secretariat and the admins of
its organiser institutions) get here; anyone else signed in gets a 404, visitors the login page.
The uploaded file becomes an import job (:class:`core.models.ImportJob`) of the event, which a
worker previews and, once confirmed, writes; its page answers 404 to anyone but the person who
uploaded it and the secretariat, and under any other event.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.imports import SpreadsheetUploadForm
from core.models import ImportJob
from core.views_import import import_preview_page, import_rejected_download, import_upload_page

from . import imports
from .models import Event


class ParticipantUploadForm(SpreadsheetUploadForm):
    max_bytes = imports.MAX_BYTES
    too_large = gettext_lazy("The file is larger than 5 MB: split it into several imports.")

    file = forms.FileField(
        label=gettext_lazy("Participant list (CSV or Excel .xlsx)"),
        help_text=gettext_lazy("UTF-8 CSV (with or without BOM) or .xlsx, up to 5 MB and 5,000 rows."),
    )


def _managed_event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise Http404
    return event


PARTS = "events/import/parts.html"


@login_required
def import_upload(request, slug: str):
    """Take a participant file and start its preview in the background; nothing else is written."""
    event = _managed_event(request, slug)

    def start(upload) -> ImportJob:
        return imports.participant_import_start(
            event=event,
            created_by=request.user,
            upload=upload,
            language=request.LANGUAGE_CODE,
            base_url=request.build_absolute_uri("/"),
        )

    return import_upload_page(
        request,
        form_class=ParticipantUploadForm,
        start=start,
        preview_url=lambda job: reverse("events:import_preview", args=[event.slug, job.pk]),
        parts=PARTS,
        upload_url=reverse("events:import", args=[event.slug]),
        context={"event": event},
    )


def _import_job(request, slug: str, job_id: int) -> tuple[Event, ImportJob]:
    """Return the event and its participant import job the person may open; 404 for anyone else."""
    event = _managed_event(request, slug)
    job = get_object_or_404(ImportJob, pk=job_id, kind=imports.KIND, target_id=event.pk)
    if not request.user.has_perm("core.open_import_job", job):
        raise Http404
    return event, job


@login_required
def import_preview(request, slug: str, job_id: int):
    """Show the import's progress, its preview or its outcome; a POST confirms the preview.

    Confirming queues the writing in the background (all or nothing, then the invitation
    emails); htmx polls the progress fragment of this page while a worker is busy.
    """
    event, job = _import_job(request, slug, job_id)

    def context(preview: dict) -> dict:
        extra = {"event": event, "counts": preview.get("counts", {})}
        if job.status == ImportJob.Status.PREVIEWED:
            approved = event.registrations.filter(status="approved").count()
            extra["approved_after"] = approved + extra["counts"]["rows"] - extra["counts"]["registered"]
        return extra

    return import_preview_page(
        request,
        job=job,
        form_class=ParticipantUploadForm,
        # The decisions are read here, in the view, where the form-scope test finds them.
        confirm=lambda preview, leave_out_errors: imports.participant_import_confirm(
            job=job,
            institution_decisions={
                choice["number"]: request.POST.get(choice["decision_field"], imports.Decision.ACCEPT)
                for choice in preview.get("likely_institutions", [])
            },
            row_decisions={
                row["number"]: request.POST.get(row["decision_field"], imports.Decision.SKIP)
                for row in preview.get("rows", [])
                if row["registered"]
            },
            leave_out_errors=leave_out_errors,
        ),
        parts=PARTS,
        upload_url=reverse("events:import", args=[event.slug]),
        preview_url=reverse("events:import_preview", args=[event.slug, job.pk]),
        rejected_url=reverse("events:import_rejected", args=[event.slug, job.pk]),
        context=context,
    )


@login_required
@require_GET
def import_rejected(request, slug: str, job_id: int):
    """Download the rows of the job's file that have errors, with their reasons, to correct them."""
    event, job = _import_job(request, slug, job_id)
    return import_rejected_download(request, job=job, action="events.rejected_rows.downloaded", event=event)


urlpatterns = [
    path("<slug:slug>/manage/import/", import_upload, name="import"),
    path("<slug:slug>/manage/import/<int:job_id>/", import_preview, name="import_preview"),
    path("<slug:slug>/manage/import/<int:job_id>/rejected/", import_rejected, name="import_rejected"),
]
