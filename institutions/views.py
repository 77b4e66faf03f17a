"""The directory: the searchable list of institutions, its exports and the institution page."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.downloads import csv_download, xlsx_download
from core.pagecache import public_page

from .filters import EXPORT_CAP, DirectoryForm, Taxonomies, directory_search, export_headers, export_rows
from .models import Institution
from .selectors import acting_institution, shortlisted_institution_ids
from .services_directory import directory_export_record

DIRECTORY_TEMPLATE = "institutions/institution_list.html"


def _directory_form(request) -> tuple[DirectoryForm, Institution | None, Taxonomies]:
    taxonomies = Taxonomies.load()
    viewer_institution = acting_institution(request.user)
    form = DirectoryForm(request.GET, taxonomies=taxonomies, can_sort_by_fit=viewer_institution is not None)
    form.is_valid()  # invalid values are shown and ignored; the valid ones still apply
    return form, viewer_institution, taxonomies


@require_GET
@public_page
def institution_list(request):
    """Show the directory: search, filters with counts, sort, pages.

    An htmx request gets only the results (and, out of band, the refreshed filter counts); a
    normal request, and htmx's history restore after a cache miss, get the whole page, so a
    shared or reloaded URL shows the same search.
    """
    form, viewer_institution, taxonomies = _directory_form(request)
    result = directory_search(
        form.directory_query(),
        page_number=request.GET.get("page"),
        viewer_institution=viewer_institution,
        taxonomies=taxonomies,
    )
    context = {
        "form": form,
        "result": result,
        "page_obj": result.page,
        "shortlisted_ids": shortlisted_institution_ids(request.user),
        "viewer_institution": viewer_institution,
        "export_cap": EXPORT_CAP,
    }
    template = DIRECTORY_TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#directory-htmx"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export_filename(extension: str) -> str:
    return f"institutions-{date.today().isoformat()}.{extension}"


@require_GET
@login_required
def institution_export_csv(request):
    """Export the filtered directory (all pages, up to EXPORT_CAP rows) as UTF-8 CSV.

    Starts with a byte order mark so that spreadsheet programs read Chinese, Thai and Khmer
    names correctly. Public fields only.
    """
    form, _viewer, taxonomies = _directory_form(request)
    directory_export_record(actor=request.user, file_format="csv", query=request.GET.urlencode())
    rows = export_rows(form.directory_query(), taxonomies=taxonomies, request=request)
    return csv_download(headers=export_headers(), rows=rows, filename=_export_filename("csv"))


@require_GET
@login_required
def institution_export_xlsx(request):
    """Export the filtered directory (all pages, up to EXPORT_CAP rows) as an Excel workbook."""
    form, _viewer, taxonomies = _directory_form(request)
    directory_export_record(actor=request.user, file_format="xlsx", query=request.GET.urlencode())
    return xlsx_download(
        headers=export_headers(),
        rows=export_rows(form.directory_query(), taxonomies=taxonomies, request=request),
        filename=_export_filename("xlsx"),
        sheet_title=_("Institutions"),
    )


@require_GET
@public_page
def institution_detail(request, slug: str):
    """Show an institution's public profile.

    A rejected institution is hidden from everyone but its own members and the secretariat
    (404, as for any private object).
    """
    institution = get_object_or_404(
        Institution.objects.prefetch_related(
            "sectors", "offers__cooperation_type", "offers__sector", "needs__cooperation_type", "needs__sector"
        ),
        slug=slug,
    )
    if institution.verification_status == Institution.Verification.REJECTED and not request.user.has_perm(
        "institutions.view_members", institution
    ):
        raise Http404
    context = {"institution": institution, "shortlisted_ids": shortlisted_institution_ids(request.user)}
    return render(request, "institutions/institution_detail.html", context)
