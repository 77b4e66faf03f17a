"""Signed MoU documents and milestone evidence files: checked by content, stored privately.

An upload's name and the type the browser claims are never trusted: the first bytes say what
the file is (PDF, JPEG or PNG), a PDF must also end with ``%%EOF`` and an image must pass
Pillow's ``verify()``. Files are stored in the private storage under a random name; the
original name, cleaned, is kept only to be offered back on download.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .models import Mou

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
# How far from the end of a PDF its %%EOF marker may be (writers add a newline or a few bytes).
PDF_EOF_WINDOW = 2048
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
NAME_MAX_LENGTH = 200


def max_upload_bytes() -> int:
    return getattr(settings, "MOU_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _not_accepted():
    return ValidationError(
        _("Upload a PDF, JPEG or PNG file. The file you chose is not one of those, or it is damaged."),
        code="format",
    )


def _sniff(data: bytes) -> str:
    """The content type of ``data`` found from its content, or a ValidationError."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
            raise _not_accepted()
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        expected, content_type = "JPEG", JPEG
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        expected, content_type = "PNG", PNG
    else:
        raise _not_accepted()
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != expected:
                raise _not_accepted()
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_accepted() from exc
    return content_type


def detect_content_type(data: bytes) -> str | None:
    """The type of a stored file's ``data`` (PDF, JPEG or PNG), or None if it is none of those."""
    try:
        return _sniff(data)
    except ValidationError:
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


def validate_upload(file) -> tuple[str, str]:
    """Check an uploaded ``file`` (a Django UploadedFile) and return ``(content_type, safe_name)``.

    Raises ValidationError with a translated message when the file is empty, larger than
    ``settings.MOU_DOCUMENT_MAX_BYTES`` or not an intact PDF, JPEG or PNG. Leaves the file
    positioned at its start.
    """
    limit = max_upload_bytes()
    too_large = ValidationError(
        _("The file is too large: upload a file of at most %(size)s MB.") % {"size": round(limit / 1024 / 1024, 1)},
        code="too_large",
    )
    if file is None:
        raise ValidationError(_("Choose a file to upload."), code="required")
    if file.size is not None and file.size > limit:
        raise too_large
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > limit:
        raise too_large
    content_type = _sniff(data)
    return content_type, safe_name(getattr(file, "name", ""), content_type)


def stored_file(file, content_type: str) -> ContentFile:
    """The content of ``file`` under a random name, ready to be saved in a FileField."""
    file.seek(0)
    return ContentFile(file.read(), name=f"{secrets.token_hex(16)}.{EXTENSIONS[content_type]}")


def replace_document(mou: Mou, file) -> None:
    """Validate ``file`` and make it ``mou``'s signed document, removing the one it replaces.

    Nothing changes when the file is refused (ValidationError).
    """
    content_type, name = validate_upload(file)
    old = mou.document.name if mou.document else ""
    storage = mou.document.storage
    content = stored_file(file, content_type)
    mou.document.save(content.name, content, save=False)
    mou.document_name = name
    mou.document_content_type = content_type
    mou.save(update_fields=["document", "document_name", "document_content_type", "updated_at"])
    if old and old != mou.document.name:
        transaction.on_commit(lambda: storage.delete(old))
