"""Version keys kept current by Redis's invalidation messages (core.versionwatch), on a real Redis."""

import os
import time
from urllib.parse import urlsplit

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.pagecache import local_copies, lookup_copied
from core.versionwatch import versions
from tests.factories import EventFactory


def _own_database(url: str) -> str:
    """The same Redis server, another database: these tests flush theirs while others run."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(number + 8) % 16}").geturl()


REDIS_URL = _own_database(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL", "").startswith("redis://") else ""

# Needs a Redis server on TCP (CI and `make test` with REDIS_URL set); the embedded Valkey of
# `make test` alone listens on a Unix socket, where the same code runs but these tests do not.
pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server at a redis:// REDIS_URL"),
    pytest.mark.xdist_group("versionwatch"),
]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "versionwatch-test"}
    }
    cache.clear()
    versions.reset()  # a connection killed by an earlier test is not waited for
    local_copies.clear()
    yield cache
    cache.clear()
    local_copies.clear()


@pytest.fixture
def another_process():
    """A separate connection to the same Redis, as another web process would write."""
    client = redis.Redis.from_url(REDIS_URL)
    yield lambda key, value: client.set(cache.make_and_validate_key(key), value)
    client.close()


def _commands_sent(monkeypatch) -> list:
    sent = []
    connection = versions._connection  # noqa: SLF001 -- the test watches the tracking connection
    original = connection.send_command
    monkeypatch.setattr(
        connection, "send_command", lambda *args, **kwargs: (sent.append(args), original(*args, **kwargs))
    )
    return sent


def test_a_version_is_read_once_then_known_until_another_process_changes_it(redis_cache, another_process, monkeypatch):
    cache.set("some-version", "1", None)
    assert versions.get("some-version") == "1"
    sent = _commands_sent(monkeypatch)

    assert [versions.get("some-version") for _ in range(5)] == ["1"] * 5
    assert sent == []  # no round trip

    another_process("some-version", 2)  # stored as Django stores an integer

    assert versions.get("some-version") == 2
    assert len(sent) == 1


def test_a_flush_forgets_every_version(redis_cache):
    cache.set("some-version", "1", None)
    assert versions.get("some-version") == "1"

    redis.Redis.from_url(REDIS_URL).flushdb()

    assert versions.get("some-version") is None


def test_a_lost_connection_falls_back_to_plain_reads(redis_cache, another_process):
    cache.set("some-version", "1", None)
    assert versions.get("some-version") == "1"
    host, port = versions._connection._sock.getsockname()[:2]  # noqa: SLF001 -- the tracking connection
    redis.Redis.from_url(REDIS_URL).client_kill(f"{host}:{port}")  # Redis restarts, say

    another_process("some-version", 3)

    assert versions.get("some-version") == 3
    assert versions._connection is None  # noqa: SLF001 -- tracking waits before it tries again


def test_a_copied_entry_is_served_until_another_process_moves_its_version(redis_cache, another_process, monkeypatch):
    # A version key of the test's own: nothing else in this process (a live server's thread,
    # say) can move it while the test runs, as any save can move the public pages' one.
    version_key = "versionwatch-test:version"
    cache.set(version_key, "1", None)
    entry = {"version": "1", "content": "<p>Workshop on smart welding</p>", "expires": time.time() + 60}
    cache.set("versionwatch-test:page", entry, 60)
    assert lookup_copied("versionwatch-test:page", version_key) == ("1", entry)  # read, then copied
    sent = _commands_sent(monkeypatch)
    cache.delete("versionwatch-test:page")  # Redis evicted it: the process still holds its copy

    assert lookup_copied("versionwatch-test:page", version_key) == ("1", entry)
    assert sent == []  # neither the version nor the page was read from Redis

    another_process(version_key, 2)

    assert lookup_copied("versionwatch-test:page", version_key) == (2, None)


def test_an_edit_in_this_process_shows_on_the_next_request(redis_cache, db):
    event = EventFactory(title="Workshop on smart welding")
    url = reverse("events:detail", args=[event.slug])
    Client().get(url)

    event.title = "Summit on green skills"
    event.save()

    assert "Summit on green skills" in Client().get(url).content.decode()
