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
never held in memory. XLSX workbooks are written in openpyxl's write-only mode.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

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
