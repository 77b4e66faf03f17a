"""Public pages from the shared cache (core.pagecache): fresh after every edit, never private."""

import os

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from core.pagecache import CSRF_PLACEHOLDER, public_pages_changed
from events.models import Event, Registration
from events.services import approve_registrations
from institutions.models import Institution
from mous.models import Mou
from tests.factories import EventFactory, InstitutionFactory, MouFactory, MouPartyFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def cached_pages() -> list[dict]:
    return [value for key, value in _entries() if ":pagecache:" in key and isinstance(value, dict)]


def _entries():
    # LocMemCache keeps pickled values under made keys; read them through the public API.
    for key in list(cache._cache):  # noqa: SLF001 -- the test inspects what the cache holds
        raw = key.split(":", 2)[-1]
        yield key, cache.get(raw)


@pytest.fixture
def public_mou():
    mou = MouFactory(title="Dual apprenticeship in railway maintenance", is_public=True, status=Mou.Status.ACTIVE)
    MouPartyFactory(mou=mou)
    MouPartyFactory(mou=mou)
    return mou


def _edit_event(event: Event, title: str) -> None:
    event.title = title
    event.save()


def _edit_institution(institution: Institution, name: str) -> None:
    institution.name = name
    institution.save()


def _edit_mou(mou: Mou, title: str) -> None:
    mou.title = title
    mou.save()


@pytest.mark.parametrize(
    "page",
    ["home", "events", "event", "directory", "institution", "registry", "mou"],
)
def test_every_cached_page_shows_an_edit_at_once(client, page, public_mou):
    event = EventFactory(title="Workshop on smart welding")
    institution = InstitutionFactory(name="Battambang Polytechnic Institute")
    url, before, after, edit = {
        "home": (reverse("home"), event.title, "Summit on green skills", lambda: _edit_event(event, "Summit on green skills")),
        "events": (reverse("events:list"), event.title, "Summit on green skills", lambda: _edit_event(event, "Summit on green skills")),
        "event": (reverse("events:detail", args=[event.slug]), event.title, "Summit on green skills", lambda: _edit_event(event, "Summit on green skills")),
        "directory": (reverse("institutions:list"), institution.name, "Takeo Technical Institute", lambda: _edit_institution(institution, "Takeo Technical Institute")),
        "institution": (reverse("institutions:detail", args=[institution.slug]), institution.name, "Takeo Technical Institute", lambda: _edit_institution(institution, "Takeo Technical Institute")),
        "registry": (reverse("mous:registry"), public_mou.title, "Joint programme in logistics", lambda: _edit_mou(public_mou, "Joint programme in logistics")),
        "mou": (reverse("mous:detail", args=[public_mou.pk]), public_mou.title, "Joint programme in logistics", lambda: _edit_mou(public_mou, "Joint programme in logistics")),
    }[page]  # fmt: skip
    first = client.get(url)
    assert before in first.content.decode()
    assert len(cached_pages()) == 1

    edit()
    second = client.get(url)

    assert after in second.content.decode()
    assert before not in second.content.decode()


def test_a_visitor_is_served_the_stored_page_until_something_changes(client):
    event = EventFactory(title="Workshop on smart welding")
    client.get(reverse("events:list"))
    # update() sends no signal: the stored page stays, which shows it is the one served.
    Event.objects.filter(pk=event.pk).update(title="Summit on green skills")

    stored = client.get(reverse("events:list"))
    public_pages_changed()
    fresh = client.get(reverse("events:list"))

    assert "Workshop on smart welding" in stored.content.decode()
    assert "Summit on green skills" in fresh.content.decode()


def test_signed_in_pages_are_never_stored_nor_served_from_the_cache(client, roles):
    EventFactory(title="Workshop on smart welding")
    client.get(reverse("events:list"))  # a visitor's copy is stored
    stored = cached_pages()

    client.force_login(roles["participant"])
    signed_in = client.get(reverse("events:list"))
    home = client.get(reverse("home"))

    assert cached_pages() == stored
    assert roles["participant"].email not in str(cached_pages())
    for response in (signed_in, home):
        assert "no-store" in response["Cache-Control"]
        assert "ETag" not in response


