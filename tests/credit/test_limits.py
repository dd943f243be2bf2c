"""The public check's limit in a shared cache: a real Redis server, started for the test, as CACHE_URL gives it in
the compose stack."""

import shutil
import subprocess
import time

import pytest
from django.core.cache import CacheHandler

from config.env import env_cache
from credit import limits


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: make test installs it (Debian's redis-server)"
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def web_process(monkeypatch, url):
    """The cache as one gunicorn worker has it from CACHE_URL: its own connection to the server."""
    monkeypatch.setenv("CACHE_URL", url)
    return CacheHandler(env_cache("CACHE_URL", "locmem://"))["default"]


@pytest.mark.usefixtures("start_of_an_hour")
def test_the_limit_is_shared_by_every_web_process(monkeypatch, redis_url):
    first, second = web_process(monkeypatch, redis_url), web_process(monkeypatch, redis_url)
    monkeypatch.setattr(limits, "cache", first)
    assert all(limits.take_check_place("203.0.113.9") for _ in range(limits.CHECKS_PER_MINUTE))
    monkeypatch.setattr(limits, "cache", second)
    assert not limits.take_check_place("203.0.113.9")
    assert limits.take_check_place("203.0.113.10")


def test_a_cache_outage_lets_the_check_through_and_says_so(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(limits, "cache", web_process(monkeypatch, f"unix://{tmp_path}/nothing-here.sock"))
    assert limits.take_check_place("203.0.113.9")
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
