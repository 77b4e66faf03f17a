"""Views every deployment needs whatever the apps: serving public uploads."""

import mimetypes
import posixpath
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

# Uploads shown in the page (logos): served inline. Everything else is offered as a download,
# so that an uploaded HTML or SVG file can never run as a page of the portal's origin.
INLINE_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}
# Stored names are random and a file is never rewritten in place, so a URL always means the
# same bytes: browsers and proxies may keep it for a year.
MEDIA_MAX_AGE = 365 * 24 * 3600


def _media_file(path: str) -> Path:
    """The file under MEDIA_ROOT that ``path`` names, or Http404.

    Refuses anything that leaves the root (``..``, absolute paths, symbolic links pointing
    out), hidden files and folders, folders themselves, and anything inside the private
    storage's folder should it ever be configured under MEDIA_ROOT.
    """
    normalised = posixpath.normpath(path).lstrip("/")
    parts = normalised.split("/")
    if (
        not normalised
        or normalised.startswith("..")
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
    ):
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        candidate = (root / normalised).resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as error:
        raise Http404 from error
    if not candidate.is_relative_to(root) or not candidate.is_file():
        raise Http404
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    if candidate.is_relative_to(private_root):
        raise Http404
    return candidate


@require_safe
def serve_media(request, path: str):
    """Serve a public upload (an institution's logo) from MEDIA_ROOT, without any permission check.

    Only the default storage's files live there; private documents (STORAGES["private"]) are
    kept elsewhere and served only by their permission-checked views. The response is
    cacheable for a year, declares its type (never sniffed) and is inline only for images.
    """
    file = _media_file(path)
    stat = file.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        response = HttpResponseNotModified()
    else:
        content_type, encoding = mimetypes.guess_type(file.name)
        content_type = content_type or "application/octet-stream"
        if encoding:
            # A stored .gz is a download, never something the browser should unpack and show.
            content_type = "application/octet-stream"
        response = FileResponse(
            file.open("rb"),
            content_type=content_type,
            as_attachment=content_type not in INLINE_TYPES,
            filename=file.name,
        )
        response.headers["Last-Modified"] = http_date(stat.st_mtime)
    response.headers["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Whatever a file holds, it runs no script and loads nothing, even when opened directly.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
