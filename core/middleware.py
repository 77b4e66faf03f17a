"""Middleware every request passes through, whatever app answers it; imports no other app of the portal."""

import http.client
import re
from functools import cache, lru_cache
from ipaddress import ip_address
from urllib.parse import unquote

from allauth.core.internal.httpkit import get_client_ip
from auditlog.middleware import AuditlogMiddleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import DisallowedHost, ImproperlyConfigured, PermissionDenied
from django.core.signals import setting_changed
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext
from django_htmx.middleware import HtmxDetails

from . import pagecache

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


# C0 control characters and DEL, except tab, line feed and carriage return, which textareas
# legitimately post. PostgreSQL refuses NUL in text outright, so a NUL that reaches a query
# ends as a server error; the others have no business in a path, a search or a form field.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


class ControlCharacterMiddleware:
    """Answer 400 to a request with a control character in its path, query string or form data.

    The check is made once, here, instead of in each view: a NUL byte in ``?q=`` would
    otherwise reach PostgreSQL, which refuses it with an error that surfaces as a 500. Only
    URL-encoded bodies are read; multipart uploads are left to their views (Django's form
    fields refuse NUL themselves), so that a large upload is not parsed twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_bad(request):
            return HttpResponseBadRequest(
                gettext("The request contains control characters and cannot be processed."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _is_bad(request) -> bool:
        if has_control_characters(request.path_info):
            return True
        query = request.META.get("QUERY_STRING", "")
        if has_control_characters(unquote(query.replace("+", " "), errors="replace")):
            return True
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            return any(
                has_control_characters(key) or any(has_control_characters(value) for value in values)
                for key, values in request.POST.lists()
            )
        return False


class PrivateCacheMiddleware:
    """Keep personal pages out of shared and browser caches.

    A response that sets no Cache-Control of its own gets ``private, no-store`` when the
    request is signed in (a shared proxy must never hand one person's dashboard to another,
    and the browser must not keep it on disk after sign-out), or when its URL carries a
    personal token or key (survey and follow-up links, invitations, email confirmation and
    password reset: whoever holds the link sees that person's page). Responses that set
    their own Cache-Control (public media, say) are left alone.
    """

    TOKEN_ARGUMENTS = frozenset({"token", "key", "uidb36"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Cache-Control first: asking for the user loads the session, which adds "Vary: Cookie".
        if "Cache-Control" in response.headers:
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and self.TOKEN_ARGUMENTS.intersection(match.kwargs):
            return private_no_store(response)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            private_no_store(response)
        return response


def private_no_store(response):
    """Mark ``response`` as never to be stored by any cache; for pages carrying personal data.

    Django's never-cache headers: ``max-age=0, no-cache, no-store, must-revalidate, private``.
    """
    add_never_cache_headers(response)
    return response


class PublicMediaMiddleware:
    """Answer requests under MEDIA_URL with ``core.views.serve_media``, before sessions or locale.

    Logos appear on every directory page; served from here, a request for one loads no
    session and gets no "Vary: Cookie", so browsers and proxies may share the cached copy.
    Only a MEDIA_URL on this site (a path) is served; one on another host serves itself.
    """

    def __init__(self, get_response):
        from .views import serve_media

        self.get_response = get_response
        self.serve_media = serve_media
        prefix = settings.MEDIA_URL
        self.prefix = "" if "://" in prefix or prefix.startswith("//") else "/" + prefix.strip("/") + "/"

    def __call__(self, request):
        if self.prefix and request.path_info.startswith(self.prefix):
            return self.serve_media(request, request.path_info.removeprefix(self.prefix))
        return self.get_response(request)


class PolicyHeadersMiddleware:
    """Set the Permissions-Policy header, and give PDF responses a policy their viewer can work under.

    One middleware for both, since each request through a middleware costs a call and a
    frame in every worker.

    Permissions-Policy: the portal's own pages may use the camera, nothing else. The camera is
    the one powerful feature the portal uses (check-in and contact scanning read QR codes with
    it); every other feature is refused to the page and to any frame. The policy comes from
    ``PERMISSIONS_POLICY`` (feature name -> list of allowed origins).

    PDFs: the page policy (``object-src 'none'``, no inline styles) would stop Chrome's built-in
    PDF viewer, which shows a PDF through an ``<embed>`` in a page of its own making. A PDF is
    no HTML of the portal's, so the page directives protect nothing there; it keeps only
    ``frame-ancestors 'none'``, so no other site can frame it. Listed after
    ``CSPMiddleware`` (django-csp's, below), so that it finds the header set and leaves it.
    """

    PDF_POLICY = "frame-ancestors 'none'"

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/pdf" and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.PDF_POLICY
        return response


class AuditMiddleware(AuditlogMiddleware):
    """``AuditlogMiddleware`` that records an address nobody can forge.

    The library takes the first address of ``X-Forwarded-For``, which any client can write, and
    stores whatever it finds: a made-up header would put a false address in the audit trail, or
    text that the database refuses, failing the request. Here the address is the one allauth's
    sign-in rate limits use (``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` or
    ``TRUSTED_CLIENT_IP_HEADER`` say which proxy header to believe), and anything that is not an
    IP address is dropped.
    """

    @staticmethod
    def _get_remote_addr(request) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        try:
            address = get_client_ip(request)
        except ImproperlyConfigured:  # fewer X-Forwarded-For hops than trusted proxies
            address = request.META.get("REMOTE_ADDR")
        try:
            return str(ip_address(address or ""))
        except ValueError:
            return None


class PublicPageMiddleware:
    """Answer a visitor's request for a stored public page before the rest of the stack runs.

    Listed right after the security and header middleware, which still add their headers, and
    before sessions: a stored page (``core.pagecache``) needs no session, user, database or
    view, and running the dozen middleware after this one cost a cached page most of its time.
    Only a ``GET`` without a session or messages cookie (so never a signed-in person), for a
    view marked ``@public_page``, with no control character in its path or query, is looked
    up; anything else, and a page not stored, goes on through the whole stack as before.

    The answer is the one the stack would give: the language, CSRF cookie, ``Vary``,
    ``Content-Language``, ``Content-Length`` and ``X-Frame-Options`` come from the same
    Django middleware, called here in the order the stack calls them, and the session
    middleware's ``Vary: Cookie`` (a visitor's request looks at the empty session) is added
    last, as that middleware adds it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.common = CommonMiddleware(get_response)
        self.locale = LocaleMiddleware(get_response)
        self.csrf = CsrfViewMiddleware(get_response)
        self.frame = XFrameOptionsMiddleware(get_response)

    def __call__(self, request):
        response = self._stored(request) if self._may_be_stored(request) else None
        if response is None:
            return self.get_response(request)
        return response

    def _may_be_stored(self, request) -> bool:
        if (
            request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
            or settings.CSRF_USE_SESSIONS
        ):
            return False
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        return _is_public_page_path(urlconf, request.path_info) and not ControlCharacterMiddleware._is_bad(request)

    def _stored(self, request):
        try:
            # The host check and trailing-slash redirect: whatever they would answer, the
            # stack answers.
            if self.common.process_request(request) is not None:
                return None
        except (DisallowedHost, PermissionDenied):
            return None
        self.locale.process_request(request)
        request.htmx = HtmxDetails(request)
        # Reads the visitor's CSRF cookie, or plans a new one for a malformed cookie.
        self.csrf.process_request(request)
        response = pagecache.stored_answer(request)
        if response is None:
            return None
        response = self.frame.process_response(request, response)
        response = self.csrf.process_response(request, response)
        response = self.common.process_response(request, response)
        response = self.locale.process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response


@lru_cache(maxsize=4096)
def _is_public_page_path(urlconf, path: str) -> bool:
    """Whether ``path`` leads to a view marked ``@public_page``; remembered per path.

    Resolving a path costs up to a few tenths of a millisecond (an event's page is matched
    after the app's other patterns): more than the rest of a stored page's answer. Paths
    beyond the last 4,096 seen are resolved again.
    """
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return pagecache.is_public_page(match.func)


def _forget_public_page_paths(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _is_public_page_path.cache_clear()


setting_changed.connect(_forget_public_page_paths, dispatch_uid="core.middleware.public_page_paths")


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, building the portal's policy once instead of for every response.

    django-csp turns the settings into both headers (the policy and its report-only variant)
    for each response: a tenth of a millisecond of every request, robots.txt and a stored
    page included, for the same two strings. They are built once here, and again when the
    settings change (tests). A response with a policy of its own (django-csp's decorators)
    or a request that used a nonce goes to django-csp as before.
    """

    OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
    DEBUG_CODES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in self.OWN_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in self.DEBUG_CODES and settings.DEBUG:
            return response
        for header, policy, exempt, prefixes in _site_policies():
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@cache
def _site_policies() -> tuple:
    """(header, policy, exemption attribute, excluded path prefixes) for the policy and its report-only variant."""
    policies = []
    for header, setting, exempt, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
    ):
        prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        policies.append((header, build_policy(report_only=report_only), exempt, prefixes))
    return tuple(policies)


def _forget_site_policies(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policies.cache_clear()


setting_changed.connect(_forget_site_policies, dispatch_uid="core.middleware.csp_policies")
