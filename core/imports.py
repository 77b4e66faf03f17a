"""The one import pipeline the spreadsheet imports share: columns, rows, preview, all-or-nothing commit.

An import (institutions in ``institutions.imports``, event participants in ``events.imports``)
declares its columns as :class:`Column` specifications and reads a file with
:func:`read_sheet`, which reads the table (:mod:`core.spreadsheets`: encodings, limits, zip
bombs), maps its header row to fields (:func:`map_header`, accepting each field's English and
Chinese header names), yields its non-empty rows as trimmed ``{field: text}`` dicts
(:func:`iter_records`) and refuses formulas in the columns kept. The import then classifies
its rows in its own way and keeps the preview for the job's page in the common shape of
:func:`preview_payload` / :func:`row_payload`. Starting a job is :func:`import_start`; the
commit writes everything in one transaction and names the row that failed
(:func:`row_failed`), refusing to start while rows have errors (:func:`refuse_errors`) unless
the person chose to leave those rows out (:func:`rows_to_write`). The rows left out, as they
were uploaded and with their reasons in an extra column, are kept with the preview
(:func:`rejected_payload`) so that they can be downloaded, corrected and uploaded again
(:func:`rejected_table`); that extra column is recognised and skipped when they come back.

The pages are one pair of templates, ``imports/upload.html`` and ``imports/preview.html``,
which each import extends, filling in the blocks that differ (its columns, its counts, its
preview table).

Header names are compared folded: case, accents, spaces, dashes and underscores do not count
("E-mail Address" is "emailaddress"). A header that names no field, or a field already named
by an earlier column, is ignored and listed on the preview page.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.countries import countries

from .models import ImportJob
from .services import import_job_confirm, import_job_create, import_job_queue
from .spreadsheets import SpreadsheetError, check_upload, read_rows, refuse_formulas


class ImportFailed(SpreadsheetError):
    """The file cannot be imported; the message is translated and names the row when there is one."""


def fold(text: str) -> str:
    """Return ``text`` in lower case without accents (Hồ Chí Minh → ho chi minh)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return without_marks.replace("đ", "d").replace("ø", "o").replace("ł", "l").replace("ß", "ss")


def header_key(text: str) -> str:
    """Return the form under which two spellings of a header (or a keyword cell) count as the same."""
    return re.sub(r"[\s_\-]+", "", fold(text or ""))


