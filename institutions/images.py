"""Validate and re-encode uploaded institution logos.

An upload is never stored as sent: it is opened with Pillow, checked against size and
dimension limits before any pixel is decoded, turned upright from its EXIF orientation,
scaled down and saved again as WebP under a random name. Whatever the browser claimed
(name, content type) is ignored, and metadata (EXIF, GPS, comments, ICC oddities) is dropped
because only the pixels are copied.
"""

import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_DIMENSION = 4000
# Stored logos are small: the pages show them at most a few hundred pixels wide.
STORED_LOGO_SIZE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}

NOT_AN_IMAGE = _("Upload a PNG, JPEG, WebP or GIF image. The file you chose is not one of those.")
TOO_LARGE = _("The logo is too large: upload an image of at most 2 MB.")
TOO_MANY_PIXELS = _("The logo is too large: upload an image of at most 4000 × 4000 pixels.")
BROKEN = _("The image could not be read; it may be damaged or incomplete. Save it again and upload it once more.")


def logo_from_upload(upload) -> ContentFile:
    """Return ``upload`` (a Django UploadedFile) as a clean WebP logo ready to be saved.

    Raises ValidationError with a translated message for anything that is not an accepted,
    intact image within the limits. The returned file has a random name, so a stored logo
    never reveals the uploader's file name and never collides with another.
    """
    if upload.size is not None and upload.size > MAX_LOGO_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")

    try:
        # Opening reads only the header: format and dimensions are known before decoding.
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(NOT_AN_IMAGE, code="format")
            width, height = probe.size
            if width > MAX_LOGO_DIMENSION or height > MAX_LOGO_DIMENSION or width < 1 or height < 1:
                raise ValidationError(TOO_MANY_PIXELS, code="dimensions")
            probe.verify()
        # verify() leaves the image unusable, so decode a fresh copy (the first frame of a GIF).
        with Image.open(BytesIO(data)) as image:
            image.seek(0)
            image.load()
            cleaned = _normalised(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        code = "dimensions" if isinstance(exc, Image.DecompressionBombError) else "format"
        raise ValidationError(TOO_MANY_PIXELS if code == "dimensions" else NOT_AN_IMAGE, code=code) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Truncated or corrupt data surfaces as any of these, depending on the decoder.
        raise ValidationError(BROKEN, code="broken") from exc

    output = BytesIO()
    cleaned.save(output, format="WEBP", quality=90, method=4)
    return ContentFile(output.getvalue(), name=f"{secrets.token_hex(12)}.webp")


def _normalised(image: Image.Image) -> Image.Image:
    """Return the upright, metadata-free, at most STORED_LOGO_SIZE-pixel copy of ``image``."""
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    converted = upright.convert("RGBA" if has_alpha else "RGB")
    converted.thumbnail((STORED_LOGO_SIZE, STORED_LOGO_SIZE), Image.Resampling.LANCZOS)
    # A new image holds the pixels only: no EXIF, XMP, comments or embedded profiles.
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean
