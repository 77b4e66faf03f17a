"""API tokens on the preferences page: list, create (shown once), revoke."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import hash_secret
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db

URL = "/accounts/preferences/"
CREATE = "/accounts/preferences/api-tokens/"
REVOKE = "/accounts/preferences/api-tokens/revoke/"


def days_ahead(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_the_page_lists_ones_own_tokens_only(client, roles):
    make_token(roles["participant"], name="Warehouse import", institution=roles.institution_a)
    make_token(roles["other_member"], name="Someone else's")
    client.force_login(roles["participant"])

    page = client.get(URL).content.decode()

    assert "Warehouse import" in page
    assert roles.institution_a.name in page
    assert "Someone else" not in page
    assert 'id="api-tokens-heading"' in page


def test_a_new_token_is_shown_once_and_works(client, roles):
    client.force_login(roles["institution_admin"])

    response = client.post(
        CREATE,
        {"name": "Sync", "scope": "write", "institution": roles.institution_a.pk, "expires_on": days_ahead(30)},
    )

    token = ApiToken.objects.get(user=roles["institution_admin"])
    plain = response.context["new_token"]
    assert plain.startswith(f"tvp_{token.prefix}_")
    assert token.secret_hash == hash_secret(plain.split("_", 2)[2])
    assert plain in response.content.decode()
    assert token.scopes == ["read", "write"]
    assert token.institution == roles.institution_a
    assert "no-store" in response.headers["Cache-Control"]
    assert plain not in client.get(URL).content.decode()
    assert client.get("/api/v1/token/", headers={"Authorization": f"Bearer {plain}"}).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "scope": "read", "expires_on": 30}, "name"),
        ({"name": "x", "scope": "admin", "expires_on": 30}, "scope"),
        ({"name": "x", "scope": "read", "expires_on": 0}, "expires_on"),
        ({"name": "x", "scope": "read", "expires_on": 400}, "expires_on"),
        ({"name": "x", "scope": "read", "expires_on": 30, "other": True}, "institution"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_creates_nothing(client, roles, data, field):
    client.force_login(roles["participant"])
    data = {**data, "expires_on": days_ahead(data["expires_on"])}
    if data.pop("other", False):
        data["institution"] = roles.institution_b.pk

    response = client.post(CREATE, data)

    assert response.status_code == 200
    assert response.context["token_form"].errors[field]
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_by_its_owner_only(client, roles):
    token, plain = make_token(roles["participant"])
    client.force_login(roles["other_member"])
    assert client.post(REVOKE, {"prefix": token.prefix}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

    client.force_login(roles["participant"])
    response = client.post(REVOKE, {"prefix": token.prefix})

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/token/", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
