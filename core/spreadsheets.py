"""Reading uploaded CSV and XLSX tables safely, for the imports that take spreadsheets.

Shared by the imports that take spreadsheets as partners send them (institutions in
``institutions.imports``, event participants in ``events.imports``); the downloads going the
other way are in :mod:`core.downloads`.

Decisions: files come as UTF-8 (with or without BOM) or UTF-16 with BOM, as Excel writes
them; other encodings are refused with a message rather than guessed, since a wrong guess
would silently garble local-script names (Chinese, Thai, Khmer, Vietnamese).

A spreadsheet is untrusted input that can cost far more to read than its size: a 200 KB
workbook can hold gigabytes of XML (a "zip bomb"), declare a million rows, or carry XML
entities that expand without end. So every file is checked before any parser sees it, from
what the zip archive says of itself (member count and sizes, compression ratio, sheet count)
and from the first bytes of each sheet (its declared dimension, no document type
declaration); then openpyxl reads it in read-only mode (with defusedxml, which refuses
entities) and reading stops at the row limit, so no more than the limit is ever held in
memory. CSV files are refused when they hold NUL bytes or other control characters (a binary
file renamed), or pass the row, column or cell-length limits. Cells that a spreadsheet would
run as a formula (``=``, ``+``, ``-``, ``@``) in the columns an import keeps are refused too
(:func:`refuse_formulas`), so that an imported name never becomes a formula in someone's
export. The limits are settings (``IMPORT_MAX_*``).
"""

import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError  # nosec B405 -- only the exception class openpyxl raises; parsing goes through defusedxml

from django.conf import settings
from django.utils.translation import gettext as _

from .services import ImportJobError


class SpreadsheetError(ImportJobError):
    """The file cannot be read as a table; the message is translated."""


@dataclass(frozen=True)
class Limits:
    """How much of a spreadsheet the portal agrees to read (see ``IMPORT_MAX_*`` settings)."""

    file_bytes: int
    uncompressed_bytes: int
    member_bytes: int
    compression_ratio: int
    zip_members: int
    sheets: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            file_bytes=settings.IMPORT_MAX_FILE_BYTES,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            member_bytes=settings.IMPORT_MAX_MEMBER_BYTES,
            compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            zip_members=settings.IMPORT_MAX_ZIP_MEMBERS,
            sheets=settings.IMPORT_MAX_SHEETS,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        )


