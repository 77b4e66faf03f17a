"""The cooperation report as a workbook for a ministry's annual report.

One sheet per table (Exchanges, Courses, Projects, MoUs): the report's title and period on
top, then the column headings twice, a row in English and a row in Chinese, the report's
second language (a ministry in China or in an ASEAN country files it as it comes), then the
figures as numbers and a totals row. The headings are the same msgids as the page's, so the
Chinese row is what the zh-hans catalogue says; the rows themselves (country names, kinds)
are in the language of the person who downloads it.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.downloads import ReportSheet, xlsx_report_download

from .reporting import Report, ReportTable

# The languages of the heading rows, in order.
HEADING_LANGUAGES = ("en", "zh-hans")


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def period_text(report: Report) -> str:
    filters = report.filters
    if filters.year_from == filters.year_to:
        return str(filters.year_from)
    return f"{filters.year_from}–{filters.year_to}"


def _both(text, separator: str) -> str:
    """``text`` in the heading languages, each once (a msgid not translated yet is not repeated)."""
    return separator.join(dict.fromkeys(_in(language, text) for language in HEADING_LANGUAGES))


def _sheet(report: Report, table: ReportTable, subtitle: str) -> ReportSheet:
    return ReportSheet(
        # Excel refuses "/" in a sheet's name.
        name=_both(table.sheet_name, " · "),
        title_lines=[_both(table.title, " / "), subtitle, str(table.note)],
        heading_rows=[[_in(language, column.label) for column in table.columns] for language in HEADING_LANGUAGES],
        rows=table.rows,
        totals=table.totals,
        widths=[column.width for column in table.columns],
        label_columns=table.label_columns,
    )


def subtitle_of(report: Report, *, country_name: str, sector_name: str) -> str:
    parts = [_("Period: %(period)s") % {"period": period_text(report)}]
    if country_name:
        parts.append(_("Country: %(country)s") % {"country": country_name})
    if sector_name:
        parts.append(_("Sector: %(sector)s") % {"sector": sector_name})
    if not report.scope.everything:
        parts.append(_("Figures of your institutions' MoUs only"))
    parts.append(_("Produced on %(date)s") % {"date": timezone.localdate().isoformat()})
    return " · ".join(parts)


def report_download(report: Report, *, country_name: str = "", sector_name: str = ""):
    """The report as an XLSX attachment named after its period."""
    subtitle = subtitle_of(report, country_name=country_name, sector_name=sector_name)
    sheets = [_sheet(report, table, subtitle) for table in report.tables]
    filename = f"cooperation-report-{period_text(report).replace('–', '-')}.xlsx"
    return xlsx_report_download(sheets=sheets, filename=filename)
