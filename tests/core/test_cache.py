"""The Redis cache backend of production (core.cache): Django's, with its Redis client reused."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")


@pytest.fixture
def redis_cache():
    backend = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-core-cache"})
    yield backend
    backend.clear()


def test_it_is_django_s_backend_and_stores_what_django_s_stores(redis_cache):
    redis_cache.set("page", {"content": "<html>", "version": "1"}, 30)
    redis_cache.set_many({"a": 1, "b": [2]}, 30)
    redis_cache.add("counter", 1, 30)
    redis_cache.incr("counter")
    redis_cache.delete("b")

    assert isinstance(redis_cache, DjangoRedisCache)
    assert redis_cache.get("page") == {"content": "<html>", "version": "1"}
    assert redis_cache.get_many(["a", "b", "counter"]) == {"a": 1, "counter": 2}
    assert redis_cache.touch("a", 60)


def test_one_redis_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client("a")  # noqa: SLF001 -- what the backend reuses
    redis_cache.get("a")
    redis_cache.set("a", 1)

    assert redis_cache._cache.get_client("b", write=True) is client  # noqa: SLF001
