"""Public pages from the shared cache (core.pagecache): fresh after every edit, never private."""

import os
import time

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from core.pagecache import CSRF_PLACEHOLDER, MASKED_TOKEN, VERSION_KEY, kept, public_pages_changed
from events.models import Event, Registration
from events.services import approve_registrations
from institutions.models import Institution
from matchmaking.models import MeetingRequest
from mous.models import Milestone, Mou
from portal.services import user_language_set
from tests.factories import (
    TEST_PASSWORD,
    EventFactory,
    InstitutionFactory,
    MeetingRequestFactory,
    MilestoneFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    ShortlistEntryFactory,
    UserFactory,
)

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
            "BACKEND": "core.cache.RedisCache",
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


# --- Served before the rest of the middleware (core.middleware.PublicPageMiddleware) ------------

EARLY = "core.middleware.PublicPageMiddleware"


def _served_early(response) -> bool:
    # The stack's session and authentication middleware never saw the request.
    return not hasattr(response.wsgi_request, "session") and not hasattr(response.wsgi_request, "user")


def _comparable(response) -> dict:
    cookies = {
        name: {key: value for key, value in morsel.items() if value} | {"length": len(morsel.value)}
        for name, morsel in response.cookies.items()
    }
    body = response.content.decode()
    # The page differs from another visitor's by its CSRF token only.
    body = MASKED_TOKEN.sub("<token>", body)
    headers = dict(response.headers)
    if "csrftoken" in response.cookies:
        # A new CSRF secret, random, was made: the ETag's part for it differs too.
        headers["ETag"] = headers["ETag"].rsplit("-", 1)[0]
    return {"status": response.status_code, "headers": headers, "cookies": cookies, "body": body}


def _without_early(settings):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != EARLY]


@pytest.mark.parametrize(
    "case",
    [
        "new visitor",
        "returning visitor",
        "revalidation",
        "language cookie",
        "accept-language",
        "htmx",
        "bad csrf cookie",
    ],
)
def test_a_stored_page_is_answered_as_the_whole_stack_answers_it(case, settings):
    EventFactory(title="Workshop on smart welding")
    InstitutionFactory(name="Battambang Polytechnic Institute")
    secret = "a" * 32
    url = reverse("institutions:list") + "?q=polytechnic" if case == "htmx" else reverse("events:list")
    extra = {
        "htmx": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"},
        "accept-language": {"HTTP_ACCEPT_LANGUAGE": "zh-hans,en;q=0.5"},
    }.get(case, {})
    cookies = {
        "returning visitor": {"csrftoken": secret},
        "revalidation": {"csrftoken": secret},
        "language cookie": {"csrftoken": secret, settings.LANGUAGE_COOKIE_NAME: "zh-hans"},
        "bad csrf cookie": {"csrftoken": "not-a-token"},
    }.get(case, {})

    def get(**more):
        client = Client()
        for name, value in cookies.items():
            client.cookies[name] = value
        return client.get(url, **extra, **more)

    stored_by_stack = get()  # a miss: the whole stack renders and stores the page
    if case == "revalidation":
        extra["HTTP_IF_NONE_MATCH"] = stored_by_stack["ETag"]
    early = get()
    _without_early(settings)
    whole_stack = get()

    assert not _served_early(stored_by_stack)
    assert _served_early(early)
    assert not _served_early(whole_stack)
    assert _comparable(early) == _comparable(whole_stack)
    assert early.status_code == (304 if case == "revalidation" else 200)
    for header in ("Vary", "X-Frame-Options", "Content-Language", "Cache-Control", "ETag"):
        assert header in early


