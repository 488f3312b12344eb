"""Sodan's Redis cache backend: Django's, with one client kept per connection pool."""

import socket

import pytest

from community.cache import RedisCache


def _redis_url() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/11"
    except OSError:
        pass
    return None


@pytest.fixture
def redis_cache():
    url = _redis_url()
    if url is None:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    cache = RedisCache(url, {"KEY_PREFIX": "sodan-test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_round_trip_and_many_come_in_one_call(redis_cache):
    page = ("a1:b2", ("a-slug", "ページ <p>".encode() * 1000))
    redis_cache.set("page", page, 60)
    redis_cache.set("version", "a1", None)
    assert redis_cache.get_many(["page", "version", "missing"]) == {
        "page": page,
        "version": "a1",
    }
    assert redis_cache.add("version", "other") is False


def test_one_client_serves_every_call(redis_cache):
    redis_cache.get("anything")
    client = redis_cache._cache.get_client()
    redis_cache.set("key", 1)
    assert redis_cache._cache.get_client() is client


def test_keys_are_not_checked_against_memcached_rules(redis_cache):
    # Django checks every key character by character and warns about what memcached
    # would refuse; Redis takes any key, and the check cost more than a cache hit.
    import warnings

    key = "sodan:page:thread:1:ja:support.example.com " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        redis_cache.set(key, "kept")
        assert redis_cache.get(key) == "kept"
