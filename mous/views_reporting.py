"""The cooperation report: its page and its workbook (see ``mous.reporting`` for who sees what)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from core.audit import audit_log
from core.countries import countries

from . import report_xlsx
from .forms_reporting import ReportForm
from .reporting import build_report, report_scope_for

TEMPLATE = "mous/reporting/report.html"


def _scope_or_404(request):
    """The viewer's scope; 404 for a person who administers no institution and is not the secretariat."""
    scope = report_scope_for(request.user)
    if scope is None:
        raise Http404
    return scope


@require_GET
@login_required
def cooperation_report(request):
    """The report's tables for the filters asked; invalid filters are shown with their message, and no figures."""
    scope = _scope_or_404(request)
    form = ReportForm(request.GET)  # bound even when empty: no filter means the default period
    report = build_report(scope=scope, filters=form.report_filters()) if form.is_valid() else None
    context = {"form": form, "report": report, "scope": scope, "query": request.GET.urlencode()}
    return render(request, TEMPLATE, context, status=200 if report else 400)


@require_GET
@login_required
def cooperation_report_xlsx(request):
    """The report as a workbook; invalid filters get the page with their message (400)."""
    scope = _scope_or_404(request)
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "report": None, "scope": scope}, status=400)
    filters = form.report_filters()
    report = build_report(scope=scope, filters=filters)
    audit_log(
        action="mous.report.exported",
        actor=request.user,
        data={"format": "xlsx", "query": request.GET.urlencode(), "everything": scope.everything},
    )
    sector = form.cleaned_data.get("sector")
    return report_xlsx.report_download(
        report,
        country_name=str(countries.name(filters.country)) if filters.country else "",
        sector_name=sector.label if sector else "",
    )


urlpatterns = [
    path("reports/", cooperation_report, name="report"),
    path("reports/export.xlsx", cooperation_report_xlsx, name="report_xlsx"),
]
