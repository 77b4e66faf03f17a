"""The one CSV writer and the one XLSX writer that every export uses."""

import csv
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core.downloads import (
    ReportSheet,
    csv_download,
    csv_text,
    neutralise_formula,
    xlsx_download,
    xlsx_report_download,
)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize(("value", "expected"), [("\tA", "'\tA"), ("\r=1", "'\r=1"), ("a-b", "a-b"), ("", "")])
def test_neutralise_formula_covers_tabs_and_carriage_returns(value, expected):
    assert neutralise_formula(value) == expected


def test_csv_text_starts_with_a_bom_and_neutralises_every_cell():
    text = csv_text(headers=["Name", "=Header"], rows=[["=1+1", None], ["Plain", 42]])

    assert text.startswith("\ufeff")
    assert csv_rows(text) == [["Name", "'=Header"], ["'=1+1", ""], ["Plain", "42"]]


def test_csv_cells_starting_with_a_pipe_or_percent_are_escaped_by_defusedcsv():
    rows = csv_rows(csv_text(headers=["Name"], rows=[["|calc|x"], ["%0A"], ["+cmd|calc"]]))

    assert rows[1:] == [["'\\|calc\\|x"], ["'%0A"], ["'+cmd|calc"]]


def test_csv_download_streams_in_the_request_language():
    with translation.override("zh-hans"):
        response = csv_download(headers=[gettext_lazy("Country")], rows=iter([["KH"]]), filename="x.csv")
    body = b"".join(response.streaming_content).decode("utf-8")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert csv_rows(body) == [["国家"], ["KH"]]


def test_xlsx_download_writes_formulas_as_text():
    response = xlsx_download(
        headers=["Name", "City"],
        rows=[['=HYPERLINK("http://evil.example")', "+cmd|calc"], ["Plain", None]],
        filename="x.xlsx",
        sheet_title="Registrations of the Mekong exchange week",
    )
    sheet = xlsx_sheet(response)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert sheet.title == "Registrations of the Mekong exc"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Name", "City"],
        ['\'=HYPERLINK("http://evil.example")', "'+cmd|calc"],
        ["Plain", None],
    ]
    assert sheet["A2"].data_type == "s"


def test_report_workbook_keeps_numbers_and_neutralises_text():
    response = xlsx_report_download(
        sheets=[
            ReportSheet(
                name="Exchanges",
                title_lines=["=Title", "Period: 2025"],
                heading_rows=[["Country", "People"], ["国家", "人数"]],
                rows=[["-Cambodia", 12], ["China", None], ["Thailand", 2.5]],
                totals=["Total", 14.5],
                widths=[20, 10],
            )
        ],
        filename="report.xlsx",
    )
    sheet = load_workbook(io.BytesIO(response.content))["Exchanges"]

    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["'=Title", None],
        ["Period: 2025", None],
        [None, None],
        ["Country", "People"],
        ["国家", "人数"],
        ["'-Cambodia", 12],
        ["China", None],
        ["Thailand", 2.5],
        ["Total", 14.5],
    ]
    assert sheet["B6"].data_type == "n"
    assert sheet.freeze_panes == "B6"
    assert sheet.column_dimensions["A"].width == 20
    assert sheet["A9"].font.bold
