"""Helpers of the institution admins' and participants' API tests: tokens and calls."""

from datetime import timedelta

from django.utils import timezone

from api.services import token_create

READ = ["read"]
WRITE = ["read", "write"]


def make_token(user, *, institution=None, scopes=WRITE) -> str:
    """A token of ``user`` (bound to ``institution``), valid for a month; its full string."""
    _token, plain = token_create(
        user=user,
        name="test",
        scopes=scopes,
        institution=institution,
        expires_at=timezone.now() + timedelta(days=30),
    )
    return plain


def call(client, method: str, url: str, token: str | None = None, data=None, **headers):
    """One API call with ``token`` as its Bearer token and ``data`` as its JSON body."""
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    kwargs = {"content_type": "application/json"} if data is not None else {}
    return getattr(client, method.lower())(url, data=data, **kwargs, **headers)
