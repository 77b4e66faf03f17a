"""Schemathesis against the API's own OpenAPI document: no server error, answers as documented.

Every operation of the document is tested (new endpoints join by being in it), with cases
generated from its parameters, once without a token and once with a secretariat's write token
(the widest reads); path parameters are generated and, where the world has a real object for
the route, also set to it, so that the answers checked include real ones. Few examples per
operation, derandomized: a check of the document, not a search.
"""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api.throttling import AnonRateThrottle, TokenRateThrottle
from tests.api.token_world import build_api_world
from tests.portal.matrix_world import module_world

EXAMPLES = 10
SAFE = {"GET", "HEAD", "OPTIONS"}


def _document() -> dict:
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


DOCUMENT = _document()
OPERATIONS = sorted(
    (method.upper(), route)
    for route, methods in DOCUMENT["paths"].items()
    for method in methods
    if method in {"get", "post", "put", "patch", "delete"}
)

# Real objects for the routes that name one, by route.
REAL = {
    "/api/v1/events/{slug}/": lambda w: {"slug": w.event.slug},
    "/api/v1/institutions/{slug}/": lambda w: {"slug": w.inst_a.slug},
    "/api/v1/mous/{id}/": lambda w: {"id": w.mou_public.pk},
    "/api/v1/mous/{pk}/": lambda w: {"pk": w.mou_public.pk},
    # Running events and the registry (api/views_secretariat.py).
    **{
        f"/api/v1/manage/events/{{slug}}/{tail}": lambda w: {"slug": w.event.slug}
        for tail in ("", "status/", "registrations/", "registrations/approve/", "imports/")
    },
    **{
        f"/api/v1/manage/events/{{slug}}/registrations/{{id}}/{tail}": lambda w: {
            "slug": w.event.slug,
            "id": w.reg_pending.pk,
        }
        for tail in ("", "approve/", "reject/", "cancel/", "role/")
    },
    **{
        f"/api/v1/manage/events/{{slug}}/imports/{{job_id}}/{tail}": lambda w: {
            "slug": w.event.slug,
            "job_id": w.import_participants.pk,
        }
        for tail in ("", "commit/")
    },
    "/api/v1/manage/mous/{id}/": lambda w: {"id": w.mou_private_a.pk},
    "/api/v1/manage/mous/{id}/status/": lambda w: {"id": w.mou_private_a.pk},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(build_api_world, django_db_blocker) as world:
        yield world


@pytest.fixture(scope="module")
def schema():
    """The document, calling the portal's WSGI application in this thread (so in the test's
    transaction); like Django's test client, the application keeps its database connection
    between requests."""
    loaded = schemathesis.openapi.from_dict(DOCUMENT)
    loaded.app = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(TokenRateThrottle, "allow_request", lambda self, request, view: True)


def test_every_reference_of_the_document_resolves():
    text = json.dumps(DOCUMENT)
    names = set(DOCUMENT["components"]["schemas"])

    referenced = {ref.rsplit("/", 1)[-1] for ref in re.findall(r'"\$ref": "(#/components/schemas/[^"]+)"', text)}

    assert referenced - names == set()


def test_every_operation_is_tested():
    assert ("GET", "/api/v1/institutions/") in OPERATIONS
    assert len(OPERATIONS) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "route"), OPERATIONS, ids=lambda value: value)
def test_operation_keeps_to_the_document(world, schema, method, route):
    operation = schema[route][method]
    headers = {"Authorization": f"Bearer {world.api_tokens['secretariat']}"}
    strategies = [operation.as_strategy(), operation.as_strategy(headers=headers)]
    if route in REAL:
        strategies.append(operation.as_strategy(path_parameters=REAL[route](world)))
        strategies.append(operation.as_strategy(path_parameters=REAL[route](world), headers=headers))
    checks = [not_a_server_error, response_schema_conformance]
    for strategy in strategies:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            if method not in SAFE:
                # Writes are rolled back: every case meets the same world.
                from django.db import transaction

                with transaction.atomic():
                    response = case.call()
                    transaction.set_rollback(True)
            else:
                response = case.call()
            case.validate_response(response, checks=checks)

        run()


def test_the_document_generates_without_warnings(tmp_path):
    """Two serializers or choice sets under one name would share a component, and the answers
    of one operation would be documented (and checked) with the other's shape."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
