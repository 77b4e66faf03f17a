"""A control character anywhere in a request answers 400 before any view or query sees it."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.models import Registration
from institutions.models import Membership
from tests.factories import (
    EventFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    SurveyTableFactory,
)

pytestmark = pytest.mark.django_db

REFUSAL = "The request contains control characters and cannot be processed."


def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the project as (route text, name), the admin and allauth included."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield prefix + str(entry.pattern), entry.name or ""


ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
UNNAMED_GROUP = re.compile(r"\((?!\?)[^)]*\)")


@pytest.fixture
def objects(roles):
    """Real objects for the path arguments, so that each URL names something that exists."""
    event = EventFactory()
    event.organisers.add(roles.institution_a)
    registration = RegistrationFactory(event=event, user=roles["participant"], institution=roles.institution_a)
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    table = SurveyTableFactory(survey__event=event)
    membership = Membership.objects.filter(institution=roles.institution_a).first()
    return {
        "events": {"slug": event.slug, "pk": registration.pk, "token": registration.badge_token},
        "institutions": {
            "slug": roles.institution_a.slug,
            "pk": membership.pk,
            "institution_id": roles.institution_b.pk,
        },
        "mous": {"pk": mou.pk},
        "survey": {"token": table.token},
        "default": {"pk": registration.pk, "object_id": registration.pk, "content_type_id": 1},
    }


def _fill(route: str, objects: dict) -> str:
    """Turn a route (path() or re_path() syntax) into a concrete path with real or dummy values."""
    area = route.split("/", 1)[0]
    values = {**objects["default"], **objects.get(area, {})}
    if "survey/table" in route:
        values.update(objects["survey"])
    dummies = {
        "slug": "no-such-slug",
        "token": "a" * 32,
        "kind": "offer",
        "action": "approve",
        "outcome": "met",
        "field_name": "document",
        "key": "abc",
        "uidb36": "1",
        "app_label": "events",
        "url": "anything/",
        "path": "1",
    }

    def value(name: str) -> str:
        return str(values.get(name, dummies.get(name, 1)))

    path = ROUTE_PARAMETER.sub(lambda match: value(match["name"]), route)
    path = REGEX_GROUP.sub(lambda match: value(match["name"]), path)
    path = UNNAMED_GROUP.sub("1", path)
    return "/" + path.replace("^", "").replace("$", "")


def test_every_url_pattern_answers_400_to_a_nul_byte_in_the_query(client, roles, objects):
    patterns = list(_patterns())
    answers = {}

    for role in ("anonymous", "secretariat", "institution_admin"):
        client.logout()
        if role != "anonymous":
            client.force_login(roles[role])
        for route, name in patterns:
            response = client.get(_fill(route, objects) + "?q=%00&search=%00")
            if route.startswith("api/"):
                # The API answers its refusals as problem details (api.middleware).
                refused_here = response.headers["Content-Type"] == "application/problem+json"
            else:
                refused_here = response.content.decode() == REFUSAL
            answers[(role, route, name)] = (response.status_code, refused_here)

    assert len(patterns) > 250
    refused = {key: status for key, (status, is_refusal) in answers.items() if status == 400 and is_refusal}
    assert refused == dict.fromkeys(answers, 400)


@pytest.mark.parametrize("query", ["q=%00", "q=abc%00def", "search=%01", "q=%1F", "q=%7F", "q=ok&other=%08", "q%00=x"])
def test_control_characters_in_the_query_answer_400(client, query):
    response = client.get(reverse("mous:institution_search") + "?" + query)

    assert (response.status_code, response.content.decode()) == (400, REFUSAL)


def test_overlong_utf8_nul_is_no_nul(client, roles):
    """%C0%80 is not valid UTF-8: it decodes to replacement characters, searched as text."""
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:institution_search") + "?q=%C0%80")

    assert response.status_code == 200


def test_checkin_search_with_nul_answers_400(client, roles, objects):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("events:checkin", args=[objects["events"]["slug"]]) + "?q=Ma%00ria")

    assert (response.status_code, response.content.decode()) == (400, REFUSAL)


def test_tab_and_newlines_are_ordinary_text(client, roles):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:institution_search") + "?q=Phnom%09Penh%0D%0A")

    assert response.status_code == 200


def test_nul_in_the_path_answers_400(client):
    response = client.get("/events/survey/abc%00def/")

    assert (response.status_code, response.content.decode()) == (400, REFUSAL)


def test_nul_in_posted_form_data_answers_400_and_changes_nothing(client, roles, objects):
    registration = Registration.objects.get(pk=objects["events"]["pk"])
    client.force_login(roles["participant"])
    url = reverse("events:cancel_registration", args=[objects["events"]["slug"]])

    response = client.post(url, "reason=oops%00", content_type="application/x-www-form-urlencoded")

    registration.refresh_from_db()
    assert (response.status_code, response.content.decode()) == (400, REFUSAL)
    assert registration.status == Registration.Status.APPROVED


def test_nul_in_a_posted_field_name_answers_400(client):
    response = client.post(
        reverse("set_language"), "language=zh-hans&next%00=/", content_type="application/x-www-form-urlencoded"
    )

    assert (response.status_code, "django_language" in response.cookies) == (400, False)


def test_multiline_posted_text_passes(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/\r\n\t"})

    assert (response.status_code, response.cookies["django_language"].value) == (302, "zh-hans")
