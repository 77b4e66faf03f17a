"""The organiser's import of a participant list: upload, preview, confirm, each step in the background.

Only people who may run the event (``events.manage_event``: the secretariat and the admins of
its organiser institutions) get here; anyone else signed in gets a 404, visitors the login page.
The uploaded file becomes an import job (:class:`core.models.ImportJob`) of the event, which a
worker previews and, once confirmed, writes; its page answers 404 to anyone but the person who
uploaded it and the secretariat, and under any other event.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRefresh

from core.models import ImportJob
from core.selectors import import_job_progress
from core.services import ImportJobError

from . import imports
from .models import Event


class ParticipantUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Participant list (CSV or Excel .xlsx)"),
        help_text=gettext_lazy("UTF-8 CSV (with or without BOM) or .xlsx, up to 5 MB and 5,000 rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(imports.EXTENSIONS):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it into several imports."), code="size")
        return upload


def _managed_event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise Http404
    return event


@login_required
def import_upload(request, slug: str):
    """Take a participant file and start its preview in the background; nothing else is written."""
    event = _managed_event(request, slug)
    form = ParticipantUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.participant_import_start(
                event=event,
                created_by=request.user,
                upload=form.cleaned_data["file"],
                language=request.LANGUAGE_CODE,
                base_url=request.build_absolute_uri("/"),
            )
        except ImportJobError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("events:import_preview", slug=event.slug, job_id=job.pk)
    return render(request, "events/import/upload.html", {"event": event, "form": form})


@login_required
def import_preview(request, slug: str, job_id: int):
    """Show the import's progress, its preview or its outcome; a POST confirms the preview.

    Confirming queues the writing in the background (all or nothing, then the invitation
    emails); htmx polls the progress fragment of this page while a worker is busy.
    """
    event = _managed_event(request, slug)
    job = get_object_or_404(ImportJob, pk=job_id, kind=imports.KIND, target_id=event.pk)
    if not request.user.has_perm("core.open_import_job", job):
        raise Http404
    preview = job.preview or {}
    if request.method == "POST":
        institution_decisions = {
            choice["number"]: request.POST.get(choice["decision_field"], imports.Decision.ACCEPT)
            for choice in preview.get("likely_institutions", [])
        }
        row_decisions = {
            row["number"]: request.POST.get(row["decision_field"], imports.Decision.SKIP)
            for row in preview.get("rows", [])
            if row["registered"]
        }
        if job.status == ImportJob.Status.PREVIEWED and not imports.participant_import_confirm(
            job=job, institution_decisions=institution_decisions, row_decisions=row_decisions
        ):
            messages.error(
                request, _("Correct the rows with errors in the file and upload it again; nothing was imported.")
            )
        return redirect("events:import_preview", slug=event.slug, job_id=job.pk)
    template = "events/import/preview.html"
    if request.htmx:
        if not job.is_working:
            return HttpResponseClientRefresh()
        template += "#import-progress"
    done, total = import_job_progress(job=job)
    context = {
        "event": event,
        "job": job,
        "preview": preview,
        "counts": preview.get("counts", {}),
        "progress_done": done,
        "progress_total": total,
        "form": ParticipantUploadForm() if job.status == ImportJob.Status.FAILED else None,
    }
    if job.status == ImportJob.Status.PREVIEWED:
        approved = event.registrations.filter(status="approved").count()
        context["approved_after"] = approved + context["counts"]["rows"] - context["counts"]["registered"]
    return render(request, template, context)


urlpatterns = [
    path("<slug:slug>/manage/import/", import_upload, name="import"),
    path("<slug:slug>/manage/import/<int:job_id>/", import_preview, name="import_preview"),
]
