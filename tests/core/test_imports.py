"""The one import pipeline: column specifications, header mapping, trimmed rows, preview shape, commit errors."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

import events.imports
import institutions.imports
from core.imports import (
    Column,
    Columns,
    ImportFailed,
    choice_lookup,
    country_lookup,
    header_key,
    map_header,
    preview_payload,
    read_sheet,
    refuse_errors,
    rejected_payload,
    rejected_table,
    row_failed,
    row_payload,
    rows_to_write,
    squeeze,
)
from core.spreadsheets import SpreadsheetError

PROJECT_DIR = Path(__file__).resolve().parents[2]

COLUMNS = Columns(
    columns=(
        Column("name", ("fullname", "姓名"), required=True),
        Column("email", ("e-mail", "邮箱"), required=True),
        Column("title", ("职务",), cleaner=squeeze),
    )
)


def read(text: str, columns: Columns = COLUMNS, max_rows: int = 10):
    return read_sheet(content=text.encode(), filename="list.csv", columns=columns, max_rows=max_rows, max_columns=40)


def test_headers_match_in_english_or_chinese_whatever_the_case_spaces_dashes_or_accents():
    assert header_key(" E-Mail_Address ") == "emailaddress"
    assert header_key("Désignation") == "designation"

    mapped, ignored = map_header(["Full Name", "邮箱", "phone", "E_MAIL", "职务", ""], columns=COLUMNS, max_columns=40)

    assert mapped == {0: "name", 1: "email", 4: "title"}
    assert ignored == ["phone", "E_MAIL"]  # unknown, and a field already named by an earlier column


def test_missing_required_columns_are_named_in_one_message():
    with pytest.raises(ImportFailed) as caught:
        map_header(["title"], columns=COLUMNS, max_columns=40)

    assert str(caught.value) == "The first row must name the columns; missing: name, email."


def test_an_import_may_word_its_missing_column_message_itself():
    columns = Columns(columns=(Column("name", required=True),), missing_message=lambda missing: "no " + missing[0])

    with pytest.raises(ImportFailed) as caught:
        map_header(["city"], columns=columns, max_columns=40)

    assert str(caught.value) == "no name"


def test_rows_are_trimmed_dicts_numbered_as_the_spreadsheet_shows_them_without_empty_rows():
    sheet = read("\n\n姓名,e-mail,职务,notes\n Ana , ana@example.org ,  Head   of  unit ,x\n,,,\nBo,bo@example.org\n")

    assert sheet.records == [
        (2, {"name": "Ana", "email": "ana@example.org", "title": "Head of unit"}),
        (4, {"name": "Bo", "email": "bo@example.org", "title": ""}),
    ]
    assert (sheet.fields, sheet.ignored) == (["email", "name", "title"], ["notes"])


@pytest.mark.parametrize(
    ("text", "max_rows", "message"),
    [
        ("", 10, "The file is empty."),
        ("\n\n", 10, "The file is empty."),
        ("name,email\n", 10, "The file has a header but no rows."),
        ("name,email\na,a@x.org\nb,b@x.org\nc,c@x.org\n", 2, "more than 2 rows"),
        ("name,email\n=HYPERLINK(1),a@x.org\n", 10, "formula"),
    ],
)
def test_unusable_files_fail_with_a_message(text, max_rows, message):
    with pytest.raises(ImportFailed, match=message) as caught:
        read(text, max_rows=max_rows)

    assert isinstance(caught.value, SpreadsheetError)


def test_cells_are_read_through_lookups_in_english_and_chinese():
    countries = country_lookup({"prc": "CN"})
    roles = choice_lookup([("delegate", "Delegate"), ("press", "Press")], ["delegate", "press"])

    assert (countries["cambodia"], countries["kh"], countries["柬埔寨"], countries["prc"]) == ("KH", "KH", "KH", "CN")
    assert (roles["delegate"], roles["press"]) == ("delegate", "press")


def test_preview_rows_and_previews_share_one_shape():
    row = row_payload(
        number=3,
        decision_field="row-3",
        values={"name": "Ana", "email": "a@x.org", "secret": "x"},
        fields=("name", "country"),
        errors=[ValidationError("bad").messages[0]],
        status="new",
    )
    preview = preview_payload(
        total_rows=1, counts={"new": 1}, ignored_headers=[], has_errors=True, signature="s", rows=[row], fields=["name"]
    )

    assert row == {
        "number": 3,
        "decision_field": "row-3",
        "values": {"name": "Ana", "country": ""},
        "errors": ["bad"],
        "status": "new",
    }
    assert preview == {
        "total_rows": 1,
        "counts": {"new": 1},
        "ignored_headers": [],
        "has_errors": True,
        "signature": "s",
        "rows": [row],
        "error_rows": 0,
        "valid_rows": 1,
        "rejected": {"header": [], "rows": []},
        "fields": ["name"],
    }


def test_commit_errors_name_the_row_and_say_nothing_was_written():
    with pytest.raises(ImportFailed, match="Correct the rows with errors"):
        refuse_errors(has_errors=True)
    refuse_errors(has_errors=False)  # no error: nothing raised

    by_field = row_failed(number=4, exc=ValidationError({"name": ["Too long."]}))
    by_database = row_failed(number=5, exc=IntegrityError("duplicate key\nDETAIL: ..."))

    assert str(by_field) == "Row 4 could not be saved (name: Too long.); nothing was imported."
    assert str(by_database) == "Row 5 could not be saved (duplicate key); nothing was imported."


def test_both_imports_declare_their_columns_with_the_shared_specification():
    assert isinstance(institutions.imports.COLUMNS, Columns)
    assert isinstance(events.imports.COLUMNS, Columns)
    assert institutions.imports.COLUMNS.required == ["name"]
    assert events.imports.COLUMNS.required == ["name", "email", "institution", "country"]
    assert institutions.imports.ImportFailed is ImportFailed
    assert events.imports.ImportFailed is ImportFailed


def test_both_imports_use_one_pair_of_templates():
    for app in ("events", "institutions"):
        folder = PROJECT_DIR / app / "templates" / app / "import"
        assert sorted(path.name for path in folder.iterdir()) == ["parts.html"]
    assert sorted(path.name for path in (PROJECT_DIR / "templates" / "imports").iterdir()) == [
        "preview.html",
        "upload.html",
    ]
    assert sorted(path.name for path in (PROJECT_DIR / "templates" / "includes").glob("_import*")) == []
    views = [
        (PROJECT_DIR / name).read_text() for name in ("events/views_import.py", "institutions/views_onboarding.py")
    ]
    assert ["import_upload_page(" in text and "import_preview_page(" in text for text in views] == [True, True]


def test_both_upload_forms_refuse_other_files_and_larger_ones_with_their_own_message():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.views_import import ParticipantUploadForm
    from institutions.forms_onboarding import ImportUploadForm

    def errors(form_class, name: str, size: int) -> list[str]:
        form = form_class(files={"file": SimpleUploadedFile(name, b"x" * size)})
        return form.errors.get("file", [])

    assert errors(ImportUploadForm, "list.pdf", 10) == ["Upload a .csv or .xlsx file."]
    assert errors(ImportUploadForm, "list.csv", 2 * 1024 * 1024 + 1) == [
        "The file is larger than 2 MB: split it into several imports."
    ]
    assert errors(ParticipantUploadForm, "list.xlsx", 5 * 1024 * 1024 + 1) == [
        "The file is larger than 5 MB: split it into several imports."
    ]
    assert errors(ParticipantUploadForm, "LIST.CSV", 10) == []


def test_headers_fold_as_the_directory_folds_names():
    from core.imports import fold
    from institutions.text import fold as directory_fold

    samples = ["Hồ Chí Minh", "Đà Nẵng", "Øresund", "Łódź", "Straße", "柬埔寨", "E-MAIL"]

    assert [fold(text) for text in samples] == [directory_fold(text) for text in samples]


def test_the_rows_with_errors_are_kept_as_uploaded_with_every_column_and_their_reasons():
    sheet = read("姓名,e-mail,phone,,\nAna,ana@example.org,=1+1,,\nBo,bo@example.org,+855 12,,\nCy,cy,,,extra\n")

    rejected = rejected_payload(sheet=sheet, reasons={2: ["email: bad."], 3: [], 4: ["email: bad.", "name: x."]})
    headers, rows = rejected_table(rejected)

    assert rejected == {
        "header": ["姓名", "e-mail", "phone", "", ""],
        "rows": [
            {"number": 2, "cells": ["Ana", "ana@example.org", "=1+1", "", ""], "reasons": ["email: bad."]},
            {"number": 4, "cells": ["Cy", "cy", "", "", "extra"], "reasons": ["email: bad.", "name: x."]},
        ],
    }
    assert headers == ["姓名", "e-mail", "phone", "", "", "Why this row was not imported"]
    assert rows[1] == ["Cy", "cy", "", "", "extra", "email: bad.; name: x."]


def test_the_reason_column_is_skipped_on_upload_in_any_language_and_replaced_on_the_next_download():
    english = read("name,Why this row was not imported,email\nAna,email: bad.,ana@example.org\n")
    chinese_header = translated_reason_header("zh-hans")
    chinese = read(f"name,email,{chinese_header},,\nAna,ana@example.org,x,,\n")

    again = rejected_payload(sheet=chinese, reasons={2: ["new reason"]})

    assert (english.records, english.ignored) == ([(2, {"name": "Ana", "email": "ana@example.org"})], [])
    assert chinese.ignored == []
    assert again["header"] == ["name", "email"]
    assert rejected_table(again) == (
        ["name", "email", "Why this row was not imported"],
        [["Ana", "ana@example.org", "new reason"]],
    )


def translated_reason_header(language: str) -> str:
    from django.utils import translation

    from core.imports import REASON_HEADER

    with translation.override(language):
        return str(REASON_HEADER)


def test_a_commit_writes_every_row_or_only_the_rows_without_errors_when_so_chosen():
    rows = [{"n": 2, "bad": False}, {"n": 3, "bad": True}, {"n": 4, "bad": False}]

    def has_errors(row):
        return row["bad"]

    with pytest.raises(ImportFailed, match="Correct the rows with errors"):
        rows_to_write(rows, has_errors=has_errors, leave_out_errors=False)
    with pytest.raises(ImportFailed, match="Every row has errors, so nothing was imported."):
        rows_to_write(rows[1:2], has_errors=has_errors, leave_out_errors=True)

    assert [row["n"] for row in rows_to_write(rows, has_errors=has_errors, leave_out_errors=True)] == [2, 4]
    assert rows_to_write(rows[:1], has_errors=has_errors, leave_out_errors=False) == rows[:1]


def test_a_cell_neutralised_by_a_download_reads_as_first_uploaded_and_a_formula_so_uncovered_is_refused():
    sheet = read("name,email,职务\nAna,ana@example.org,'+1 202 555\nO'Brien,bo@example.org,'-\n")

    assert [values for _number, values in sheet.records] == [
        {"name": "Ana", "email": "ana@example.org", "title": "+1 202 555"},
        {"name": "O'Brien", "email": "bo@example.org", "title": "-"},
    ]
    with pytest.raises(ImportFailed, match="formula"):
        read("name,email\n'=HYPERLINK(1),a@x.org\n")
