"""The automatic event report: a printable page and its PDF.

Only the people who run the event (``events.manage_event``) see it; anyone else signed in gets
404 and a visitor is sent to sign in. The figures come from ``matchmaking.report.build_report`` and
the charts are inline SVG, so the page prints and converts to PDF without JavaScript.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.audit import audit_log
from events.charts import bar_chart, ring_chart
from events.views_manage import managed_event

from .report import Report, build_report


def report_context(report: Report) -> dict:
    """The template context of the report, shared by the page and the PDF."""
    survey = report.survey
    if survey:
        # One bar chart per choice question, counted on the server like the other charts.
        for question in survey.get("questions", []):
            question["chart"] = bar_chart(
                [(choice["label"], choice["count"]) for choice in question.get("choices", [])],
                title=question.get("text", ""),
            )
    return {
        "event": report.event,
        "report": report,
        "country_chart": bar_chart(
            [(line.label, line.participants) for line in report.countries], title=_("Participants by country")
        ),
        "kind_chart": bar_chart(
            [(line.label, line.participants) for line in report.kinds], title=_("Participants by kind of institution")
        ),
        "check_in_chart": ring_chart(report.checked_in, report.participants, title=_("Check-in rate")),
    }


@login_required
@require_GET
def event_report(request, slug: str):
    event = managed_event(request, slug)
    return render(request, "matchmaking/report/report.html", report_context(build_report(event)))


@login_required
@require_GET
def event_report_pdf(request, slug: str):
    event = managed_event(request, slug)
    from .pdf import report_pdf

    audit_log(action="events.report.downloaded", actor=request.user, target=event, event=event)
    response = HttpResponse(report_pdf(build_report(event)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-report.pdf"'
    return response


urlpatterns = [
    path("<slug:slug>/manage/report/", event_report, name="report"),
    path("<slug:slug>/manage/report.pdf", event_report_pdf, name="report_pdf"),
]
