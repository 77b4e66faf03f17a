"""The OpenAPI document's shared parts: the token scheme and the problem-details responses."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details, in the caller's language.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For invalid input: the messages for each field sent.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEM_STATUSES = {
    "400": "Invalid request",
    "401": "No valid token (unknown, expired or revoked), or a token is needed",
    "403": "The token's scope or the person's rights do not allow this",
    "404": "Not found (another institution's private object is not found either)",
    "406": "Not acceptable",
    "429": "Too many requests: see Retry-After",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tvp_<prefix>_<secret>",
            "description": "A token created on the portal's preferences page.",
        }


def add_problem_responses(result, generator, request, public):
    """Add the Problem schema and the error responses every operation may give."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in PROBLEM_STATUSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/problem+json": {"schema": ref}}}
                )
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (If-None-Match named the current ETag)"})
            # Anonymous calls are allowed where the operation lists an empty requirement.
    return result


def form_parameters(form_class, *, exclude: tuple[str, ...] = ()) -> list:
    """Query parameters documenting a Django GET form's fields, so that the OpenAPI document
    lists the same filters as the page. Choices known without the database become enums;
    others (sectors, countries, events) are plain strings."""
    from django import forms
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    parameters = []
    for name, field in form_class.base_fields.items():
        if name in exclude:
            continue
        description = str(field.label or "")
        if field.help_text:
            description += f": {field.help_text}"
        choices = [str(value) for value, _label in getattr(field, "choices", []) if value not in ("", None)]
        static = choices and not isinstance(field, forms.ModelChoiceField)
        many = isinstance(field, forms.MultipleChoiceField)
        if isinstance(field, forms.BooleanField):
            kind = OpenApiTypes.BOOL
        elif isinstance(field, forms.IntegerField):
            kind = {"type": "integer"}
            if field.min_value is not None:
                kind["minimum"] = field.min_value
            if field.max_value is not None:
                kind["maximum"] = field.max_value
        else:
            kind = {"type": "string", "enum": choices} if static else {"type": "string"}
            if getattr(field, "max_length", None):
                kind["maxLength"] = field.max_length
        if many:
            item = kind if isinstance(kind, dict) else {"type": "string"}
            kind = {"type": "array", "items": item}
        parameters.append(
            OpenApiParameter(
                name, kind, OpenApiParameter.QUERY, required=False, description=description, many=False, explode=True
            )
        )
    return parameters


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's, saying which operations need no token: reads whose view requires none
    (the default ``ScopePermission`` lets anyone read)."""

    def get_auth(self):
        from .permissions import TokenRequired

        auths = super().get_auth()
        needs_token = any(isinstance(permission, TokenRequired) for permission in self.view.get_permissions())
        if self.method in ("GET", "HEAD", "OPTIONS") and not needs_token and {} not in auths:
            auths.append({})
        return auths
