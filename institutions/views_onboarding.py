"""Joining the portal's institutions: find or create one, ask to join, decide, verify, import.

Permissions: visitors are sent to the login page; signed-in people without the right get a
404 for anything that belongs to another institution or to the secretariat.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.models import ImportJob
from core.views_import import import_preview_page, import_rejected_download, import_upload_page

from . import imports
from .duplicates import institutions_named_like, likely_duplicates
from .errors import InstitutionError
from .forms_onboarding import (
    ImportUploadForm,
    InstitutionCreateForm,
    InstitutionFindForm,
    JoinRequestForm,
    VerificationForm,
)
from .models import Institution, Membership
from .onboarding import (
    institution_create,
    institution_set_verification,
    membership_approve,
    membership_reject,
    membership_request,
    pending_join_requests,
)
from .permissions import active_institution_ids, is_secretariat

FIND_LIMIT = 20


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def find_institutions(query: str) -> list[Institution]:
    """Return the institutions a newcomer may mean by ``query``: plain substring hits, then fuzzy ones."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    listed = Institution.objects.exclude(verification_status=Institution.Verification.REJECTED)
    found = list(
        listed.filter(Q(name__icontains=query) | Q(name_local__icontains=query) | Q(acronym__iexact=query)).order_by(
            "name"
        )[:FIND_LIMIT]
    )
    seen = {institution.pk for institution in found}
    fuzzy = [m.institution for m in likely_duplicates(name=query, name_local=query, acronym=query, limit=FIND_LIMIT)]
    for institution in fuzzy + institutions_named_like(query, limit=FIND_LIMIT):
        if institution.pk not in seen and len(found) < FIND_LIMIT:
            found.append(institution)
            seen.add(institution.pk)
    return found


@login_required
def welcome(request):
    """Find your institution: search first, then join one or create a new one."""
    form = InstitutionFindForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = find_institutions(form.cleaned_data["q"])
    memberships = list(Membership.objects.filter(user=request.user).select_related("institution"))
    return render(
        request,
        "institutions/onboarding/welcome.html",
        {
            "form": form,
            "results": results,
            "memberships": memberships,
            "membership_ids": {m.institution_id for m in memberships},
        },
    )


