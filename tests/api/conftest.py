"""Fixtures of the API's tests: tokens of the ``roles`` people (tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.services import token_create


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


def make_token(user, *, scopes=("read",), institution=None, days: int = 30, name: str = "test"):
    return token_create(
        user=user,
        name=name,
        scopes=list(scopes),
        institution=institution,
        expires_at=timezone.now() + timedelta(days=days),
    )


@pytest.fixture
def api_client() -> Client:
    return Client()