def squeeze(text: str) -> str:
    """Return ``text`` with every run of white space made one space (a cleaner for :class:`Column`)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Column:
    """One field an import reads: its name, the headers that name it, whether it must be there.

    ``headers`` are the accepted header names in English and Chinese, compared folded (see
    :func:`header_key`); the field's own name is always accepted. ``cleaner`` turns the
    trimmed cell into the field's text (the default keeps it as it is).
    """

    field: str
    headers: tuple[str, ...] = ()
    required: bool = False
    cleaner: Callable[[str], str] | None = None

    def accepts(self) -> set[str]:
        return {header_key(self.field), *(header_key(header) for header in self.headers)}


# The extra column of a file of rejected rows (see :func:`rejected_table`), ignored on upload.
REASON_HEADER = gettext_lazy("Why this row was not imported")


def reason_header_keys() -> set[str]:
    """Return the header keys of the reason column in every language of the portal."""
    keys = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            keys.add(header_key(str(REASON_HEADER)))
    return keys


def _missing_columns(missing: list[str]) -> str:
    return _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}


@dataclass(frozen=True)
class Columns:
    """The columns of one import, in the order their fields are reported.

    ``missing_message`` turns the list of required fields the header lacks into the message
    shown (by default "The first row must name the columns; missing: …").
    """

    columns: tuple[Column, ...]
    missing_message: Callable[[list[str]], str] = _missing_columns

    def lookup(self) -> dict[str, str]:
        """Map every accepted header key to its field."""
        found: dict[str, str] = {}
        for column in self.columns:
            for key in column.accepts():
                found.setdefault(key, column.field)
        return found

    @property
    def required(self) -> list[str]:
        return [column.field for column in self.columns if column.required]

    def cleaners(self) -> dict[str, Callable[[str], str]]:
        return {column.field: column.cleaner for column in self.columns if column.cleaner}


def map_header(header: Sequence[str], *, columns: Columns, max_columns: int) -> tuple[dict[int, str], list[str]]:
    """Map a header row to fields: ``({column index: field}, [ignored headers])``.

    Raises ImportFailed when a required field has no column. The reason column of a file of
    rejected rows (:data:`REASON_HEADER`, in any language) is skipped without being listed.
    """
    lookup = columns.lookup()
    reasons = reason_header_keys()
    mapped: dict[int, str] = {}
    ignored = []
    for index, title in enumerate(header[:max_columns]):
        key = header_key(title)
        if key in reasons:
            continue
        fieldname = lookup.get(key)
        if fieldname and fieldname not in mapped.values():
            mapped[index] = fieldname
        elif title:
            ignored.append(title)
    missing = [name for name in columns.required if name not in mapped.values()]
    if missing:
        raise ImportFailed(columns.missing_message(missing))
    return mapped, ignored


def without_neutralising_apostrophe(text: str) -> str:
    """Return ``text`` without the apostrophe a download put before a leading ``=``, ``+``, ``-`` or ``@``.

    The portal's downloads (:func:`core.downloads.neutralise_formula`) write "+855 12 345"
    as "'+855 12 345"; a file of rejected rows uploaded again reads as it was first uploaded.
    A formula so uncovered is then refused like any other (:func:`read_sheet`).
    """
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def iter_records(
    rows: Iterable[Sequence[str]], *, mapped: dict[int, str], columns: Columns, first_number: int = 2
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield the non-empty rows as ``(row number, {field: trimmed text})``, each field cleaned.

    Row numbers are those a spreadsheet shows: the first row given is ``first_number`` (the
    header being row 1). A row shorter than the header has empty text for the missing cells.
    A cell that a download neutralised with an apostrophe is read without it.
    """
    cleaners = columns.cleaners()
    for number, row in enumerate(rows, start=first_number):
        if not any(row):
            continue
        values = {}
        for index, fieldname in mapped.items():
            text = without_neutralising_apostrophe((row[index] if index < len(row) else "").strip())
            cleaner = cleaners.get(fieldname)
            values[fieldname] = cleaner(text) if cleaner else text
        yield number, values


@dataclass
class Sheet:
    """A file read for an import: the mapped columns, the non-empty rows and the ignored headers.

    ``header`` and ``cells`` (every row's cells as uploaded, by row number) are what a file of
    the rejected rows is made of (:func:`rejected_payload`).
    """

    mapped: dict[int, str]
    records: list[tuple[int, dict[str, str]]]
    ignored: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    cells: dict[int, list[str]] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        return sorted(set(self.mapped.values()))


def read_sheet(*, content: bytes, filename: str, columns: Columns, max_rows: int, max_columns: int) -> Sheet:
    """Read an uploaded CSV or XLSX file for an import; raise ImportFailed when it is unusable.

    Unusable: unreadable or refused by :mod:`core.spreadsheets`, empty, without a required
    column, without rows or with more than ``max_rows`` of them, or with a formula in a kept
    column.
    """
    try:
        rows = read_rows(content=content, filename=filename, max_rows=max_rows, max_columns=max_columns)
    except SpreadsheetError as exc:
        raise ImportFailed(str(exc)) from exc
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ImportFailed(_("The file is empty."))
    mapped, ignored = map_header(rows[0], columns=columns, max_columns=max_columns)
    records = list(iter_records(rows[1:], mapped=mapped, columns=columns))
    if len(records) > max_rows:
        raise ImportFailed(
            _("The file has more than %(limit)s rows: split it into several imports.") % {"limit": max_rows}
        )
    if not records:
        raise ImportFailed(_("The file has a header but no rows."))
    try:
        refuse_formulas(records=records, columns=mapped)
    except SpreadsheetError as exc:
        raise ImportFailed(str(exc)) from exc
    numbers = {number for number, _values in records}
    cells = {number: row for number, row in enumerate(rows[1:], start=2) if number in numbers}
    return Sheet(mapped=mapped, records=records, ignored=ignored, header=rows[0], cells=cells)


