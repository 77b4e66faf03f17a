"""The MoU registry (search, filters, exports), the secretariat's statistics and the network picture."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.audit import audit_log
from core.downloads import csv_download, xlsx_download
from core.pagecache import public_page, shared_section
from institutions.permissions import active_institution_ids, is_secretariat

from . import network, stats
from .filters import EXPORT_CAP, RegistryForm, apply_filters, export_headers, export_rows
from .selectors import mou_list_for, registry_page

REGISTRY_TEMPLATE = "mous/mou_registry.html"
PAGE_SIZE = 25


def _registry(request):
    secretariat = is_secretariat(request.user)
    form = RegistryForm(request.GET, user=request.user, include_drafts=secretariat)
    queryset = apply_filters(mou_list_for(request.user), form.filters())
    return form, queryset, secretariat


def _audience(user) -> str:
    """Who sees the same registry as ``user``: the secretariat, or people administering the same institutions.

    Besides the secretariat's view of every MoU, what a signed-in person's registry shows
    depends only on the events they may open (``events.selectors.event_list_visible_to``): the
    public ones and those of the institutions they administer.
    """
    if is_secretariat(user):
        return "secretariat"
    return "admin-of:" + ",".join(str(pk) for pk in sorted(active_institution_ids(user, admin_only=True)))


@require_GET
@public_page
def mou_registry(request):
    """The registry: public, non-draft MoUs for everyone; all MoUs (marked) for the secretariat.

    An htmx request gets the results only; the form is a plain GET form without JavaScript.
    Visitors get the page from the page cache; for signed-in people, the form and results
    (the same for everyone of the same ``_audience``) are kept as a shared section, and only
    the page around them is rendered per person.
    """
    results_only = request.htmx and not request.htmx.history_restore_request

    def content():
        form, queryset, secretariat = _registry(request)
        page = registry_page(queryset, request.GET.get("page"), per_page=PAGE_SIZE, load=mou_list_for(request.user))
        context = {"form": form, "page_obj": page, "secretariat": secretariat, "export_cap": EXPORT_CAP}
        partial = "#registry-results" if results_only else "#registry-content"
        return render_to_string(REGISTRY_TEMPLATE + partial, context, request)

    if not request.user.is_authenticated:
        html = content()
    else:
        html = shared_section(request, f"mous-registry:{_audience(request.user)}", content)
    response = HttpResponse(html) if results_only else render(request, REGISTRY_TEMPLATE, {"shared_content": html})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _filename(extension: str) -> str:
    return f"mous-{date.today().isoformat()}.{extension}"


def _audit_export(request, file_format: str, *, full: bool) -> None:
    """Record an export by a signed-in person; visitors export only the public registry."""
    if request.user.is_authenticated:
        audit_log(
            action="mous.registry.exported",
            actor=request.user,
            data={"format": file_format, "full": full, "query": request.GET.urlencode()},
        )


@require_GET
def mou_export_csv(request):
    """The filtered registry with its milestones as UTF-8 CSV (with a byte order mark)."""
    _form, queryset, secretariat = _registry(request)
    _audit_export(request, "csv", full=secretariat)
    rows = export_rows(queryset, full=secretariat, request=request)
    return csv_download(headers=export_headers(full=secretariat), rows=rows, filename=_filename("csv"))


@require_GET
def mou_export_xlsx(request):
    """The filtered registry with its milestones as an Excel workbook."""
    _form, queryset, secretariat = _registry(request)
    _audit_export(request, "xlsx", full=secretariat)
    return xlsx_download(
        headers=export_headers(full=secretariat),
        rows=export_rows(queryset, full=secretariat, request=request),
        filename=_filename("xlsx"),
        sheet_title=_("MoUs"),
    )


@require_GET
def mou_statistics(request):
    """The secretariat's statistics; everyone else gets 404."""
    if not is_secretariat(request.user):
        raise Http404
    return render(request, "mous/registry/statistics.html", {"stats": stats.compute()})


@require_GET
@login_required
def mou_network(request):
    """The partnership network as server-side SVG; public MoUs only unless secretariat."""
    form, queryset, secretariat = _registry(request)
    picture = network.build(queryset)
    return render(
        request,
        "mous/registry/network.html",
        {"form": form, "picture": picture, "secretariat": secretariat, "mou_cap": network.MOU_CAP},
    )


urlpatterns = [
    path("", mou_registry, name="registry"),
    path("export.csv", mou_export_csv, name="registry_export_csv"),
    path("export.xlsx", mou_export_xlsx, name="registry_export_xlsx"),
    path("statistics/", mou_statistics, name="statistics"),
    path("network/", mou_network, name="network"),
]
