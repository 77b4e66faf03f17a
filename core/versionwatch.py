"""Version keys read once per process and kept current by Redis's own invalidation messages.

Every stored public page and shared section is checked against a version (``core.pagecache``)
on each request. Reading it from Redis is a round trip per request: a context switch to
Redis and back on a busy two-core server, more than the rest of a stored page's answer.
Redis tells a client which keys it has read have changed ("client-side caching", the
``CLIENT TRACKING`` command, RESP3 push messages): each process keeps one connection with
tracking on, reads a version key over it once, and keeps the value until Redis sends its
invalidation. Checking for pending invalidations is a ``poll()`` of that connection's socket,
with no round trip.

Freshness is that of the Redis entry itself: Redis queues the invalidation for this
connection while it executes the write, before it answers the writer, so a request that
starts after a save has returned finds the invalidation waiting (on one host, already in the
socket's buffer). After a write of its own, the process forgets what it knew and reads again
over the same connection, which cannot overtake the invalidation. A lost connection, an
error or a Redis that cannot track (any before 6.0) fall back to a plain read each time; a
``FLUSHDB`` or ``FLUSHALL`` forgets everything.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

UNKNOWN = object()
# Seconds during which versions are read directly after the tracking connection failed.
RETRY_SECONDS = 30


class VersionWatch:
    def __init__(self):
        self._lock = threading.Lock()
        self._values: dict[bytes, object] = {}
        self._connection = None
        self._connection_client = None
        self._poll = None
        self._pid = None
        # After a failure, no new tracking connection is tried before this time.
        self._retry_at = 0.0

    def get(self, key: str):
        """The value of the cache key ``key`` (as ``cache.get`` returns it), or None if unset."""
        value = self._watched(key)
        return cache.get(key) if value is UNKNOWN else value

    def forget(self) -> None:
        """Read every key again on its next use (after this process has written one)."""
        with self._lock:
            self._values.clear()

    def reset(self) -> None:
        """Close the tracking connection and try a new one at the next read, even after a failure."""
        with self._lock:
            self._reset()
            self._retry_at = 0.0

    def _watched(self, key: str):
        client = _redis_client()
        if client is None:
            return UNKNOWN
        made_key = cache.make_and_validate_key(key).encode()
        with self._lock:
            try:
                connection = self._connected(client)
                if connection is None:
                    return UNKNOWN
                while self._poll.poll(0):
                    connection.read_response(push_request=True, timeout=0, disconnect_on_error=False)
                if made_key in self._values:
                    return self._values[made_key]
                connection.send_command("GET", made_key)
                raw = connection.read_response()
            except Exception:  # any failure: read directly, and try tracking again in a while
                logger.warning("Version keys are read without tracking for %s s", RETRY_SECONDS, exc_info=True)
                self._reset()
                self._retry_at = time.monotonic() + RETRY_SECONDS
                return UNKNOWN
            value = None if raw is None else cache._cache._serializer.loads(raw)  # noqa: SLF001 -- Django's own decoding
            self._values[made_key] = value
            return value

    def _connected(self, client):
        if self._connection is not None and self._connection_client is not client:
            self._reset()  # the cache was configured anew (tests)
        if self._pid != os.getpid():  # a forked worker: never share the parent's socket
            self._connection = None
            self._values.clear()
            self._pid = os.getpid()
            self._retry_at = 0.0
        if self._connection is None:
            if time.monotonic() < self._retry_at:
                return None
            connection = client.connection_pool.make_connection()
            connection.connect()
            connection._parser.set_invalidation_push_handler(self._invalidated)  # noqa: SLF001
            connection.send_command("CLIENT", "TRACKING", "ON")
            connection.read_response()
            poll = select.poll()
            poll.register(connection._sock, select.POLLIN | select.POLLERR | select.POLLHUP)  # noqa: SLF001
            self._connection, self._poll, self._connection_client = connection, poll, client
            self._values.clear()
        return self._connection

    def _invalidated(self, message) -> None:
        keys = message[1]
        if keys is None:
            self._values.clear()
        else:
            for key in keys:
                self._values.pop(key, None)

    def _reset(self) -> None:
        connection, self._connection, self._poll = self._connection, None, None
        self._values.clear()
        if connection is not None:
            with contextlib.suppress(Exception):  # already failed; nothing more to do
                connection.disconnect()


def _redis_client():
    """A RESP3 client on the cache's Redis, or None when the cache is not Redis (tests, DEBUG)."""
    global _client
    backend = getattr(cache, "_cache", None)
    if _client[0] is not backend:
        servers = getattr(backend, "_servers", None)
        if getattr(backend, "_pool_options", None) is None or not servers:
            _client = (backend, None)
        else:
            import redis

            _client = (backend, redis.Redis.from_url(servers[0], protocol=3))
    return _client[1]


_client: tuple = (UNKNOWN, None)
versions = VersionWatch()