# Reading cells -------------------------------------------------------------------------------


def country_lookup(aliases: dict[str, str]) -> dict[str, str]:
    """Map folded country names (English and Chinese), ISO codes and ``aliases`` to ISO codes."""
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for code, name in countries:
                lookup[fold(str(name))] = code
    for code, _name in countries:
        lookup[code.lower()] = code
    lookup.update({fold(alias): code for alias, code in aliases.items()})
    return lookup


def choice_lookup(choices: Iterable[tuple[str, object]], values: Iterable[str] = ()) -> dict[str, str]:
    """Map the header keys of choice labels (English and Chinese) and of ``values`` to the values.

    ``choices`` is a model's ``Choices.choices``: each label is taken in both languages.
    """
    choices = list(choices)
    lookup: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices:
                lookup[header_key(str(label))] = value
    lookup.update({header_key(value): value for value in values})
    return lookup


# The upload form --------------------------------------------------------------------------------


class SpreadsheetUploadForm(forms.Form):
    """An import's upload form: one CSV or Excel (.xlsx) file, no larger than ``max_bytes``.

    Each import gives its ``file`` field a label and help text, its ``max_bytes`` and the
    translated message ``too_large`` for a larger file.
    """

    extensions = (".csv", ".xlsx")
    max_bytes = 0
    too_large = ""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.extensions):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
        if upload.size > self.max_bytes:
            raise forms.ValidationError(str(self.too_large), code="size")
        return upload


# The preview's shape ------------------------------------------------------------------------


def row_payload(*, number: int, decision_field: str, values: dict[str, str], fields: Sequence[str], errors, **extra):
    """Return one row of a preview as JSON-ready data: the common keys, then the import's own."""
    return {
        "number": number,
        "decision_field": decision_field,
        "values": {key: values.get(key, "") for key in fields},
        "errors": [str(error) for error in errors],
        **extra,
    }


def preview_payload(
    *,
    total_rows: int,
    counts: dict,
    ignored_headers: list[str],
    has_errors: bool,
    signature: str,
    rows,
    error_rows: int = 0,
    rejected: dict | None = None,
    **extra,
) -> dict:
    """Return a preview as JSON-ready data for the job and its page: the common keys, then the import's own.

    ``signature`` digests every row's classification, so that the commit notices data that
    changed since the preview. ``error_rows`` counts the rows with errors, which the person
    may choose to leave out (``valid_rows`` are the others), and ``rejected`` is those rows as
    uploaded, with their reasons (:func:`rejected_payload`).
    """
    return {
        "total_rows": total_rows,
        "counts": counts,
        "ignored_headers": ignored_headers,
        "has_errors": has_errors,
        "signature": signature,
        "rows": rows,
        "error_rows": error_rows,
        "valid_rows": total_rows - error_rows,
        "rejected": rejected or {"header": [], "rows": []},
        **extra,
    }


def rejected_payload(*, sheet: Sheet, reasons: dict[int, list[str]]) -> dict:
    """Return the rows with errors as uploaded, each with its reasons, as JSON-ready data.

    ``reasons`` maps the numbers of the rows with errors to their messages. Every column is
    kept, the ignored ones too, so that the corrected file reads as the first one did; only
    a reason column (the file was itself a download of rejected rows) is dropped, as the
    download adds it afresh, and so are empty columns at the end.
    """
    numbers = sorted(number for number, messages in reasons.items() if messages)
    reason_keys = reason_header_keys()
    width = max([len(sheet.header), *(len(sheet.cells.get(number, [])) for number in numbers)])
    # One column is left for the reasons within the column limit of every upload.
    width = min(width, settings.IMPORT_MAX_COLUMNS - 1)
    keep = [
        index
        for index in range(width)
        if index >= len(sheet.header) or header_key(sheet.header[index]) not in reason_keys
    ]

    def pick(cells: list[str]) -> list[str]:
        return [cells[index] if index < len(cells) else "" for index in keep]

    header = pick(sheet.header)
    rows = [pick(sheet.cells.get(number, [])) for number in numbers]
    while header and not header[-1] and not any(row[len(header) - 1] for row in rows):
        header.pop()
        for row in rows:
            row.pop()
    return {
        "header": header,
        "rows": [
            {"number": number, "cells": cells, "reasons": [str(message) for message in reasons[number]]}
            for number, cells in zip(numbers, rows, strict=True)
        ],
    }


