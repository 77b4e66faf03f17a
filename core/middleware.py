"""Middleware every app relies on; imports no other app of the portal."""

from ipaddress import ip_address

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

# Set on a request whose multipart body the upload handler stopped reading.
BODY_TOO_LARGE = "portal_body_too_large"


def request_too_large(request) -> HttpResponse:
    """A short page saying the request was too large, in the visitor's language, status 413.

    Built without anything the later middleware sets up (session, user), since it answers
    before they run.
    """
    language = translation.get_language_from_request(request)
    with translation.override(language):
        html = render_to_string(
            "core/request_too_large.html",
            {"limit_mb": round(settings.PORTAL_MAX_REQUEST_BYTES / 1024 / 1024, 1), "language": language},
        )
    response = HttpResponse(html, status=413)
    response["Cache-Control"] = "no-store"
    return response


class RequestSizeLimitMiddleware:
    """Answer 413 to any request whose body is larger than ``settings.PORTAL_MAX_REQUEST_BYTES``.

    It comes first in MIDDLEWARE: the announced length is compared before anything reads the
    body, so an oversized body is never read, parsed or written to a temporary file, and no
    view runs. A multipart body that passes the limit without announcing it is stopped by
    ``core.uploadhandler.RequestSizeLimitUploadHandler``; the 413 page replaces whatever
    answer the request got then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body for a length it cannot parse
        if length > settings.PORTAL_MAX_REQUEST_BYTES:
            return request_too_large(request)
        response = self.get_response(request)
        if getattr(request, BODY_TOO_LARGE, False):
            return request_too_large(request)
        return response


class AuditMiddleware(AuditlogMiddleware):
    """``AuditlogMiddleware`` that records an address nobody can forge.

    The library takes the first address of ``X-Forwarded-For``, which any client can write, and
    stores whatever it finds: a made-up header would put a false address in the audit trail, or
    text that the database refuses, failing the request. Here the address is ``REMOTE_ADDR``,
    unless ``AUDIT_TRUSTED_PROXIES`` reverse proxies stand in front of the portal: then it is the
    address the outermost trusted proxy saw, counted from the end of the header. Anything that is
    not an IP address is dropped.
    """

    @staticmethod
    def _get_remote_addr(request) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        address = request.META.get("REMOTE_ADDR", "")
        proxies = settings.AUDIT_TRUSTED_PROXIES
        if proxies > 0:
            hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
            if len(hops) >= proxies:
                address = hops[-proxies]
        try:
            return str(ip_address(address))
        except ValueError:
            return None