def test_each_visitor_gets_a_csrf_token_of_their_own(client):
    EventFactory()
    first = client.get(reverse("events:list"))
    other = Client()
    second = other.get(reverse("events:list"))

    stored = cached_pages()[0]["content"]
    first_token = first.cookies["csrftoken"].value
    second_token = other.cookies["csrftoken"].value

    assert CSRF_PLACEHOLDER in stored
    assert first_token != second_token
    assert CSRF_PLACEHOLDER not in second.content.decode()
    # The second visitor's page carries a token that their own cookie accepts: posting the
    # language switch with it works.
    token = second.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    other_csrf = Client(enforce_csrf_checks=True)
    other_csrf.cookies["csrftoken"] = second_token
    switched = other_csrf.post(reverse("set_language"), {"language": "zh-hans", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_browsers_revalidate_and_get_304_while_the_page_is_unchanged(client):
    event = EventFactory()
    first = client.get(reverse("events:list"))

    again = client.get(reverse("events:list"), HTTP_IF_NONE_MATCH=first["ETag"])
    _edit_event(event, "Summit on green skills")
    after_edit = client.get(reverse("events:list"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "private, no-cache"
    assert first["ETag"].startswith('W/"')
    assert "Last-Modified" in first
    assert again.status_code == 304
    assert after_edit.status_code == 200
    assert after_edit["ETag"] != first["ETag"]


def test_a_browser_whose_csrf_cookie_changed_gets_the_page_again(client):
    EventFactory()
    first = client.get(reverse("events:list"))
    client.cookies["csrftoken"] = "x" * 32  # the secret changes when someone signs in

    again = client.get(reverse("events:list"), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert CSRF_PLACEHOLDER not in again.content.decode()


def test_pages_are_kept_per_language(client):
    EventFactory()
    english = client.get(reverse("events:list"), HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(reverse("events:list"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    assert len(cached_pages()) == 2


def test_an_htmx_request_and_a_full_page_are_kept_apart(client):
    InstitutionFactory(name="Battambang Polytechnic Institute")
    full = client.get(reverse("institutions:list"))
    partial = client.get(reverse("institutions:list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")

    assert b"<html" in full.content
    assert b"<html" not in partial.content
    assert len(cached_pages()) == 2


def test_pages_that_are_not_found_are_not_stored(client):
    response = client.get(reverse("events:detail", args=["no-such-event"]))

    assert response.status_code == 404
    assert cached_pages() == []


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_pages_are_stored_and_served_by_the_redis_cache_of_production(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "test-page-cache",
        }
    }
    redis = caches["default"]
    try:
        event = EventFactory(title="Workshop on smart welding")
        first = client.get(reverse("events:list"))
        again = client.get(reverse("events:list"), HTTP_IF_NONE_MATCH=first["ETag"])
        _edit_event(event, "Summit on green skills")
        edited = client.get(reverse("events:list"))
    finally:
        redis.clear()

    assert "Workshop on smart welding" in first.content.decode()
    assert again.status_code == 304
    assert "Summit on green skills" in edited.content.decode()


def test_an_event_page_counts_registrations_approved_together_at_once(client):
    event = EventFactory()
    institution = InstitutionFactory(country="TH")
    pending = [
        RegistrationFactory(event=event, institution=institution, status=Registration.Status.PENDING) for _ in range(2)
    ]
    before = client.get(reverse("events:detail", args=[event.slug])).content.decode()

    approve_registrations(event=event, ids=[registration.pk for registration in pending])
    after = client.get(reverse("events:detail", args=[event.slug])).content.decode()

    assert "2 participants" not in before
    assert "2 participants" in after
