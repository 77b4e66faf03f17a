"""Reading spreadsheets safely: limits checked before parsing, bounded memory, no entities."""

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from openpyxl import Workbook, load_workbook

from core.spreadsheets import (
    SpreadsheetError,
    check_upload,
    check_xlsx,
    looks_like_formula,
    read_rows,
    refuse_formulas,
)
from tests.spreadsheet_corpus import SPREADSHEETS, corpus_file

MEMORY_BOUND = 50 * 1024 * 1024


def xlsx_bytes(rows: list[list], sheets: int = 1) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    for number in range(1, sheets):
        workbook.create_sheet(f"Sheet {number}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(content: bytes, filename: str, max_rows: int = 20_000) -> list[list[str]]:
    return read_rows(content=content, filename=filename, max_rows=max_rows, max_columns=40)


# Formulas are refused by the imports, in the columns they keep (see refuse_formulas).
READER_REFUSES = [(name, message) for name, message in SPREADSHEETS if name != "formula_and_script.csv"]


@pytest.mark.parametrize(("filename", "message"), READER_REFUSES, ids=[name for name, _m in READER_REFUSES])
def test_corpus_file_is_refused_with_a_message_in_bounded_memory(filename, message):
    content = corpus_file(filename)
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetError) as refused:
            read(content, filename)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert message in str(refused.value)
    assert peak < MEMORY_BOUND


def test_zip_bomb_is_refused_before_any_parser_reads_it(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("openpyxl must not open a refused workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", fail)

    with pytest.raises(SpreadsheetError, match="unpacks to far more data"):
        check_upload(content=corpus_file("zip_bomb.xlsx"), filename="list.xlsx")


def test_openpyxl_reads_xml_through_defusedxml():
    from defusedxml import ElementTree as DefusedElementTree
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.LXML is False  # lxml would bypass defusedxml
    assert functions.iterparse is DefusedElementTree.iterparse
    assert functions.fromstring is DefusedElementTree.fromstring


def test_entity_bomb_is_refused_by_the_xml_parser_even_past_the_checks():
    with pytest.raises(ValueError, match="Unable to read workbook") as refused:
        load_workbook(io.BytesIO(corpus_file("billion_laughs.xlsx")), read_only=True)

    assert isinstance(refused.value.__context__, EntitiesForbidden)


def test_rows_past_the_limit_are_never_read(settings):
    """A list longer than the limit is refused after reading one row more than it, not all of it."""
    settings.IMPORT_MAX_ROWS = 1000
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetError, match="more than 1000 rows"):
            read(corpus_file("rows_100000.xlsx"), "list.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024


def test_an_ordinary_workbook_and_csv_are_read():
    content = xlsx_bytes([["name", "country"], ["Phnom Penh Polytechnic", "KH"], [None, None], ["-", -5]])

    assert read(content, "list.xlsx") == [
        ["name", "country"] + [""] * 38,
        ["Phnom Penh Polytechnic", "KH"] + [""] * 38,
        [],
        ["-", "-5"] + [""] * 38,
    ]
    assert read("name,country\n深圳职业技术大学,CN\n-,-2.5\n".encode(), "list.csv") == [
        ["name", "country"],
        ["深圳职业技术大学", "CN"],
        ["-", "-2.5"],
    ]


def test_trailing_empty_rows_are_dropped_and_do_not_count():
    content = "name,country\nCollege,KH\n" + ",\n" * 50

    assert read(content.encode(), "list.csv", max_rows=1) == [["name", "country"], ["College", "KH"]]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("IMPORT_MAX_UNCOMPRESSED_BYTES", 2000, "unpacks to far more data"),
        ("IMPORT_MAX_MEMBER_BYTES", 500, "one part of"),
        ("IMPORT_MAX_ZIP_MEMBERS", 3, "parts"),
        ("IMPORT_MAX_SHEETS", 2, "The workbook has 3 sheets"),
        ("IMPORT_MAX_FILE_BYTES", 1000, "The file is larger than"),
    ],
)
def test_workbook_past_an_archive_limit_is_refused(settings, setting, value, message):
    setattr(settings, setting, value)

    with pytest.raises(SpreadsheetError, match=message):
        check_xlsx(xlsx_bytes([["name", "country"], ["College", "KH"]], sheets=3))


