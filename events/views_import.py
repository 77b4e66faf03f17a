"""The organiser's import of a participant list: upload, preview, confirm.

Only people who may run the event (``events.manage_event``: the secretariat and the admins of
its organiser institutions) get here; anyone else signed in gets a 404, visitors the login page.
The uploaded file waits server-side under a random token between preview and confirmation;
the token is also recorded in the uploader's session with the event it belongs to, so a token
cannot be replayed by someone else or against another event.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.spreadsheets import discard_upload, load_upload, stash_upload

from . import imports
from .models import Event

SESSION_KEY = "event_participant_imports"
# Rows without anything to decide or correct shown in the preview; the rest are only counted.
PREVIEW_PLAIN_ROWS = 100


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
    """Take a participant file and show its preview; nothing is written here."""
    event = _managed_event(request, slug)
    form = ParticipantUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            preview = imports.participants_preview(event=event, content=content, filename=upload.name)
        except imports.ImportFailed as exc:
            form.add_error("file", str(exc))
        else:
            token = stash_upload(content)
            stash = request.session.get(SESSION_KEY, {})
            stash[token] = {"event": event.pk, "filename": upload.name, "signature": preview.signature}
            request.session[SESSION_KEY] = stash
            return redirect("events:import_preview", slug=event.slug, token=token)
    return render(request, "events/import/upload.html", {"event": event, "form": form})


@login_required
def import_preview(request, slug: str, token: str):
    """Show what the file would do; a POST with the organiser's decisions writes it all or nothing."""
    event = _managed_event(request, slug)
    stash = request.session.get(SESSION_KEY, {})
    entry = stash.get(token)
    content = load_upload(token) if entry and entry.get("event") == event.pk else None
    if content is None:
        raise Http404
    try:
        preview = imports.participants_preview(event=event, content=content, filename=entry["filename"])
    except imports.ImportFailed as exc:
        messages.error(request, str(exc))
        return redirect("events:import", slug=event.slug)
    if request.method == "POST":
        if preview.signature != entry["signature"]:
            entry["signature"] = preview.signature
            request.session[SESSION_KEY] = stash
            messages.warning(
                request,
                _("The portal's data changed since this preview was made. Check the rows again, then confirm."),
            )
            return redirect("events:import_preview", slug=event.slug, token=token)
        institution_decisions = {
            choice.number: request.POST.get(choice.decision_field, imports.Decision.ACCEPT)
            for choice in preview.likely_institutions
        }
        row_decisions = {
            row.number: request.POST.get(row.decision_field, imports.Decision.SKIP)
            for row in preview.rows
            if row.registration is not None
        }
        try:
            result = imports.participants_commit(
                preview=preview,
                institution_decisions=institution_decisions,
                row_decisions=row_decisions,
                base_url=request.build_absolute_uri("/"),
            )
        except imports.ImportFailed as exc:
            messages.error(request, str(exc))
        else:
            discard_upload(token)
            stash.pop(token, None)
            request.session[SESSION_KEY] = stash
            messages.success(
                request,
                _(
                    "Import done: %(registered)s registered, %(updated)s updated, %(skipped)s skipped; "
                    "%(people)s new accounts, %(institutions)s new institutions."
                )
                % {
                    "registered": result.registered,
                    "updated": result.updated,
                    "skipped": result.skipped,
                    "people": len(result.new_people),
                    "institutions": len(result.new_institutions),
                },
            )
            return redirect("events:import", slug=event.slug)
    approved = event.registrations.filter(status="approved").count()
    shown_rows, hidden_rows = preview.rows_to_show(PREVIEW_PLAIN_ROWS)
    return render(
        request,
        "events/import/preview.html",
        {
            "event": event,
            "preview": preview,
            "counts": preview.counts,
            "filename": entry["filename"],
            "token": token,
            "shown_rows": shown_rows,
            "hidden_rows": hidden_rows,
            "approved_after": approved + preview.counts["rows"] - preview.counts["registered"],
        },
    )


urlpatterns = [
    path("<slug:slug>/manage/import/", import_upload, name="import"),
    path("<slug:slug>/manage/import/<str:token>/", import_preview, name="import_preview"),
]
