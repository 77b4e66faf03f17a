"""The secretariat's activity page: who did what in the portal, filtered, and its CSV export."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from core.audit import audit_log
from core.downloads import csv_download
from institutions.permissions import is_secretariat

from .activity import PAGE_SIZE, ActivityFilterForm, activity_entries, activity_rows, export_headers, export_rows

TEMPLATE = "portal/activity.html"


def _secretariat_only(request) -> None:
    if not is_secretariat(request.user):
        raise Http404


@login_required
@require_GET
def activity(request):
    """The audit trail, newest first, filtered by person, institution, event, action and dates.

    An htmx request (filters, pages) gets the results only; without JavaScript it is a plain GET form.
    """
    _secretariat_only(request)
    form = ActivityFilterForm(request.GET)
    page = Paginator(activity_entries(filters=form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "rows": activity_rows(page.object_list)}
    template = TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#activity-results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def activity_export(request):
    """The filtered trail as CSV (at most ``EXPORT_CAP`` entries); the export itself is recorded."""
    _secretariat_only(request)
    form = ActivityFilterForm(request.GET)
    entries = activity_entries(filters=form.filters())
    audit_log(
        action="portal.activity.exported",
        actor=request.user,
        data={"format": "csv", "query": request.GET.urlencode()},
    )
    return csv_download(
        headers=export_headers(), rows=export_rows(entries), filename=f"activity-{date.today().isoformat()}.csv"
    )


urlpatterns = [
    path("activity/", activity, name="activity"),
    path("activity/export.csv", activity_export, name="activity_export"),
]
