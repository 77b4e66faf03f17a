"""Signed MoU documents and milestone evidence files: checked by content, stored privately.

An upload's name and the type the browser claims are never trusted: the first bytes say what
the file is (PDF, JPEG or PNG), and nothing is stored until the whole file has been checked:

- A PDF must start with ``%PDF-`` at byte 0 and end with ``%%EOF``, open in pypdf, and hold
  no active content: JavaScript, automatic or additional actions (``/OpenAction``, ``/AA``),
  launch, form-submission and data-import actions, embedded or attached files, rich media or
  XFA forms. Every object of the file is looked at, reachable from the catalog or not. Such
  a PDF is refused rather than cleaned: the signer keeps the original, and a copy printed to
  PDF or scanned is always accepted. A password-protected PDF that cannot be opened without
  the password cannot be checked and is refused too.
- A PDF must not also be a web page (a polyglot). Browsers sniff the first bytes of a file,
  and a PDF holds text only in its object structure, never legitimately an HTML or SVG tag:
  the bytes outside stream data are searched for such markers, and so are the first and
  last few kilobytes as a whole, because a comment can fake the start of a stream. Stream
  data elsewhere is left out: compressed streams are binary, where a short marker such as
  ``<svg`` would turn up by chance in large scans.
- An image is refused when its header announces more pixels than
  ``settings.UPLOAD_MAX_IMAGE_PIXELS``, before any pixel is decoded; it is then decoded in
  full (a truncated file fails) and stored re-encoded from its pixels only, upright, without
  EXIF (GPS position, camera, time), XMP, comments or embedded profiles.

Files are stored in the private storage under a random name; the original name, cleaned, is
kept in a field only to be offered back on download.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .errors import MouError
from .models import Mou

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
# How far from the end of a PDF its %%EOF marker may be (writers add a newline or a few bytes).
PDF_EOF_WINDOW = 2048
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
NAME_MAX_LENGTH = 200

NOT_ACCEPTED = gettext_lazy("Upload a PDF, JPEG or PNG file. The file you chose is not one of those, or it is damaged.")
ACTIVE_CONTENT = gettext_lazy(
    "The PDF contains active content (scripts, automatic actions, embedded files or forms that send "
    "data), which is not accepted. Print it to a new PDF or scan the signed paper, and upload that copy."
)
POLYGLOT = gettext_lazy(
    "The PDF contains web page or script code as well, which is not accepted. Print it to a new PDF or "
    "scan the signed paper, and upload that copy."
)
ENCRYPTED = gettext_lazy(
    "The PDF is protected by a password, so it cannot be checked. Remove the password and upload it again."
)
TOO_MANY_PIXELS = gettext_lazy(
    "The image is too large: upload an image of at most %(megapixels)s megapixels, for example a scan at 300 dpi."
)
EMPTY = gettext_lazy("The file is empty.")
TOO_LARGE = gettext_lazy("The file is too large: upload a file of at most %(size)s MB.")
REQUIRED = gettext_lazy("Choose a file to upload.")

# Dictionary keys that make a PDF act on its own when opened or used.
_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/OpenAction", "/AA", "/EmbeddedFiles", "/EF", "/RichMedia", "/RichMediaContent", "/XFA"}
)
# Action types (/S) that run code, open other programs or files, or send data.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute", "/Rendition"}
)
# Annotation and object types that carry files or media.
_ACTIVE_TYPES = frozenset({"/FileAttachment", "/RichMedia", "/EmbeddedFile", "/Screen", "/Movie", "/Sound"})
# More objects than any signed document holds: a file past it is refused rather than walked.
_PDF_MAX_OBJECTS = 500_000
_HTML_MARKERS = re.compile(
    rb"<\s*(?:html|head|body|script|svg|iframe|object|embed|meta|!doctype|\?xml-stylesheet)[\s/>]"
    rb"|javascript\s*:",
    re.IGNORECASE,
)
_STREAM_START = re.compile(rb"\bstream\r?\n")
_EDGE = 4096


def max_upload_bytes() -> int:
    return getattr(settings, "MOU_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_image_pixels() -> int:
    return getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def _refused(message, code: str, **params) -> ValidationError:
    return ValidationError(str(message) % params if params else str(message), code=code)


def _not_accepted() -> ValidationError:
    return _refused(NOT_ACCEPTED, "format")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what to store and how to offer it back."""

    content_type: str
    name: str
    content: bytes


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, also a web page, encrypted or holding active content."""
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise _not_accepted()
    outside_streams = _outside_streams(data)
    if any(_HTML_MARKERS.search(part) for part in (outside_streams, data[:_EDGE], data[-_EDGE:])):
        raise _refused(POLYGLOT, "polyglot")
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refused(ENCRYPTED, "encrypted")
        active = _has_active_content(reader)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 -- any failure of the parser on untrusted bytes is a refusal
        raise _not_accepted() from exc
    if active:
        raise _refused(ACTIVE_CONTENT, "active_content")


def _outside_streams(data: bytes) -> bytes:
    """``data`` without the bytes between each ``stream`` keyword and its ``endstream``.

    One pass from start to end (a regular expression over unterminated streams would go back
    over the rest of the file for each one); a stream never closed leaves the rest in.
    """
    parts, position = [], 0
    while (start := _STREAM_START.search(data, position)) is not None:
        end = data.find(b"endstream", start.end())
        if end == -1:
            break
        parts.append(data[position : start.start()])
        position = end + len(b"endstream")
    parts.append(data[position:])
    return b" ".join(parts)


def _has_active_content(reader: PdfReader) -> bool:
    """Whether any object of the PDF, reachable or not, is or holds active content."""
    pending: list = [reader.trailer]
    for generation, entries in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in entries)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > _PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            keys = set(dict.keys(item))
            if keys & _ACTIVE_KEYS:
                return True
            if _value(item, "/S") in _ACTIVE_ACTIONS:
                return True
            if {_value(item, "/Subtype"), _value(item, "/Type")} & _ACTIVE_TYPES:
                return True
            uri = _value(item, "/URI")
            if uri and re.match(r"\s*(javascript|vbscript|data|file):", str(uri), re.IGNORECASE):
                return True
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    return False


def _value(dictionary: DictionaryObject, key: str) -> str:
    """The value of ``key`` in a PDF ``dictionary`` as text, following an indirect reference."""
    value = dict.get(dictionary, key)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return "" if value is None else str(value)


def _check_image(data: bytes, expected: str) -> bytes:
    """The image in ``data`` decoded in full and encoded again from its pixels only."""
    limit = max_image_pixels()
    too_many = _refused(TOO_MANY_PIXELS, "pixels", megapixels=round(limit / 1_000_000, 1))
    try:
        # Opening reads the header only; Pillow also refuses far larger sizes by itself
        # (Image.MAX_IMAGE_PIXELS follows the same setting).
        with Image.open(BytesIO(data)) as image:
            if image.format != expected:
                raise _not_accepted()
            width, height = image.size
            if width * height > limit:
                raise too_many
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
            return _reencoded(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        raise _not_accepted() from exc


def _reencoded(image: Image.Image) -> bytes:
    """``image`` upright, as the same format, with no metadata (EXIF, GPS, XMP, comments, profiles)."""
    fmt = image.format
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG":
        mode = "L" if upright.mode in ("1", "L", "I", "I;16", "F") else "RGB"
    else:
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        mode = "RGBA" if has_alpha else ("L" if upright.mode in ("1", "L") else "RGB")
    # A new image holds the pixels only: none of the original's info is carried over.
    clean = Image.new(mode, upright.size)
    clean.paste(upright if upright.mode == mode else upright.convert(mode))
    output = BytesIO()
    if fmt == "JPEG":
        clean.save(output, format="JPEG", quality=90)
    else:
        clean.save(output, format="PNG", optimize=False)
    return output.getvalue()


_SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


def _sniff(data: bytes) -> tuple[str, bytes]:
    """The content type of ``data`` found from its content and what to store, or a ValidationError."""
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return PDF, data
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG, _check_image(data, "JPEG")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, _check_image(data, "PNG")
    raise _not_accepted()


def detect_content_type(data: bytes) -> str | None:
    """The type of a stored file's ``data`` (PDF, JPEG or PNG) from its first bytes, or None.

    Stored files were checked in full when they were uploaded; this only names their type.
    """
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def safe_name(original: str, content_type: str) -> str:
    """A harmless file name from the uploader's ``original`` name, with the extension of its real type.

    Keeps letters of any script (a Khmer or Chinese name stays readable), drops folders, control
    characters and anything a shell or a header could misread.
    """
    base = os.path.basename(unicodedata.normalize("NFC", original or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    # Letters, marks (Thai, Lao and Khmer vowel signs are marks) and digits of any script stay;
    # runs of anything else become one underscore.
    cleaned, gap = [], False
    for char in stem:
        if unicodedata.category(char)[0] in "LMN" or char in "-.":
            cleaned.append(char)
            gap = False
        elif not gap:
            cleaned.append("_")
            gap = True
    stem = "".join(cleaned).strip("._-")[: NAME_MAX_LENGTH - 10] or "document"
    return f"{stem}.{EXTENSIONS[content_type]}"


def check_upload(file) -> CheckedFile:
    """Check an uploaded ``file`` (a Django UploadedFile) and return what may be stored.

    Raises ValidationError with a translated message when the file is missing, empty, larger
    than ``settings.MOU_DOCUMENT_MAX_BYTES``, not an intact PDF, JPEG or PNG, a PDF with active
    content or an image with too many pixels. An image comes back re-encoded without metadata;
    a PDF as it was sent. Leaves the file positioned at its start.
    """
    limit = max_upload_bytes()
    too_large = _refused(TOO_LARGE, "too_large", size=round(limit / 1024 / 1024, 1))
    if file is None:
        raise _refused(REQUIRED, "required")
    if file.size is not None and file.size > limit:
        raise too_large
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if not data:
        raise _refused(EMPTY, "empty")
    if len(data) > limit:
        raise too_large
    content_type, content = _sniff(data)
    return CheckedFile(content_type, safe_name(getattr(file, "name", ""), content_type), content)


def validate_upload(file) -> tuple[str, str]:
    """Check an uploaded ``file`` as ``check_upload`` does and return ``(content_type, safe_name)``."""
    checked = check_upload(file)
    return checked.content_type, checked.name


def stored_file(checked: CheckedFile) -> ContentFile:
    """The checked content under a random name, ready to be saved in a FileField."""
    return ContentFile(checked.content, name=f"{secrets.token_hex(16)}.{EXTENSIONS[checked.content_type]}")


@transaction.atomic
def mou_document_replace(*, mou: Mou, file) -> Mou:
    """Validate ``file`` and make it ``mou``'s signed document, removing the one it replaces.

    Raises MouError with the reasons the file was refused; nothing changes then. Side effect:
    the replaced file is deleted from storage once the transaction commits.
    """
    try:
        checked = check_upload(file)
    except ValidationError as error:
        raise MouError(" ".join(error.messages), code="document_refused") from error
    old = mou.document.name if mou.document else ""
    storage = mou.document.storage
    content = stored_file(checked)
    mou.document.save(content.name, content, save=False)
    mou.document_name = checked.name
    mou.document_content_type = checked.content_type
    mou.save(update_fields=["document", "document_name", "document_content_type", "updated_at"])
    if old and old != mou.document.name:
        transaction.on_commit(lambda: storage.delete(old))
    return mou
