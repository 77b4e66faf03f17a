"""Tables handed out as downloads: the one CSV writer and the one XLSX writer of every export.

Every export (the directory, an event's registrations, the MoU registry, the activity trail,
a participant's contacts) gives its headers and rows as plain values; the writers here turn
each cell into text and make sure no cell runs as a formula when a spreadsheet opens the file
("CSV injection"):

- :func:`neutralise_formula` puts an apostrophe before a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (the characters OWASP lists). Both writers apply it
  to every cell, headers included. openpyxl would otherwise store a text starting with ``=``
  as a formula.
- CSV files are then written by ``defusedcsv``, which also escapes the cells starting with
  ``|`` or ``%`` that some spreadsheet programs read as commands. Its own rule is not used for
  XLSX cells, nor alone for CSV: it rewrites every ``|`` of a cell it escapes into ``\\|``
  (which would change a name such as "+cmd|calc" for good, where the apostrophe alone shows
  it as written), leaves a leading tab or carriage return as it is, and has no public
  function for one cell.

CSV files are UTF-8 with a byte order mark, so that spreadsheet programs read Chinese, Thai,
Khmer and Vietnamese names as written, and they stream: an export of ten thousand rows is
never held in memory. XLSX workbooks are written in openpyxl's write-only mode, but for the
small styled reports of :func:`xlsx_report_download`, which keep their counts as numbers
(:func:`report_cell`) and neutralise their text the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from defusedcsv.csv import writer as defused_writer
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses sheet names longer than this.
SHEET_TITLE_MAX = 31


def neutralise_formula(value: str) -> str:
    """Return ``value`` with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cells(row: Iterable) -> list[str]:
    """Return ``row`` as text cells (None as an empty cell), each one neutralised."""
    return [neutralise_formula("" if value is None else str(value)) for value in row]


class _Echo:
    """A file-like object whose write() returns the line, for streaming a csv writer's output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(*, headers: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield a CSV file piece by piece: the byte order mark, the header line, one line per row."""
    writer = defused_writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(_cells(headers))
    for row in rows:
        yield writer.writerow(_cells(row))


def csv_text(*, headers: Iterable, rows: Iterable[Iterable]) -> str:
    """Return a whole (small) CSV file as text, for a download that is not streamed."""
    return "".join(csv_lines(headers=headers, rows=rows))


def csv_download(*, headers: Iterable, rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` under ``headers`` as a CSV attachment named ``filename``.

    The rows are written while the response streams, after the middleware has finished: the
    request's language is kept for the labels (and lazy headers) the rows hold.
    """
    language = translation.get_language()

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield from csv_lines(headers=headers, rows=rows)

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(*, headers: Iterable, rows: Iterable[Iterable], filename: str, sheet_title: str) -> HttpResponse:
    """Return ``rows`` under ``headers`` as an Excel workbook of one sheet, named ``filename``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:SHEET_TITLE_MAX])
    sheet.append(_cells(headers))
    for row in rows:
        sheet.append(_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_cell(value):
    """Return ``value`` as a report workbook keeps it: numbers as numbers, text neutralised.

    A count stays a number, so the reader can add it up; anything else becomes text that no
    spreadsheet runs as a formula (see :func:`neutralise_formula`).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    return neutralise_formula(str(value))


@dataclass
class ReportSheet:
    """One table of a report workbook.

    ``title_lines`` go above the table, one per row (the report's title, its period, a note);
    ``heading_rows`` are the column headings, one row per language; ``rows`` the table's body
    and ``totals`` its last row, in bold. ``widths`` are the columns' widths in characters.
    The panes are frozen below the headings and right of the first ``label_columns`` columns,
    so the labels stay in view while the reader scrolls the figures.
    """

    name: str
    title_lines: list[str]
    heading_rows: list[list[str]]
    rows: list[list]
    totals: list | None = None
    widths: list[int] = field(default_factory=list)
    label_columns: int = 1


def xlsx_report_download(*, sheets: Iterable[ReportSheet], filename: str) -> HttpResponse:
    """Return ``sheets`` as an Excel workbook laid out for printing in a report, named ``filename``.

    Unlike :func:`xlsx_download` (a flat table, streamed), a report is small and styled: a
    bold title, shaded headings, frozen panes and column widths.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="DDE6F0")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(title=str(spec.name)[:SHEET_TITLE_MAX])
        for index, line in enumerate(spec.title_lines):
            sheet.append([report_cell(line)])
            if index == 0:
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14)
        sheet.append([])
        for heading in spec.heading_rows:
            sheet.append([report_cell(text) for text in heading])
            for cell in sheet[sheet.max_row]:
                cell.font, cell.fill = bold, shade
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        first_data_row = sheet.max_row + 1
        for values in spec.rows:
            sheet.append([report_cell(value) for value in values])
        if spec.totals is not None:
            sheet.append([report_cell(value) for value in spec.totals])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        sheet.freeze_panes = f"{get_column_letter(spec.label_columns + 1)}{first_data_row}"
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
