"""The public check's limit in a shared cache: a real Redis server, started for the test, as CACHE_URL gives it in
the compose stack."""

import pytest
from django.core.cache import CacheHandler

from config.env import env_cache
from credit import limits
from tests.servers import finishes_within, redis_server


@pytest.fixture
def redis(tmp_path):
    with redis_server(tmp_path) as server:
        yield server


def web_process(monkeypatch, url):
    """The cache as one gunicorn worker has it from CACHE_URL: its own connection to the server."""
    monkeypatch.setenv("CACHE_URL", url)
    return CacheHandler(env_cache("CACHE_URL", "locmem://"))["default"]


@pytest.mark.usefixtures("start_of_an_hour")
def test_the_limit_is_shared_by_every_web_process(monkeypatch, redis):
    first, second = web_process(monkeypatch, redis.url), web_process(monkeypatch, redis.url)
    monkeypatch.setattr(limits, "cache", first)
    assert all(limits.take_check_place("203.0.113.9") for _ in range(limits.CHECKS_PER_MINUTE))
    monkeypatch.setattr(limits, "cache", second)
    assert not limits.take_check_place("203.0.113.9")
    assert limits.take_check_place("203.0.113.10")


def test_a_cache_outage_lets_the_check_through_and_says_so(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(limits, "cache", web_process(monkeypatch, f"unix://{tmp_path}/nothing-here.sock"))
    assert limits.take_check_place("203.0.113.9")
    assert "cache is unreachable" in caplog.text


def test_a_frozen_cache_lets_the_check_through_in_seconds(monkeypatch, redis, caplog):
    """A Redis that takes connections and answers nothing (a hung host) fails the count within its socket timeout,
    instead of holding the visitor's request until gunicorn kills it."""
    monkeypatch.setattr(limits, "cache", web_process(monkeypatch, redis.url))
    with redis.frozen():
        assert finishes_within(60, lambda: limits.take_check_place("203.0.113.9")) is True
    assert "cache is unreachable" in caplog.text


def test_cache_url_takes_locmem_and_redis_and_names_what_else_it_wants(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    assert env_cache("CACHE_URL", "locmem://")["default"]["BACKEND"].endswith("LocMemCache")
    monkeypatch.setenv("CACHE_URL", "redis://redis:6379/1")
    assert env_cache("CACHE_URL", "locmem://")["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis:6379/1",
    }
    monkeypatch.setenv("CACHE_URL", "memcached://x")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL=redis://redis:6379/1"):
        env_cache("CACHE_URL", "locmem://")