def test_workbook_compressed_too_much_is_refused(settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10
    buffer = io.BytesIO()
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["name"], ["College"]])))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (2 * 1024 * 1024))
            archive.writestr(info.filename, data)

    with pytest.raises(SpreadsheetError, match="one part with a compression ratio of"):
        check_xlsx(buffer.getvalue())


def test_sheet_declaring_more_rows_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    content = xlsx_bytes([["name"], *[[f"College {n}"] for n in range(5)]])

    with pytest.raises(SpreadsheetError, match="declares A1:A6: 6 rows and 1 columns"):
        check_xlsx(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,country\n" + "x" * 30 + ",KH\n", "Cell A2 is longer than 20 characters."),
        ("name,country\nCollege,KH," + ",".join("x" * 5) + "\n", "Row 2 has more than 5 columns."),
        ("name,country\n\u2028Line,\u0085KH\n", "control characters"),
    ],
    ids=["cell-length", "columns", "c1-control"],
)
def test_csv_past_a_cell_limit_or_with_control_characters_is_refused(settings, content, message):
    settings.IMPORT_MAX_CELL_CHARS = 20
    settings.IMPORT_MAX_COLUMNS = 5

    with pytest.raises(SpreadsheetError, match=re.escape(message)):
        read(content.encode(), "list.csv")


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ('=HYPERLINK("https://attacker.example")', True),
        ("@SUM(1+1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-1+2", True),
        ("- a bullet point", True),
        ("Phnom Penh Polytechnic", False),
        ("-", False),
        ("-5", False),
        ("+2.5e3", False),
        ("+855 23 123 456", False),
        ("-(0)12/345", False),
        ("a=b", False),
    ],
)
def test_looks_like_formula(text, formula):
    assert looks_like_formula(text) is formula


def test_formula_in_a_kept_column_is_refused_naming_the_cell():
    records = [(2, {"name": "College", "country": "KH"}), (3, {"name": "Other", "country": "=1+1"})]

    with pytest.raises(SpreadsheetError, match=re.escape("Cell C3 starts with “=”")):
        refuse_formulas(records=records, columns={0: "name", 2: "country"})


def test_workbook_text_that_reads_as_a_formula_reaches_the_formula_check():
    workbook = Workbook()
    workbook.active.append(["name", "country"])
    workbook.active["A2"] = "=1+1"
    workbook.active["A2"].data_type = "s"  # text that reads as a formula, not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = read(buffer.getvalue(), "list.xlsx")

    assert rows[1][:2] == ["=1+1", ""]
    assert looks_like_formula(rows[1][0]) is True


def test_not_a_workbook_is_refused():
    with pytest.raises(SpreadsheetError, match="not a valid .xlsx"):
        check_upload(content=b"PK\x03\x04 not really", filename="list.xlsx")


def test_rows_neutralised_by_a_download_read_back_as_written():
    """Cells that began with = or @ start with an apostrophe in the portal's CSV downloads; the
    apostrophe is no quote character, and each row stays a row."""
    assert read(b"name,country\r\n'=1+2,KH\r\n'@SUM(A1),TH\r\n", "rejected.csv") == [
        ["name", "country"],
        ["'=1+2", "KH"],
        ["'@SUM(A1)", "TH"],
    ]
    assert read(b'name,note\r\n"\'=HYPERLINK(""x"")","a, b"\r\n\'=3,it\'s\r\n', "rejected.csv") == [
        ["name", "note"],
        ['\'=HYPERLINK("x")', "a, b"],
        ["'=3", "it's"],
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_the_one_the_file_uses(delimiter):
    rows = [["name", "city", "note"], ["Phnom Penh Polytechnic", "Phnom Penh", "it's, fine"], ["'=1", "Siem Reap", "x"]]
    text = "\r\n".join(delimiter.join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows)

    assert read(text.encode(), "list.csv") == rows


def test_a_csv_of_one_column_is_read():
    assert read(b"name\nPhnom Penh Polytechnic\nKampong Speu Institute of Technology\n", "list.csv") == [
        ["name"],
        ["Phnom Penh Polytechnic"],
        ["Kampong Speu Institute of Technology"],
    ]