def rejected_table(rejected: dict) -> tuple[list[str], list[list[str]]]:
    """Return the headers and rows of the file of rejected rows: as uploaded, plus the reason column.

    The reason column is last and is skipped when the corrected file is uploaded again
    (:func:`map_header`); the download writers neutralise cells that would run as formulas.
    """
    headers = [*rejected.get("header", []), str(REASON_HEADER)]
    rows = [[*row["cells"], "; ".join(row["reasons"])] for row in rejected.get("rows", [])]
    return headers, rows


# Running ------------------------------------------------------------------------------------------


def import_start(
    *,
    kind: str,
    task,
    created_by,
    upload,
    language: str,
    target_id: int | None = None,
    params: dict | None = None,
) -> ImportJob:
    """Keep the uploaded file as a job of ``kind`` and queue ``task`` (its preview) once committed.

    Nothing else is written. Raises ImportFailed when the file must not be read at all (see
    :func:`core.spreadsheets.check_upload`); the rest is found by the preview task.
    """
    upload.seek(0)
    try:
        check_upload(content=upload.read(), filename=upload.name)
    except SpreadsheetError as exc:
        raise ImportFailed(str(exc)) from exc
    with transaction.atomic():
        job = import_job_create(
            kind=kind, created_by=created_by, upload=upload, target_id=target_id, params=params, language=language
        )
        transaction.on_commit(lambda: import_job_queue(task=task, job_id=job.pk))
    return job


def import_confirm(*, job: ImportJob, decisions: dict, task, leave_out_errors: bool = False) -> bool:
    """Record the decisions on a previewed job and queue ``task`` (its writing) once committed.

    ``leave_out_errors``: write the rows without errors and leave out the others. Returns
    False, queuing nothing, when the job cannot be confirmed (see
    :func:`core.services.import_job_confirm`).
    """
    with transaction.atomic():
        confirmed = import_job_confirm(job=job, decisions=decisions, leave_out_errors=leave_out_errors)
        if confirmed:
            transaction.on_commit(lambda: import_job_queue(task=task, job_id=job.pk))
    return confirmed


def refuse_errors(*, has_errors: bool) -> None:
    """Refuse to write a preview with rows in error: all or nothing."""
    if has_errors:
        raise ImportFailed(_("Correct the rows with errors in the file and upload it again; nothing was imported."))


def rows_to_write(rows: list, *, has_errors: Callable[[object], bool], leave_out_errors: bool) -> list:
    """Return the rows a commit writes: every row, or only those without errors if so chosen.

    Raises ImportFailed when rows have errors and the person did not choose to leave them out
    (all or nothing), and when no row is left to write.
    """
    valid = [row for row in rows if not has_errors(row)]
    if len(valid) < len(rows) and not leave_out_errors:
        refuse_errors(has_errors=True)
    if not valid:
        raise ImportFailed(_("Every row has errors, so nothing was imported. Correct the file and upload it again."))
    return valid


def row_failed(*, number: int, exc: Exception) -> ImportFailed:
    """Return the error that ends a commit because row ``number`` could not be saved."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    else:
        details = str(exc).splitlines()[0]
    return ImportFailed(
        _("Row %(number)s could not be saved (%(details)s); nothing was imported.")
        % {"number": number, "details": details}
    )
