"""The spreadsheet files of the malicious-input corpus (``tests/malicious/``) and what each must say.

The files are made by ``tests/malicious/make_spreadsheets.py``. Every import path is tested
against every file: the person sees the message, and nothing is written.
"""

from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parent / "malicious"

# (file, a part of the message that refuses it)
SPREADSHEETS = [
    ("zip_bomb.xlsx", "The workbook unpacks to far more data than a table of this size holds"),
    ("huge_dimension.xlsx", "A sheet of the workbook declares A1:XFD1048576"),
    ("billion_laughs.xlsx", "The workbook contains an XML document type declaration"),
    ("rows_100000.xlsx", "rows: split it into several imports."),
    ("nul_bytes.csv", "The file contains NUL bytes"),
    ("control_characters.csv", "The file contains control characters"),
    ("formula_and_script.csv", "Cell A2 starts with “=”, so spreadsheets would run it as a formula"),
    ("gb18030.csv", "The file is not in UTF-8."),
]

spreadsheet_corpus = pytest.mark.parametrize(
    ("filename", "message"), SPREADSHEETS, ids=[name for name, _message in SPREADSHEETS]
)


def corpus_file(filename: str) -> bytes:
    return (CORPUS_DIR / filename).read_bytes()
