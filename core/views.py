"""Views every deployment needs whatever the apps: serving public uploads, from the disk or an object store."""

import mimetypes
import posixpath
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

from .storage import StoredFile, stored_file_lookup

# Uploads shown in the page (logos): served inline. Everything else is offered as a download,
# so that an uploaded HTML or SVG file can never run as a page of the portal's origin.
INLINE_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}
# Stored names are random and a file is never rewritten in place, so a URL always means the
# same bytes: browsers and proxies may keep it for a year.
MEDIA_MAX_AGE = 365 * 24 * 3600


def _media_name(path: str) -> str:
    """The stored name that ``path`` gives, or Http404 for anything but a plain relative name.

    Refuses anything that leaves the root (``..``, absolute paths), hidden files and folders.
    """
    normalised = posixpath.normpath(path).lstrip("/")
    parts = normalised.split("/")
    if (
        not normalised
        or normalised.startswith("..")
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
    ):
        raise Http404
    return normalised


def _media_file(name: str) -> StoredFile:
    """The public upload ``name`` in the default storage, or Http404.

    On the local disk this also refuses symbolic links pointing out of MEDIA_ROOT, folders,
    and anything inside the private storage's folder should it ever be configured under
    MEDIA_ROOT. In an object store the public storage's prefix (public/) keeps private
    objects out of reach.
    """
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        try:
            return stored_file_lookup(storage, name)
        except (FileNotFoundError, SuspiciousOperation) as error:
            raise Http404 from error
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        candidate = (root / name).resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as error:
        raise Http404 from error
    if not candidate.is_relative_to(root) or not candidate.is_file():
        raise Http404
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    if candidate.is_relative_to(private_root):
        raise Http404
    stat = candidate.stat()
    return StoredFile(
        size=stat.st_size,
        modified=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
        opener=lambda: candidate.open("rb"),
    )


@require_safe
def serve_media(request, path: str):
    """Serve a public upload (an institution's logo) from the default storage, without any permission check.

    Only the default storage's files are served; private documents (STORAGES["private"]) are
    kept elsewhere (another folder, or another prefix of the object store) and served only by
    their permission-checked views. The response is cacheable for a year, declares its type
    (never sniffed) and is inline only for images.
    """
    name = _media_name(path)
    file = _media_file(name)
    modified = file.modified.timestamp()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        response = HttpResponseNotModified()
    else:
        filename = posixpath.basename(name)
        content_type, encoding = mimetypes.guess_type(filename)
        content_type = content_type or "application/octet-stream"
        if encoding:
            # A stored .gz is a download, never something the browser should unpack and show.
            content_type = "application/octet-stream"
        try:
            handle = file.open()
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            content_type=content_type,
            as_attachment=content_type not in INLINE_TYPES,
            filename=filename,
        )
        response.headers["Content-Length"] = str(file.size)
        response.headers["Last-Modified"] = http_date(modified)
    response.headers["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Whatever a file holds, it runs no script and loads nothing, even when opened directly.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
