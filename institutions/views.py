"""The directory: the searchable list of institutions, its exports and the institution page."""

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.downloads import csv_download, xlsx_download
from core.pagecache import public_page, shared_section
from core.personalcache import kept_for_person

from .filters import EXPORT_CAP, DirectoryForm, Sort, Taxonomies, directory_search, export_headers, export_rows
from .models import Institution
from .permissions import active_institution_ids
from .selectors import acting_institution, shortlisted_institution_ids
from .selectors_courses import courses_of
from .services_directory import directory_export_record

DIRECTORY_TEMPLATE = "institutions/institution_list.html"
SHORTLIST_BUTTON_TEMPLATE = "institutions/_shortlist_button.html"


def _directory_form(request) -> tuple[DirectoryForm, Institution | None, Taxonomies]:
    taxonomies = Taxonomies.load()
    viewer_institution = acting_institution(request.user)
    form = DirectoryForm(request.GET, taxonomies=taxonomies, can_sort_by_fit=viewer_institution is not None)
    form.is_valid()  # invalid values are shown and ignored; the valid ones still apply
    return form, viewer_institution, taxonomies


# Where a card of the shared directory section puts the reader's own shortlist button.
SHORTLIST_SLOT = re.compile(r"<!--shortlist-slot:(\d+)-->")
# An institution id no real one has, replaced by each card's own in the rendered buttons.
STAND_IN_PK = 918273645


@require_GET
@public_page
def institution_list(request):
    """Show the directory: search, filters with counts, sort, pages.

    An htmx request gets only the results (and, out of band, the refreshed filter counts); a
    normal request, and htmx's history restore after a cache miss, get the whole page, so a
    shared or reloaded URL shows the same search.

    Visitors get the page from the page cache. For signed-in people the search, its filters
    and counts and the cards are the same for everyone with the same address and language,
    but for the sort by fit (offered to those acting for an institution, and personal when
    chosen): that part is kept as a shared section (``core.pagecache.shared_section``) with
    an empty slot per card, which each request fills with the reader's own shortlist button.
    """
    results_only = request.htmx and not request.htmx.history_restore_request
    reader = _reader(request) if request.user.is_authenticated else None

    def content(*, slots: bool):
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
            "shortlisted_ids": set() if slots else shortlisted_institution_ids(request.user),
            "shortlist_slots": slots,
            "viewer_institution": viewer_institution,
            "export_cap": EXPORT_CAP,
        }
        partial = "#directory-htmx" if results_only else "#directory-content"
        html = render_to_string(DIRECTORY_TEMPLATE + partial, context, request)
        if slots:
            # The two states of the shortlist button, kept with the section: the button shows
            # nothing of its reader but the CSRF token, which the shared section puts in anew.
            html += "".join(BUTTONS_MARK + _stand_in_button(request, saved=saved) for saved in (True, False))
        return html

    if reader is None or (reader["viewer"] is not None and request.GET.get("sort") == Sort.FIT):
        html = content(slots=False)
    else:
        audience = "fit" if reader["viewer"] is not None else "no-fit"
        section = shared_section(request, f"directory-and-buttons:{audience}", lambda: content(slots=True))
        html = _with_shortlist_buttons(section, reader)
    response = HttpResponse(html) if results_only else render(request, DIRECTORY_TEMPLATE, {"shared_content": html})
    patch_vary_headers(response, ["HX-Request"])
    return response


# Separates the shared directory section from the two states of the shortlist button kept with it.
BUTTONS_MARK = "<!--shortlist-button-->"


def _reader(request) -> dict:
    """What the directory needs to know of its signed-in reader, kept per person until the next change.

    Whether they act for an institution (the sort by fit), the institutions they belong to
    (no shortlist button on those) and their shortlist: two queries on every view otherwise.
    """

    def compute() -> dict:
        viewer = acting_institution(request.user)
        return {
            "viewer": viewer.pk if viewer is not None else None,
            "members": sorted(active_institution_ids(request.user)),
            "saved": sorted(shortlisted_institution_ids(request.user)),
        }

    return kept_for_person(request, "directory-reader", compute)


def _stand_in_button(request, *, saved: bool) -> str:
    context = {"institution": Institution(pk=STAND_IN_PK), "shortlisted_ids": {STAND_IN_PK} if saved else set()}
    return render_to_string(SHORTLIST_BUTTON_TEMPLATE, context, request)


def _with_shortlist_buttons(section: str, reader: dict) -> str:
    """The shared ``section`` with each card's slot holding the reader's button (none on their own institutions' cards).

    The button's template was rendered once for a saved and once for an unsaved stand-in
    institution (``BUTTONS_MARK``); each card gets a copy with its own id.
    """
    html, saved_button, unsaved_button = section.split(BUTTONS_MARK)
    members, saved = set(reader["members"]), set(reader["saved"])

    def button(match) -> str:
        pk = int(match.group(1))
        if pk in members:
            return ""
        return (saved_button if pk in saved else unsaved_button).replace(str(STAND_IN_PK), str(pk))

    return mark_safe(SHORTLIST_SLOT.sub(button, html))  # noqa: S308  # nosec B308, B703 -- portal templates only


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
    context = {
        "institution": institution,
        "shortlisted_ids": shortlisted_institution_ids(request.user),
        "shared_courses": list(courses_of(institution=institution, published_only=True)[:50]),
    }
    return render(request, "institutions/institution_detail.html", context)
