"""Who may call what: scopes by method, and the institutions a call may act for.

``ScopePermission`` is the default permission class: reading (GET, HEAD, OPTIONS) is open to
visitors and to every token (each has ``read``); anything else needs a token with ``write``.
Endpoints that show more than visitors see add ``TokenRequired``; the object rules themselves
are the pages' (``user.has_perm`` with the apps' rules, the selectors' querysets), asked by the
views.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from institutions.permissions import active_institution_ids, is_secretariat

from .models import ApiToken


def token_of(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ScopePermission(BasePermission):
    """Safe methods need ``read`` (any token, or none); every other method a ``write`` token."""

    message = _("This token may only read. Create a token with the write scope to make changes.")

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if request.method in SAFE_METHODS:
            return token is None or token.has_scope(ApiToken.Scope.READ)
        if token is None:
            raise exceptions.NotAuthenticated(_("Changes need a token with the write scope."))
        return token.has_scope(ApiToken.Scope.WRITE)


class TokenRequired(BasePermission):
    """The call must carry a valid token (401 otherwise)."""

    def has_permission(self, request, view) -> bool:
        if token_of(request) is None:
            raise exceptions.NotAuthenticated(_("This endpoint needs a token."))
        return True


class SecretariatRequired(TokenRequired):
    """A token of a secretariat member; others get 404, as the secretariat's pages answer."""

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        if not is_secretariat(request.user):
            raise exceptions.NotFound()
        return True


def acting_institutions(request, *, admin_only: bool = False) -> set[int]:
    """The ids of the institutions this call may act for (none for anonymous calls).

    The token's institution, if the person is still an active member of it (an admin, with
    ``admin_only``), read again on every call: someone removed from an institution loses it
    at once, whatever their tokens say. A token bound to no institution acts for none.
    """
    token = token_of(request)
    if token is None or token.institution_id is None:
        return set()
    return {token.institution_id} & active_institution_ids(request.user, admin_only=admin_only)