@login_required
def create(request):
    """Create a new institution, after a warning about the likely duplicates."""
    duplicates = []
    form = InstitutionCreateForm(
        request.POST if request.method == "POST" else None, initial={"name": request.GET.get("name", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.institution_data()
        if not form.cleaned_data["confirm_new"]:
            duplicates = likely_duplicates(
                name=data["name"],
                name_local=data["name_local"],
                acronym=data["acronym"],
                website=data["website"],
                country=data["country"],
            )
        if not duplicates:
            try:
                institution = institution_create(creator=request.user, data=data, base_url=_base_url(request))
            except InstitutionError as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is in the portal, with you as its admin. The secretariat will verify it; "
                        "until then it is marked as unverified."
                    )
                    % {"name": institution.name},
                )
                return redirect(institution)
    return render(request, "institutions/onboarding/create.html", {"form": form, "duplicates": duplicates})


@login_required
def join(request, slug: str):
    """Ask to join an institution; its admins (or the secretariat) decide."""
    institution = get_object_or_404(Institution, slug=slug)
    if institution.verification_status == Institution.Verification.REJECTED:
        raise Http404
    if not request.user.has_perm("institutions.join_institution", institution):
        membership = Membership.objects.filter(user=request.user, institution=institution).first()
        if membership and membership.status == Membership.Status.PENDING:
            messages.info(request, _("You have already asked to join this institution; the request is waiting."))
        else:
            messages.info(request, _("You are already a member of this institution."))
        return redirect(institution)
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_request(
                user=request.user,
                institution=institution,
                job_title=form.cleaned_data["job_title"],
                message=form.cleaned_data["request_message"],
                base_url=_base_url(request),
            )
        except InstitutionError as exc:
            messages.error(request, str(exc))
            return redirect(institution)
        messages.success(
            request,
            _("Your request to join %(name)s has been sent. You will get an email when it is decided.")
            % {"name": institution.name},
        )
        return redirect("dashboard")
    return render(request, "institutions/onboarding/join.html", {"institution": institution, "form": form})


@login_required
def join_requests(request):
    if not (is_secretariat(request.user) or active_institution_ids(request.user, admin_only=True)):
        raise Http404
    return render(
        request,
        "institutions/onboarding/requests.html",
        {"pending": pending_join_requests(user=request.user)},
    )


def _decide(request, pk: int, *, approve: bool):
    membership = get_object_or_404(
        Membership.objects.select_related("user", "institution"), pk=pk, status=Membership.Status.PENDING
    )
    if not request.user.has_perm("institutions.manage_members", membership.institution):
        raise Http404
    name = membership.user.display_name or membership.user.email
    try:
        if approve:
            membership_approve(membership=membership, decided_by=request.user, base_url=_base_url(request))
            outcome = _("%(person)s is now a member of %(institution)s.")
        else:
            membership_reject(membership=membership, decided_by=request.user, base_url=_base_url(request))
            outcome = _("The request of %(person)s to join %(institution)s was declined.")
        outcome %= {"person": name, "institution": membership.institution.name}
        level = messages.SUCCESS
    except InstitutionError as exc:
        outcome, level = str(exc), messages.ERROR
    if request.htmx:
        return render(
            request,
            "institutions/onboarding/requests.html#request-decided",
            {"outcome": outcome, "ok": level == messages.SUCCESS},
        )
    messages.add_message(request, level, outcome)
    return redirect(_next_url(request, reverse("institutions:join_requests")))


@login_required
@require_POST
def join_request_approve(request, pk: int):
    return _decide(request, pk, approve=True)


@login_required
@require_POST
def join_request_reject(request, pk: int):
    return _decide(request, pk, approve=False)


@login_required
@require_POST
def verification(request, slug: str):
    """Verify or reject an institution (secretariat only)."""
    institution = get_object_or_404(Institution, slug=slug)
    if not request.user.has_perm("institutions.verify_institution", institution):
        raise Http404
    form = VerificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to verify or to reject the institution."))
        return redirect(_next_url(request, institution.get_absolute_url()))
    institution = institution_set_verification(
        institution=institution,
        status=form.cleaned_data["decision"],
        decided_by=request.user,
        base_url=_base_url(request),
    )
    if institution.is_verified:
        messages.success(request, _("%(name)s is verified.") % {"name": institution.name})
    else:
        messages.success(
            request, _("%(name)s is rejected and no longer listed in the directory.") % {"name": institution.name}
        )
    return redirect(_next_url(request, institution.get_absolute_url()))


# Import ------------------------------------------------------------------------------------


def _require_importer(request) -> None:
    if not request.user.has_perm("institutions.import_institutions"):
        raise Http404


IMPORT_PARTS = "institutions/import/parts.html"


@login_required
def import_upload(request):
    """Take a file of institutions and start its preview in the background; nothing else is written."""
    _require_importer(request)

    def start(upload) -> ImportJob:
        return imports.institution_import_start(created_by=request.user, upload=upload, language=request.LANGUAGE_CODE)

    return import_upload_page(
        request,
        form_class=ImportUploadForm,
        start=start,
        preview_url=lambda job: reverse("institutions:import_preview", args=[job.pk]),
        parts=IMPORT_PARTS,
        upload_url=reverse("institutions:import_upload"),
    )


def _import_job(request, job_id: int) -> ImportJob:
    """Return the institution import job the person may open; 404 for anyone else."""
    _require_importer(request)
    job = get_object_or_404(ImportJob, pk=job_id, kind=imports.KIND)
    if not request.user.has_perm("core.open_import_job", job):
        raise Http404
    return job


@login_required
def import_preview(request, job_id: int):
    """Show the import's progress, its preview or its outcome; a POST confirms the preview.

    Confirming queues the writing in the background (all or nothing); htmx polls the
    progress fragment of this page while a worker is busy.
    """
    job = _import_job(request, job_id)

    def context(preview: dict) -> dict:
        return {
            "decision_choices": [
                (imports.Decision.SKIP, _("skip")),
                (imports.Decision.CREATE, _("create anyway")),
                (imports.Decision.UPDATE, _("update the match")),
            ]
        }

    return import_preview_page(
        request,
        job=job,
        form_class=ImportUploadForm,
        # The decisions are read here, in the view, where the form-scope test finds them.
        confirm=lambda preview, leave_out_errors: imports.institution_import_confirm(
            job=job,
            decisions={
                row["number"]: request.POST.get(row["decision_field"], imports.Decision.SKIP)
                for row in preview.get("rows", [])
                if row["status"] == imports.RowStatus.DUPLICATE
            },
            leave_out_errors=leave_out_errors,
        ),
        parts=IMPORT_PARTS,
        upload_url=reverse("institutions:import_upload"),
        preview_url=reverse("institutions:import_preview", args=[job.pk]),
        rejected_url=reverse("institutions:import_rejected", args=[job.pk]),
        context=context,
    )


@login_required
@require_GET
def import_rejected(request, job_id: int):
    """Download the rows of the job's file that have errors, with their reasons, to correct them."""
    job = _import_job(request, job_id)
    return import_rejected_download(request, job=job, action="institutions.rejected_rows.downloaded")


urlpatterns = [
    path("welcome/", welcome, name="welcome"),
    path("new/", create, name="create"),
    path("join/<slug:slug>/", join, name="join"),
    path("requests/", join_requests, name="join_requests"),
    path("requests/<int:pk>/approve/", join_request_approve, name="join_request_approve"),
    path("requests/<int:pk>/reject/", join_request_reject, name="join_request_reject"),
    path("verification/<slug:slug>/", verification, name="verification"),
    path("import/", import_upload, name="import_upload"),
    path("import/<int:job_id>/", import_preview, name="import_preview"),
    path("import/<int:job_id>/rejected/", import_rejected, name="import_rejected"),
]