# Below this size a member's compression ratio says nothing: small XML parts compress well.
RATIO_FLOOR_BYTES = 1024 * 1024
# How much of each sheet's XML is read to find its <dimension> element.
DIMENSION_PEEK_BYTES = 16 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")
FORMULA_PREFIXES = ("=", "+", "-", "@")
_PHONE_LIKE = re.compile(r"^[\d\s().\-/]+$")
# Control characters (Unicode category Cc) other than tab, line feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def cell_text(value) -> str:
    """Return a cell as text: integral numbers without ".0", everything stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(limit)s rows: split it into several imports.") % {"limit": limit}
    )


def _file_too_large(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file is larger than %(size)s MB: split it into several imports.")
        % {"size": round(limits.file_bytes / (1024 * 1024), 1)}
    )


def decode_text(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(_("The file says it is UTF-16 but is not: save it again and upload it.")) from exc
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma delimited)” "
                "or as an .xlsx workbook, then upload it again."
            )
        ) from exc


def _check_text(text: str) -> None:
    """Refuse text with NUL bytes or other control characters: a binary file, not a CSV."""
    if "\x00" in text:
        raise SpreadsheetError(
            _(
                "The file contains NUL bytes, so it is not a CSV text file. Save the table as "
                "“CSV UTF-8” or as an .xlsx workbook, then upload it again."
            )
        )
    if _CONTROL.search(text):
        raise SpreadsheetError(
            _(
                "The file contains control characters that a CSV text file never holds: it "
                "looks like a binary file. Save the table as “CSV UTF-8” or as an .xlsx "
                "workbook, then upload it again."
            )
        )


def _check_cell(text: str, *, row: int, column: int, limits: Limits) -> None:
    if len(text) > limits.cell_chars:
        raise SpreadsheetError(
            _("Cell %(cell)s is longer than %(limit)s characters.")
            % {"cell": f"{_column_letter(column)}{row}", "limit": limits.cell_chars}
        )


def looks_like_formula(text: str) -> bool:
    """Return whether a spreadsheet would run ``text`` as a formula when it opens it.

    Text starting with ``=`` or ``@`` always; with ``+`` or ``-`` unless the rest is a number
    or a phone number (digits, spaces, brackets, dots, dashes, slashes), as lists often hold.
    """
    if len(text) < 2 or not text.startswith(FORMULA_PREFIXES):
        return False
    if text[0] in "+-":
        return not (_PLAIN_NUMBER.match(text) or _PHONE_LIKE.match(text[1:]))
    return True


def refuse_formulas(*, records: list[tuple[int, dict[str, str]]], columns: dict[int, str]) -> None:
    """Refuse the file when a cell the import keeps would run as a formula in a spreadsheet.

    ``records`` are ``(row number, {field: text})`` and ``columns`` maps column indexes
    (from 0) to the fields. Only the kept columns are checked: an ignored column (a phone
    number, a handle) is never stored, so it can never reach someone's export.
    """
    index_of = {fieldname: index for index, fieldname in columns.items()}
    for number, values in records:
        for fieldname, text in values.items():
            if looks_like_formula(text):
                raise SpreadsheetError(
                    _(
                        "Cell %(cell)s starts with “%(sign)s”, so spreadsheets would run it as a formula: "
                        "“%(value)s”. Remove the formula or the sign, then upload the file again."
                    )
                    % {
                        "cell": f"{_column_letter(index_of[fieldname] + 1)}{number}",
                        "sign": text[0],
                        "value": text[:60],
                    }
                )


class _RowCollector:
    """Collect rows up to the limits; empty rows after the last filled one are dropped.

    Empty rows are only counted until a filled row follows, so a sheet of a million empty
    rows costs no memory; the number of rows looked at is capped as well.
    """

    def __init__(self, *, max_rows: int, limits: Limits) -> None:
        self.max_rows, self.limits = max_rows, limits
        self.rows: list[list[str]] = []
        self.filled = 0
        self.pending_empty = 0
        self.seen = 0
        # Empty rows between filled ones are allowed, within reason.
        self.max_seen = 2 * (max_rows + 1) + 1000

    def add(self, cells: list[str]) -> None:
        self.seen += 1
        if self.seen > self.max_seen:
            raise _too_many_rows(self.max_rows)
        if not any(cells):
            self.pending_empty += 1
            return
        self.filled += 1
        if self.filled > self.max_rows + 1:  # the header is one of them
            raise _too_many_rows(self.max_rows)
        if len(cells) > self.limits.columns and any(cells[self.limits.columns :]):
            raise SpreadsheetError(
                _("Row %(row)s has more than %(limit)s columns.") % {"row": self.seen, "limit": self.limits.columns}
            )
        for index, text in enumerate(cells, start=1):
            if text:
                _check_cell(text, row=self.seen, column=index, limits=self.limits)
        self.rows.extend([] for _ in range(self.pending_empty))
        self.pending_empty = 0
        self.rows.append(cells)


CSV_DELIMITERS = (",", ";", "\t")


def _csv_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns, the same number each.

    Quotes are always double quotes, as every spreadsheet program writes them. Python's
    ``csv.Sniffer`` also guesses the quote character, and takes the apostrophe that neutralises
    a formula (``'=1+2``, as the portal's own downloads of rejected rows write it) for one,
    which joins rows together.
    """
    head = list(itertools.islice(io.StringIO(text[:8192]), 20))
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(head, csv.excel, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_rows(content: bytes, *, max_rows: int | None = None, limits: Limits | None = None) -> list[list[str]]:
    limits = limits or Limits.from_settings()
    max_rows = min(max_rows or limits.rows, limits.rows)
    if len(content) > limits.file_bytes:
        raise _file_too_large(limits)
    text = decode_text(content)
    _check_text(text)
    delimiter = _csv_delimiter(text)
    collector = _RowCollector(max_rows=max_rows, limits=limits)
    try:
        for row in csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter):
            collector.add([cell_text(c) for c in row])
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    return collector.rows


def _not_a_workbook() -> SpreadsheetError:
    return SpreadsheetError(_("The file is not a valid .xlsx workbook."))


def _refuse_archive(detail: str) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The workbook unpacks to far more data than a table of this size holds (%(detail)s), "
            "so the portal does not open it. Copy the table into a new workbook, or save it as "
            "“CSV UTF-8”, then upload it again."
        )
        % {"detail": detail}
    )


