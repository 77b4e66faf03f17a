"""Errors of the API, answered as RFC 9457 problem details in the caller's language.

``ApiTokenError`` is the domain error of the token services. ``problem_exception_handler``
(REST_FRAMEWORK's EXCEPTION_HANDLER) turns every refusal into ``application/problem+json``::

    {"type": "https://…/api/v1/problems/validation", "title": "Invalid input", "status": 400,
     "detail": "…", "instance": "/api/v1/…", "errors": {"field": ["message", …]}}

The domain apps' errors (``InstitutionError``, ``EventError`` and its subclasses, ``MouError``,
``ImportJobError``) are mapped to 400, or to the status in ``DOMAIN_ERROR_STATUS`` for their
``code``; Django's ``PermissionDenied`` to 403 and ``Http404``/``ObjectDoesNotExist`` to 404.
"""

from __future__ import annotations

import json

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.services import ImportJobError
from events.errors import EventError
from events.survey import AlreadyAnswered
from institutions.errors import InstitutionError
from mous.errors import MouError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ApiTokenError(Exception):
    """The token services refused a request; ``str(error)`` is the translated message.

    ``field`` names the form field it is about, if any.
    """

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(exceptions.APIException):
    """409: the request contradicts the object's current state (a concurrent change, say)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the object.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The object has changed since you last read it.")
    default_code = "precondition_failed"


# Domain error classes the API maps, and the status a code of theirs gets instead of 400.
DOMAIN_ERRORS: tuple[type[Exception], ...] = (InstitutionError, EventError, MouError, ImportJobError, ApiTokenError)
DOMAIN_ERROR_STATUS: dict[str, int] = {
    "conflict": status.HTTP_409_CONFLICT,
    "duplicate": status.HTTP_409_CONFLICT,
    "already_exists": status.HTTP_409_CONFLICT,
    "not_found": status.HTTP_404_NOT_FOUND,
    "forbidden": status.HTTP_403_FORBIDDEN,
}
# ... and the status some error classes get whatever their code.
DOMAIN_ERROR_CLASS_STATUS: dict[type[Exception], int] = {AlreadyAnswered: status.HTTP_409_CONFLICT}

# Problem types: a short slug per status, documented at /api/v1/docs/.
TITLES = {
    400: _("Invalid request"),
    401: _("Authentication required"),
    403: _("Permission denied"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    412: _("Precondition failed"),
    415: _("Unsupported media type"),
    429: _("Too many requests"),
    500: _("Server error"),
}
SLUGS = {
    400: "invalid",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    415: "unsupported-media-type",
    429: "throttled",
    500: "server-error",
}


def problem_type(status_code: int) -> str:
    return f"/api/v1/problems/{SLUGS.get(status_code, 'error')}"


def problem(
    status_code: int, detail: str = "", *, instance: str = "", errors: dict | None = None, headers=None
) -> Response:
    """A problem-details response (RFC 9457) with ``status_code``, in the active language."""
    body = problem_body(status_code, detail, instance=instance, errors=errors)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_body(status_code: int, detail: str = "", *, instance: str = "", errors: dict | None = None) -> dict:
    body = {
        "type": problem_type(status_code),
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail or TITLES.get(status_code, "")),
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_json(status_code: int, detail: str = "", *, instance: str = "") -> HttpResponse:
    """The same as a plain Django response, for answers given outside DRF's views."""
    return HttpResponse(
        json.dumps(problem_body(status_code, detail, instance=instance), ensure_ascii=False),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field" or "field.sub" or "non_field_errors": [messages]}``."""
    errors: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for inner, messages in _flatten(value, name).items():
                errors.setdefault(inner, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            errors[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for inner, messages in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    errors.setdefault(inner, []).extend(messages)
    else:
        errors[prefix or "non_field_errors"] = [str(detail)]
    return errors


def _as_api_exception(exc: Exception) -> Exception:
    """Django's and the domain apps' exceptions as DRF ones (others are returned unchanged)."""
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
            )
        return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})
    if isinstance(exc, DOMAIN_ERRORS):
        message = str(getattr(exc, "message", "") or exc)
        code = getattr(exc, "code", "") or ""
        status_code = next(
            (value for cls, value in DOMAIN_ERROR_CLASS_STATUS.items() if isinstance(exc, cls)),
            DOMAIN_ERROR_STATUS.get(code, status.HTTP_400_BAD_REQUEST),
        )
        field = getattr(exc, "field", "") or ""
        if status_code == status.HTTP_400_BAD_REQUEST:
            return exceptions.ValidationError({field or "non_field_errors": [message]}, code=code or "invalid")
        error = exceptions.APIException(message, code=code)
        error.status_code = status_code
        return error
    return exc


def problem_exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER: every refusal as problem details."""
    from rest_framework.views import exception_handler  # DRF's settings import this module's neighbours

    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling (and logging) takes it
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        non_field = errors.get("non_field_errors")
        detail = non_field[0] if non_field and len(errors) == 1 else _("Some of the values sent are not valid.")
    elif isinstance(exc, exceptions.APIException):
        detail = (
            exc.detail if isinstance(exc.detail, str) else " ".join(_flatten(exc.detail).get("non_field_errors", []))
        )
    else:
        detail = ""
    body = problem(response.status_code, detail, instance=instance, errors=errors)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            body[header] = response[header]
    return body
