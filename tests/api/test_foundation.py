"""The API's foundation: tokens, authentication, scopes, problem details, headers, limits."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.errors import ApiTokenError, problem_exception_handler
from api.models import ApiToken
from api.permissions import acting_institutions
from api.services import MAX_ACTIVE_TOKENS, hash_secret, token_create, token_revoke
from api.throttling import TokenRateThrottle
from events.errors import EventError
from institutions.models import Membership
from mous.errors import MouError
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


# Tokens: creation and revocation (api.services)


def test_a_token_is_shown_once_and_only_its_hash_is_kept(roles):
    token, plain = make_token(roles["institution_admin"], scopes=["write"], institution=roles.institution_a)

    prefix, secret = plain.removeprefix("tvp_").split("_", 1)
    assert token.prefix == prefix
    assert token.secret_hash == hash_secret(secret)
    assert secret not in token.secret_hash
    assert token.scopes == ["read", "write"]
    assert token.has_scope("read")
    assert token.can_write


def test_a_token_for_an_institution_one_does_not_belong_to_is_refused(roles):
    with pytest.raises(ApiTokenError) as error:
        make_token(roles["institution_admin"], institution=roles.institution_b)

    assert error.value.field == "institution"
    assert not ApiToken.objects.exists()


def test_a_pending_member_cannot_make_a_token_for_the_institution(roles):
    with pytest.raises(ApiTokenError):
        make_token(roles["pending_member"], institution=roles.institution_a)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"scopes": ["admin"]}, "scopes"),
        ({"scopes": []}, "scopes"),
        ({"expires_at": timedelta(days=-1)}, "expires_at"),
        ({"expires_at": timedelta(days=400)}, "expires_at"),
    ],
)
def test_bad_token_input_is_refused_with_its_field(roles, changes, field):
    values = {"name": "n", "scopes": ["read"], "institution": None, "expires_at": timedelta(days=10)}
    values.update(changes)
    values["expires_at"] = timezone.now() + values["expires_at"]

    with pytest.raises(ApiTokenError) as error:
        token_create(user=roles["participant"], **values)

    assert error.value.field == field
    assert not ApiToken.objects.exists()


def test_the_number_of_active_tokens_is_limited(roles):
    user = roles["participant"]
    for index in range(MAX_ACTIVE_TOKENS):
        make_token(user, name=f"t{index}")

    with pytest.raises(ApiTokenError):
        make_token(user, name="one too many")


def test_only_the_owner_revokes_a_token(roles):
    token, _plain = make_token(roles["participant"])

    with pytest.raises(ApiTokenError):
        token_revoke(user=roles["other_member"], token=token)
    token.refresh_from_db()
    assert token.revoked_at is None

    token_revoke(user=roles["participant"], token=token)
    assert token.revoked_at is not None


# Authentication


def test_a_valid_token_authenticates_and_notes_its_use(roles, api_client):
    token, plain = make_token(roles["participant"], institution=roles.institution_a)

    response = api_client.get("/api/v1/token/", headers=bearer(plain))

    assert response.status_code == 200
    assert response.json()["prefix"] == token.prefix
    assert response.json()["institution"] == roles.institution_a.slug
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(roles, api_client):
    token, plain = make_token(roles["participant"])
    api_client.get("/api/v1/token/", headers=bearer(plain))
    first = ApiToken.objects.get(pk=token.pk).last_used_at

    api_client.get("/api/v1/token/", headers=bearer(plain))

    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


@pytest.mark.parametrize("state", ["unknown", "wrong secret", "malformed", "expired", "revoked", "inactive"])
def test_an_unusable_token_answers_401_problem(roles, api_client, state):
    user = roles["participant"]
    token, plain = make_token(user)
    if state == "unknown":
        plain = "tvp_0123456789_" + "x" * 43
    elif state == "wrong secret":
        plain = plain[:-3] + "abc"
    elif state == "malformed":
        plain = "not-a-token"
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        token_revoke(user=user, token=token)
    elif state == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])

    response = api_client.get("/api/v1/", headers=bearer(plain))

    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["type"].endswith("/not-authenticated")
    assert body["detail"]
    assert body["instance"] == "/api/v1/"


def test_the_api_ignores_the_session(roles, api_client):
    api_client.force_login(roles["participant"])

    assert api_client.get("/api/v1/token/").status_code == 401


# Scopes and acting institutions (api.permissions)


class WriteView(APIView):
    def post(self, request):
        return Response(
            {
                "acting": sorted(acting_institutions(request)),
                "admin": sorted(acting_institutions(request, admin_only=True)),
            }
        )


def post_as(plain: str | None):
    request = APIRequestFactory().post(
        "/x/", {}, format="json", **({"HTTP_AUTHORIZATION": f"Bearer {plain}"} if plain else {})
    )
    return WriteView.as_view()(request)


def test_writes_need_a_token_with_the_write_scope(roles):
    _token, read = make_token(roles["institution_admin"], institution=roles.institution_a)
    _token, write = make_token(roles["institution_admin"], scopes=["write"], institution=roles.institution_a)

    assert post_as(None).status_code == 401
    assert post_as(read).status_code == 403
    response = post_as(write)
    assert response.status_code == 200
    assert response.data == {"acting": [roles.institution_a.pk], "admin": [roles.institution_a.pk]}


def test_someone_removed_from_the_institution_loses_it_at_once(roles):
    admin = roles["institution_admin"]
    _token, write = make_token(admin, scopes=["write"], institution=roles.institution_a)
    Membership.objects.filter(user=admin, institution=roles.institution_a).update(role=Membership.Role.MEMBER)

    assert post_as(write).data == {"acting": [roles.institution_a.pk], "admin": []}

    Membership.objects.filter(user=admin, institution=roles.institution_a).delete()
    assert post_as(write).data == {"acting": [], "admin": []}


def test_a_token_without_institution_acts_for_none(roles):
    _token, write = make_token(roles["institution_admin"], scopes=["write"])

    assert post_as(write).data == {"acting": [], "admin": []}


def test_acting_institutions_of_an_anonymous_call_is_empty():
    assert acting_institutions(SimpleNamespace(auth=None, user=None)) == set()


# Problem details (api.errors)


def handled(exc):
    request = SimpleNamespace(get_full_path=lambda: "/api/v1/thing/")
    return problem_exception_handler(exc, {"request": request})


def test_domain_errors_are_400_with_their_field():
    response = handled(ApiTokenError("Give the token a name.", field="name"))

    assert response.status_code == 400
    assert response.data["errors"] == {"name": ["Give the token a name."]}
    assert response.data["instance"] == "/api/v1/thing/"


def test_a_domain_error_with_a_conflict_code_is_409():
    assert handled(MouError("Changed meanwhile", code="conflict")).status_code == 409
    assert handled(EventError("Registration is not open.")).data["detail"] == "Registration is not open."


def test_django_denials_are_403_and_404():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert handled(PermissionDenied()).status_code == 403
    assert handled(Http404()).status_code == 404


def test_an_unknown_api_path_is_a_404_problem(api_client):
    response = api_client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_control_character_is_a_400_problem(api_client):
    response = api_client.get("/api/v1/?q=a%00b")

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "control characters" in response.json()["detail"]


@pytest.mark.parametrize("how", ["query", "header"])
def test_errors_are_in_the_callers_language(roles, api_client, how):
    _token, plain = make_token(roles["participant"])
    url = "/api/v1/token/?lang=vi" if how == "query" else "/api/v1/token/"
    headers = {**bearer(plain), **({"Accept-Language": "vi,en;q=0.5"} if how == "header" else {})}

    response = api_client.post(url, {}, content_type="application/json", headers=headers)

    assert response.status_code == 405
    with translation.override("vi"):
        expected = translation.gettext('Method "{method}" not allowed.').format(method="POST")
    assert response.json()["detail"] == expected != 'Method "POST" not allowed.'
    assert response.headers["Content-Language"] == "vi"


# Headers: caching, ETags, limits


def test_public_answers_have_an_etag_and_answer_304_to_it(api_client):
    response = api_client.get("/api/v1/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert {"Accept-Language", "Authorization"} <= {v.strip() for v in response.headers["Vary"].split(",")}

    again = api_client.get("/api/v1/", headers={"If-None-Match": response.headers["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == response.headers["ETag"]


def test_answers_to_token_calls_are_private(roles, api_client):
    _token, plain = make_token(roles["participant"])

    assert api_client.get("/api/v1/token/", headers=bearer(plain)).headers["Cache-Control"] == "private, no-cache"


def test_calls_beyond_the_token_rate_answer_429(roles, api_client, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/minute", "anon": "1000/minute"})
    _token, plain = make_token(roles["participant"])
    _token, other = make_token(roles["participant"], name="other")

    statuses = [api_client.get("/api/v1/token/", headers=bearer(plain)).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert api_client.get("/api/v1/token/", headers=bearer(other)).status_code == 200  # its own budget
    refused = api_client.get("/api/v1/token/", headers=bearer(plain))
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "Retry-After" in refused.headers


# The OpenAPI document and its readers


def test_the_schema_is_openapi_3_with_the_token_scheme(api_client):
    response = api_client.get("/api/v1/schema/?format=json")

    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"
    assert "Problem" in schema["components"]["schemas"]
    # Public reads say they need no token; the token's own endpoint says it needs one.
    assert {} in schema["paths"]["/api/v1/institutions/"]["get"]["security"]
    assert schema["paths"]["/api/v1/token/"]["get"]["security"] == [{"tokenAuth": []}]


@override_settings(DEBUG=False)
def test_swagger_ui_runs_under_the_portals_policy(api_client):
    page = api_client.get("/api/v1/docs/")
    script = api_client.get("/api/v1/docs/?script=")

    policy = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "cdn" not in page.content.decode()
    assert b"<script>" not in page.content
    assert b"<style>" not in page.content
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")


def test_redoc_alone_may_use_inline_styles(api_client):
    policy = api_client.get("/api/v1/redoc/").headers["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self'" in policy
    assert "script-src 'self' 'unsafe" not in policy


def test_a_token_bound_to_one_institution_reads_none_of_the_persons_other_institutions(roles, api_client):
    """A person in A and B gives an integrator of A a token bound to A: B's private MoU is out
    of its reach (404, as for a stranger), while a token bound to B, or to no institution, reads it."""
    from tests.factories import MembershipFactory, MouPartyFactory

    person = roles["institution_admin"]
    MembershipFactory(user=person, institution=roles.institution_b)
    private_of_b = MouPartyFactory(institution=roles.institution_b, mou__is_public=False).mou
    url = f"/api/v1/mous/{private_of_b.pk}/"

    _token, bound_to_a = make_token(person, institution=roles.institution_a)
    _token, bound_to_b = make_token(person, institution=roles.institution_b)
    _token, unbound = make_token(person)

    assert api_client.get(url, headers=bearer(bound_to_a)).status_code == 404
    assert api_client.get(url, headers=bearer(bound_to_b)).status_code == 200
    assert api_client.get(url, headers=bearer(unbound)).status_code == 200