def check_xlsx(content: bytes, *, limits: Limits | None = None) -> None:
    """Refuse a workbook before any parser reads it, from what its zip archive says of itself.

    Checked: the file size, the number of members, each member's and the total uncompressed
    size, the compression ratio, the number of worksheets, each worksheet's declared
    dimension (read from its first bytes), and document type declarations (which a
    workbook never needs, and which entity bombs use).
    """
    limits = limits or Limits.from_settings()
    if len(content) > limits.file_bytes:
        raise _file_too_large(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_a_workbook() from exc

    if len(members) > limits.zip_members:
        raise _refuse_archive(_("%(count)s parts") % {"count": len(members)})
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.member_bytes:
            raise _refuse_archive(_("one part of %(size)s MB") % {"size": member.file_size // (1024 * 1024)})
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > limits.compression_ratio * max(
            member.compress_size, 1
        ):
            raise _refuse_archive(
                _("one part with a compression ratio of %(ratio)s to 1")
                % {"ratio": member.file_size // max(member.compress_size, 1)}
            )
    if total > limits.uncompressed_bytes:
        raise _refuse_archive(_("%(size)s MB in all") % {"size": total // (1024 * 1024)})
    sheets = [m for m in members if re.match(r"^xl/worksheets/[^/]+\.xml$", m.filename)]
    if not sheets:
        raise _not_a_workbook()
    if len(sheets) > limits.sheets:
        raise SpreadsheetError(
            _("The workbook has %(count)s sheets; the portal reads workbooks of at most %(limit)s sheets.")
            % {"count": len(sheets), "limit": limits.sheets}
        )
    try:
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(member) as stream:
                head = stream.read(DIMENSION_PEEK_BYTES)
            if _DOCTYPE.search(head):
                raise SpreadsheetError(
                    _(
                        "The workbook contains an XML document type declaration, which spreadsheets "
                        "never need and which can hide an attack. Copy the table into a new workbook "
                        "or save it as “CSV UTF-8”, then upload it again."
                    )
                )
            if member in sheets:
                _check_dimension(head, limits)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise _not_a_workbook() from exc


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_dimension(head: bytes, limits: Limits) -> None:
    match = _DIMENSION.search(head)
    if match is None:
        return  # no dimension declared: the row limit applies while reading
    first_col, first_row, last_col, last_row = match.groups()
    rows = int(last_row or first_row)
    columns = _column_number(last_col or first_col)
    if rows > limits.rows + 1 or columns > limits.columns:
        ref = match.group(0).split(b'"')[1].decode()
        raise SpreadsheetError(
            _(
                "A sheet of the workbook declares %(ref)s: %(rows)s rows and %(columns)s columns. "
                "The portal reads at most %(max_rows)s rows and %(max_columns)s columns. Delete the "
                "empty rows and columns after your table, or save it as “CSV UTF-8”, then upload it again."
            )
            % {
                "ref": ref,
                "rows": f"{rows:,}",
                "columns": f"{columns:,}",
                "max_rows": f"{limits.rows:,}",
                "max_columns": limits.columns,
            }
        )


def read_xlsx_rows(content: bytes, *, max_rows: int, max_columns: int, limits: Limits | None = None) -> list[list[str]]:
    """Return the first sheet's rows, after :func:`check_xlsx`; reading stops at the row limit."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    limits = limits or Limits.from_settings()
    max_rows = min(max_rows, limits.rows)
    check_xlsx(content, limits=limits)
    collector = _RowCollector(max_rows=max_rows, limits=limits)
    unreadable = (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,  # defusedxml's refusals are ValueErrors too
        ParseError,
        EOFError,
        zlib.error,
        TypeError,
        IndexError,
        AttributeError,
    )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except unreadable as exc:
        raise _not_a_workbook() from exc
    try:
        if not workbook.worksheets:
            raise _not_a_workbook()
        sheet = workbook.worksheets[0]
        columns = min(max_columns, limits.columns)
        for row in sheet.iter_rows(values_only=True, max_col=columns, max_row=collector.max_seen + 1):
            collector.add([cell_text(c) for c in row])
    except SpreadsheetError:
        raise
    except unreadable as exc:
        raise _not_a_workbook() from exc
    finally:
        workbook.close()
    return collector.rows


def check_upload(*, content: bytes, filename: str) -> None:
    """Refuse a file that must not be read at all, cheaply enough to run in the request."""
    limits = Limits.from_settings()
    if filename.lower().endswith(".xlsx"):
        check_xlsx(content, limits=limits)
        return
    if len(content) > limits.file_bytes:
        raise _file_too_large(limits)
    _check_text(decode_text(content))


def read_rows(*, content: bytes, filename: str, max_rows: int, max_columns: int) -> list[list[str]]:
    """Return the table's rows as lists of text, by the file's extension (.xlsx, else CSV).

    Raises SpreadsheetError, with a message for the person who uploaded it, when the file is
    refused or cannot be read, or holds more than ``max_rows`` rows after its header.
    """
    if filename.lower().endswith(".xlsx"):
        return read_xlsx_rows(content, max_rows=max_rows, max_columns=max_columns)
    return read_csv_rows(content, max_rows=max_rows)
