"""The institution admins' and participants' endpoints answer as their OpenAPI document says.

Schemathesis' generated calls mostly meet unknown keys (404); these calls use real objects, so
the successful answers (and some refusals) of every operation are checked against the
document's schemas with schemathesis' own checks.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.utils.encoders import JSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from institutions.models import Membership
from matchmaking.models import Meeting, MeetingRequest
from tests.api.people import make_token
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=JSONEncoder)))


@pytest.fixture
def app():
    # As Django's test client does: the test's database connection stays open between calls.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    institution_a = InstitutionFactory(slug="schema-a", country="KH", description="Texts")
    institution_b = InstitutionFactory(slug="schema-b", country="CN")
    admin = MembershipFactory(
        user=UserFactory(verified_email=True), institution=institution_a, role=Membership.Role.ADMIN
    ).user
    person_b = MembershipFactory(user=UserFactory(verified_email=True), institution=institution_b).user
    person_c = MembershipFactory(user=UserFactory(verified_email=True), institution__country="TH").user
    event = EventFactory(slug="schema-event")
    SessionFactory(event=event)
    session = MatchmakingSessionFactory(event=event)
    reg_a = RegistrationFactory(event=event, user=admin, institution=institution_a)
    reg_b = RegistrationFactory(event=event, user=person_b, institution=institution_b)
    reg_c = RegistrationFactory(event=event, user=person_c)
    accepted = MeetingRequestFactory(
        session=session, requester=reg_a, recipient=reg_b, status=MeetingRequest.Status.ACCEPTED
    )
    Meeting.objects.create(
        request=accepted, session=session, slot=MeetingSlotFactory(session=session), table_number=2, status="published"
    )
    return {
        "a": institution_a,
        "offer": OfferFactory(institution=institution_a),
        "need": NeedFactory(institution=institution_a),
        "event": event,
        "session": session,
        "reg_a": reg_a,
        "reg_b": reg_b,
        "pending": MeetingRequestFactory(session=session, requester=reg_c, recipient=reg_a),
        "accepted": accepted,
        "token": make_token(admin, institution=institution_a),
        "token_b": make_token(person_b),
    }


def check(schema, app, path: str, method: str, token: str, *, path_parameters=None, body=None, query=None):
    operation = schema[f"/api/v1{path}"][method]
    kwargs = {"path_parameters": path_parameters or {}, "query": query or {}}
    if body is not None:
        kwargs.update(body=body, media_type="application/json")
    case = operation.Case(**kwargs)
    response = case.call(app=app, headers={"Authorization": f"Bearer {token}", "Host": "testserver"})
    case.validate_response(response, checks=CHECKS)
    return response.status_code


def test_institution_admin_operations_answer_as_documented(schema, app, world):
    token, slug = world["token"], {"slug": "schema-a"}
    offer = {"slug": "schema-a", "id": world["offer"].pk}
    need = {"slug": "schema-a", "id": world["need"].pk}
    new = {"cooperation_type": world["offer"].cooperation_type.slug, "sector": world["need"].sector.slug}

    assert check(schema, app, "/manage/institutions/{slug}/", "GET", token, path_parameters=slug) == 200
    assert (
        check(
            schema,
            app,
            "/manage/institutions/{slug}/",
            "PATCH",
            token,
            path_parameters=slug,
            body={"city": "Kep", "translations": {"description": {"km": "អត្ថបទ"}}},
        )
        == 200
    )
    assert (
        check(schema, app, "/manage/institutions/{slug}/", "PATCH", token, path_parameters=slug, body={"kind": "?"})
        == 400
    )
    assert check(schema, app, "/manage/institutions/{slug}/offers/", "GET", token, path_parameters=slug) == 200
    assert (
        check(schema, app, "/manage/institutions/{slug}/offers/", "POST", token, path_parameters=slug, body=new) == 201
    )
    assert check(schema, app, "/manage/institutions/{slug}/needs/", "GET", token, path_parameters=slug) == 200
    assert (
        check(schema, app, "/manage/institutions/{slug}/needs/", "POST", token, path_parameters=slug, body=new) == 201
    )
    assert check(schema, app, "/manage/institutions/{slug}/offers/{id}/", "GET", token, path_parameters=offer) == 200
    assert (
        check(
            schema,
            app,
            "/manage/institutions/{slug}/needs/{id}/",
            "PATCH",
            token,
            path_parameters=need,
            body={"capacity": "3"},
        )
        == 200
    )
    assert check(schema, app, "/manage/institutions/{slug}/needs/{id}/", "DELETE", token, path_parameters=need) == 204
    assert check(schema, app, "/manage/institutions/{slug}/offers/{id}/", "DELETE", token, path_parameters=offer) == 204


def test_participant_operations_answer_as_documented(schema, app, world):
    token, token_b = world["token"], world["token_b"]
    other_event = EventFactory(slug="schema-other")
    accepted = {"id": world["accepted"].pk}

    assert check(schema, app, "/me/registrations/", "GET", token, query={"status": "approved"}) == 200
    assert check(schema, app, "/me/registrations/", "POST", token, body={"event": other_event.slug}) == 201
    assert check(schema, app, "/me/registrations/", "POST", token, body={"event": other_event.slug}) == 409
    assert check(schema, app, "/me/registrations/{id}/", "GET", token, path_parameters={"id": world["reg_a"].pk}) == 200
    assert (
        check(schema, app, "/me/registrations/{id}/cancel/", "POST", token, path_parameters={"id": world["reg_a"].pk})
        == 200
    )
    assert check(schema, app, "/me/meeting-requests/", "GET", token_b, query={"box": "sent"}) == 200
    assert check(schema, app, "/me/meeting-requests/{id}/", "GET", token_b, path_parameters=accepted) == 200
    assert (
        check(
            schema,
            app,
            "/me/meeting-requests/",
            "POST",
            token_b,
            body={"session": world["session"].pk, "institution": "schema-a", "message": "Hello"},
        )
        == 400  # the participant of A cancelled above: A has nobody at the event any more
    )
    assert (
        check(schema, app, "/me/meeting-requests/{id}/accept/", "POST", token_b, path_parameters=accepted, body={})
        == 200
    )
    assert check(schema, app, "/me/meeting-requests/{id}/decline/", "POST", token_b, path_parameters=accepted) == 409
    assert (
        check(schema, app, "/me/events/{slug}/agenda/", "GET", token_b, path_parameters={"slug": "schema-event"}) == 200
    )


def test_answering_and_the_agenda_answer_as_documented(schema, app, world):
    token = world["token"]
    pending = {"id": world["pending"].pk}

    assert check(schema, app, "/me/meeting-requests/", "GET", token) == 200
    assert (
        check(schema, app, "/me/meeting-requests/{id}/accept/", "POST", token, path_parameters=pending, body={}) == 200
    )
    assert check(schema, app, "/me/meeting-requests/{id}/decline/", "POST", token, path_parameters=pending) == 409
    accepted = {"id": world["accepted"].pk}
    assert check(schema, app, "/me/meeting-requests/{id}/withdraw/", "POST", token, path_parameters=accepted) == 409
    assert (
        check(schema, app, "/me/events/{slug}/agenda/", "GET", token, path_parameters={"slug": "schema-event"}) == 200
    )
