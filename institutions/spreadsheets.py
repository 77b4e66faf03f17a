"""Reading uploaded CSV and XLSX tables, and keeping an upload between preview and commit.

Shared by the imports that take spreadsheets as partners send them (institutions here, event
participants in ``events.imports``). It lives in the lowest app so every app above may use it.

Decisions: files come as UTF-8 (with or without BOM) or UTF-16 with BOM, as Excel writes
them; other encodings are refused with a message rather than guessed, since a wrong guess
would silently garble local-script names (Chinese, Thai, Khmer, Vietnamese). An upload waits
server-side under a random token, never under a name the user chose.
"""

import csv
import io
import re
import secrets
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message is translated."""


def cell_text(value) -> str:
    """Return a cell as text: integral numbers without ".0", everything stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def decode_text(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma delimited)” "
                "or as an .xlsx workbook, then upload it again."
            )
        ) from exc


def read_csv_rows(content: bytes) -> list[list[str]]:
    text = decode_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[cell_text(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def read_xlsx_rows(content: bytes, *, max_rows: int, max_columns: int) -> list[list[str]]:
    """Return the first sheet's rows; reading stops after ``max_rows`` + 1 (header) rows."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(_("The file is not a valid .xlsx workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=max_columns):
            rows.append([cell_text(c) for c in row])
            if len(rows) > max_rows + 1:  # stop reading early: the limit is exceeded anyway
                break
        return rows
    finally:
        workbook.close()


def read_rows(*, content: bytes, filename: str, max_rows: int, max_columns: int) -> list[list[str]]:
    """Return the table's rows as lists of text, by the file's extension (.xlsx, else CSV)."""
    if filename.lower().endswith(".xlsx"):
        return read_xlsx_rows(content, max_rows=max_rows, max_columns=max_columns)
    return read_csv_rows(content)


# Keeping the file between preview and commit ---------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def _upload_dir() -> Path:
    directory = Path(getattr(settings, "PORTAL_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "tvet-portal-imports")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def stash_upload(content: bytes) -> str:
    """Keep an uploaded file until it is committed; return the random token that names it."""
    token = secrets.token_urlsafe(32)
    (_upload_dir() / token).write_bytes(content)
    return token


def load_upload(token: str) -> bytes | None:
    if not _TOKEN.match(token or ""):
        return None
    path = _upload_dir() / token
    return path.read_bytes() if path.is_file() else None


def discard_upload(token: str) -> None:
    if _TOKEN.match(token or ""):
        (_upload_dir() / token).unlink(missing_ok=True)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_download(headers, rows, filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` as UTF-8 CSV with a byte order mark, so spreadsheets read every script.

    The rows are written while the response streams, after the middleware has finished: the
    request's language is kept for the labels the rows hold.
    """
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def lines():
        with translation.override(language):
            yield "\ufeff"
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
