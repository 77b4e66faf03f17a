"""What every API answer shares: the caller's language, caching headers and conditional GETs.

For paths under the API's prefix only:

- the language is ``?lang=`` if it names one of the portal's, else the best match of the
  ``Accept-Language`` header, else the default; never the session's or the language cookie's
  (the API does not use sessions), so that an answer depends on what the call says;
- ``Vary: Accept-Language, Authorization``; ``Cache-Control: private, no-cache`` for calls with
  a token (and any with an Authorization header), ``public, no-cache`` otherwise: caches keep
  the answer but ask again each time, cheaply thanks to the ETag;
- errors answered outside the API's views (unknown paths, Django's refusals) as problem
  details, like the views';
- an ETag on every successful GET (a hash of the body unless the view set one), and 304 Not
  Modified when ``If-None-Match`` names it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"


def api_language(request) -> str:
    """The language an API call asks for: ``?lang=``, then Accept-Language, then the default."""
    asked = request.GET.get("lang", "")
    candidates = [asked] if asked else []
    candidates += [code for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", ""))]
    for code in candidates:
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code.lower())
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or etag in tags or etag.removeprefix("W/") in tags


def _is_problem(response) -> bool:
    content_type = response.headers.get("Content-Type", "")
    return content_type.startswith(("application/problem+json", "application/json"))


def _as_problem(request, response):
    """An error answered outside the API's views (an unknown path, a refused request) as
    problem details, keeping its status and, for a plain-text answer, its message."""
    from .errors import problem_json

    detail = ""
    if response.headers.get("Content-Type", "").startswith("text/plain") and not response.streaming:
        detail = response.content.decode("utf-8", "replace")
    converted = problem_json(response.status_code, detail, instance=request.get_full_path())
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if response.has_header(header):
            converted[header] = response[header]
    return converted


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_problem(response):
            response = _as_problem(request, response)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        with_token = getattr(request, "auth", None) is not None or "Authorization" in request.headers
        if "Cache-Control" not in response.headers or with_token:
            response["Cache-Control"] = "private, no-cache" if with_token else "public, no-cache"
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            if etag_matches(request, response["ETag"]):
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Cache-Control", "Vary", "Content-Language", "Expires", "Last-Modified"):
                    if response.has_header(header):
                        not_modified[header] = response[header]
                return not_modified
        return response