def test_security_headers_of_an_early_answer_are_those_of_the_stack(settings):
    EventFactory()
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REFERRER_POLICY = "same-origin"
    https = {"secure": True}
    Client().get(reverse("events:list"), **https)

    early = Client().get(reverse("events:list"), **https)
    redirected = Client().get(reverse("events:list"))
    _without_early(settings)
    whole_stack = Client().get(reverse("events:list"), **https)

    assert _served_early(early)
    assert redirected.status_code == 301  # the HTTPS redirect still comes first
    for header in (
        "Strict-Transport-Security",
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert early.get(header) == whole_stack.get(header), header
        assert header in early, header


@pytest.mark.parametrize(
    "cookie",
    ["sessionid", "messages"],
)
def test_visitors_with_a_session_or_messages_cookie_go_through_the_stack(client, cookie, settings):
    EventFactory()
    client.get(reverse("events:list"))
    name = settings.SESSION_COOKIE_NAME if cookie == "sessionid" else "messages"
    client.cookies[name] = "anything"

    response = client.get(reverse("events:list"))

    assert not _served_early(response)


def test_a_signed_in_person_is_never_answered_from_the_cache(client, roles):
    EventFactory(title="Workshop on smart welding")
    Client().get(reverse("events:list"))
    client.force_login(roles["participant"])

    response = client.get(reverse("events:list"))

    assert not _served_early(response)
    assert "no-store" in response["Cache-Control"]


def test_a_control_character_is_refused_even_for_a_public_page(client):
    InstitutionFactory(name="Battambang Polytechnic Institute")
    client.get(reverse("institutions:list"))

    response = client.get(reverse("institutions:list") + "?q=poly%00technic")
    path = client.get(reverse("institutions:list") + "%01/")

    assert response.status_code == 400
    assert path.status_code in (400, 404)


def test_pages_not_marked_public_are_not_looked_up(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert not _served_early(response)


# --- What moves the version on --------------------------------------------------------------


def _stored_page_is_served(url: str, event: Event) -> bool:
    """Whether ``url`` still answers the page stored before ``event``'s title changed unseen."""
    Event.objects.filter(pk=event.pk).update(title="Changed without a signal")  # sends no signal
    return "Changed without a signal" not in Client().get(url).content.decode()


def test_signing_in_keeps_the_stored_public_pages(client):
    event = EventFactory(title="Workshop on smart welding")
    user = UserFactory(verified_email=True)
    Client().get(reverse("home"))
    version = cache.get(VERSION_KEY)
    kept("something", lambda: "computed before")

    signed_in = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    user.refresh_from_db()

    assert signed_in.status_code == 302
    assert user.last_login is not None
    assert cache.get(VERSION_KEY) == version
    assert kept("something", lambda: "computed again") == "computed before"
    assert _stored_page_is_served(reverse("home"), event)


def test_a_person_s_own_settings_and_lists_keep_the_stored_public_pages(roles):
    event = EventFactory(title="Workshop on smart welding")
    participant = roles["participant"]
    earlier = MeetingRequestFactory(status=MeetingRequest.Status.DECLINED)
    Client().get(reverse("home"))
    version = cache.get(VERSION_KEY)

    user_language_set(user=participant, language="zh-hans")
    ShortlistEntryFactory(user=participant, institution=roles.institution_b)
    MeetingRequestFactory(session=earlier.session, requester=earlier.recipient, recipient=earlier.requester)

    assert cache.get(VERSION_KEY) == version
    assert _stored_page_is_served(reverse("home"), event)


def test_a_meeting_request_keeps_the_stored_public_pages_but_not_the_kept_values():
    """A dashboard's kept figures count requests, which no public page shows."""
    event = EventFactory(title="Workshop on smart welding")
    earlier = MeetingRequestFactory(status=MeetingRequest.Status.DECLINED)
    Client().get(reverse("home"))
    version = cache.get(VERSION_KEY)
    kept("requests", lambda: "counted before")

    MeetingRequestFactory(session=earlier.session, requester=earlier.recipient, recipient=earlier.requester)

    assert cache.get(VERSION_KEY) == version
    assert _stored_page_is_served(reverse("home"), event)
    assert kept("requests", lambda: "counted again") == "counted again"


def test_a_name_shown_on_a_public_page_is_fresh_after_it_changes(client, public_mou):
    author = UserFactory(display_name="Dr. Sok Dara")
    MilestoneFactory(
        mou=public_mou,
        kind=Milestone.Kind.ACTIVITY,
        title="Teacher exchange",
        recorded_by=author,
        completed_on="2026-01-10",
    )
    url = reverse("mous:detail", args=[public_mou.pk])
    before = client.get(url).content.decode()

    author.display_name = "Dr. Chan Vuthy"
    author.save(update_fields=["display_name"])
    after = client.get(url).content.decode()

    assert "Dr. Sok Dara" in before
    assert "Dr. Chan Vuthy" in after


def test_the_tokens_put_into_stored_pages_are_django_s_csrf_tokens():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
    from django.test import RequestFactory

    from core.pagecache import _random_string, csrf_token

    request = RequestFactory().get("/")
    token = csrf_token(request)
    secret = request.META["CSRF_COOKIE"]
    again = csrf_token(request)

    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert (len(token), len(secret)) == (64, 32)
    assert set(token + secret) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert again != token
    assert _unmask_cipher_token(again) == secret
    # Every character can be drawn.
    assert set("".join(_random_string(32) for _ in range(200))) == set(CSRF_ALLOWED_CHARS)


def _page_keys() -> list[str]:
    return [key.split(":", 2)[-1] for key, value in _entries() if ":pagecache:page:" in key]


def test_a_process_serves_its_own_copy_while_the_version_holds_and_never_after(client):
    event = EventFactory(title="Workshop on smart welding")
    url = reverse("events:detail", args=[event.slug])
    Client().get(url)
    Event.objects.filter(pk=event.pk).update(title="Changed without a signal")  # sends no signal
    cache.delete_many(_page_keys())  # Redis evicted the entry: this process still holds a copy

    assert "Workshop on smart welding" in Client().get(url).content.decode()

    # Another process saves something: the version moves on in the shared cache alone.
    cache.set(VERSION_KEY, "moved on by another process", None)

    assert "Changed without a signal" in Client().get(url).content.decode()


def test_a_copy_expires_with_its_entry(settings):
    event = EventFactory(title="Workshop on smart welding")
    url = reverse("events:detail", args=[event.slug])
    settings.PAGE_CACHE_SECONDS = 0  # entries expire as soon as they are stored
    Client().get(url)
    Event.objects.filter(pk=event.pk).update(title="Changed without a signal")

    assert "Changed without a signal" in Client().get(url).content.decode()


def test_copies_are_bounded_least_recently_used_first(settings):
    from core.pagecache import LocalCopies

    settings.PAGE_CACHE_LOCAL_CHARS = 450  # an entry may take a quarter: 112 characters
    copies = LocalCopies()
    expires = time.time() + 60
    for name in "abcd":
        copies.put(name, {"version": 1, "content": "x" * 100, "expires": expires})
    copies.get("a", 1)  # a is used again: b is now the least recently used
    copies.put("e", {"version": 1, "content": "x" * 100, "expires": expires})  # 500: b goes

    assert copies.get("b", 1) is None
    assert [copies.get(name, 1) is not None for name in "acde"] == [True, True, True, True]
    assert copies.get("a", 2) is None  # another version: dropped
    assert copies.get("a", 1) is None
    copies.put("huge", {"version": 1, "content": "x" * 113, "expires": expires})  # over a quarter
    assert copies.get("huge", 1) is None
