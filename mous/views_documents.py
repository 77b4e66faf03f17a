"""The signed document of an MoU, milestone evidence files and the printable summary PDF."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.audit import audit_log
from core.storage import stored_file_lookup

from .documents import EXTENSIONS, detect_content_type, mou_document_replace
from .errors import MouError
from .models import Milestone, Mou
from .pdf import summary_pdf
from .selectors import mous_with_event_shown
from .services import mou_document_visibility_set


def _mou_for(request, pk: int, permission: str, queryset=None) -> Mou:
    """The MoU ``pk`` if the user may ``permission`` it; 404 otherwise, so outsiders learn nothing."""
    mou = get_object_or_404((queryset if queryset is not None else Mou.objects).prefetch_related("parties"), pk=pk)
    if not request.user.has_perm(permission, mou):
        raise Http404
    return mou


def _audit_download(request, mou: Mou, action: str, **data) -> None:
    """Record who downloaded a file of ``mou``, for each of its parties (visitors as nobody)."""
    audit_log(
        action=action,
        actor=request.user,
        target=mou,
        data={"institutions": sorted({party.institution_id for party in mou.parties.all()}), **data},
    )


def _private_file_response(field_file, content_type: str, name: str) -> FileResponse:
    """Stream ``field_file`` from the private storage (disk or object store) in chunks.

    Streamed through the portal rather than handed out as a presigned object-store URL: the
    permission check, the audit row and the headers below then hold for every download, and
    the object store never needs to be reachable by browsers.
    """
    try:
        stored = stored_file_lookup(field_file.storage, field_file.name)
        handle = stored.open()
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def document_download(request, pk: int):
    mou = _mou_for(request, pk, "mous.view_mou_document")
    if not mou.document:
        raise Http404
    _audit_download(request, mou, "mous.document.downloaded")
    return _private_file_response(
        mou.document, mou.document_content_type or "application/octet-stream", mou.document_name or "document"
    )


@require_GET
def evidence_download(request, pk: int, mpk: int):
    mou = _mou_for(request, pk, "mous.record_activity")
    milestone = get_object_or_404(Milestone, pk=mpk, mou=mou)
    if not milestone.evidence_file:
        raise Http404
    content_type = milestone.evidence_content_type
    if not content_type:
        # Evidence stored before its type was kept: named from its first bytes.
        try:
            with milestone.evidence_file.open("rb") as handle:
                content_type = detect_content_type(handle.read(16)) or "application/octet-stream"
        except FileNotFoundError as exc:
            raise Http404 from exc
    name = milestone.evidence_name or f"evidence-{milestone.pk}.{EXTENSIONS.get(content_type, 'bin')}"
    _audit_download(request, mou, "mous.evidence.downloaded", milestone=milestone.pk)
    return _private_file_response(milestone.evidence_file, content_type, name)


def _panel_response(request, mou: Mou, *, error: str = ""):
    """After an action: the panel again for htmx, the MoU page otherwise."""
    if request.htmx:
        mou = Mou.objects.prefetch_related("parties").get(pk=mou.pk)
        return render(request, "mous/mou_detail.html#document-panel", {"mou": mou, "document_error": error})
    if error:
        messages.error(request, error)
    return redirect(mou)


@require_POST
def document_upload(request, pk: int):
    mou = _mou_for(request, pk, "mous.open_mou")
    if not request.user.has_perm("mous.upload_mou_document", mou):
        raise Http404
    try:
        mou_document_replace(mou=mou, file=request.FILES.get("document"))
    except MouError as error:
        return _panel_response(request, mou, error=error.message)
    if not request.htmx:
        messages.success(request, _("The signed document was saved."))
    return _panel_response(request, mou)


@require_POST
def document_visibility(request, pk: int):
    mou = _mou_for(request, pk, "mous.open_mou")
    if not request.user.has_perm("mous.change_mou", mou):
        raise Http404
    is_public = request.POST.get("document_is_public") == "1"
    mou_document_visibility_set(mou=mou, is_public=is_public)
    if not request.htmx:
        messages.success(
            request,
            _("Anyone may now download the document of this public MoU.")
            if is_public
            else _("Only the parties and the secretariat may now download the document."),
        )
    return _panel_response(request, mou)


@require_GET
def summary_download(request, pk: int):
    mou = _mou_for(
        request,
        pk,
        "mous.open_mou",
        mous_with_event_shown(
            Mou.objects.select_related("event").prefetch_related(
                "parties__institution", "sectors", "cooperation_types", "milestones"
            ),
            user=request.user,
        ),
    )
    _audit_download(request, mou, "mous.summary.downloaded")
    response = HttpResponse(summary_pdf(mou), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mou-{mou.pk}-summary.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("<int:pk>/document/", document_download, name="document"),
    path("<int:pk>/document/upload/", document_upload, name="document_upload"),
    path("<int:pk>/document/visibility/", document_visibility, name="document_visibility"),
    path("<int:pk>/milestones/<int:mpk>/evidence/", evidence_download, name="milestone_evidence"),
    path("<int:pk>/summary.pdf", summary_download, name="summary_pdf"),
]
