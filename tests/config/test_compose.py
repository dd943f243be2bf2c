"""The scale-out stack keeps the design's invariants. `docker compose config` checks the syntax where the
docker compose CLI exists (make test runs it); these checks run everywhere."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_stack_has_its_services():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat"}


def test_exactly_one_beat():
    assert SERVICES["beat"]["deploy"]["replicas"] == 1
    assert "beat" in SERVICES["beat"]["command"]
    assert not any(
        "--beat" in service.get("command", []) or "-B" in service.get("command", [])
        for service in SERVICES.values()
    )


def test_redis_keeps_an_append_only_file():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


def test_long_running_services_have_health_checks():
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in SERVICES[name], name


def test_app_services_wait_for_migrations_and_use_postgres_and_redis():
    for name in ("web", "worker", "beat"):
        service = SERVICES[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://")
        assert service["environment"]["DEBUG"] == "false"


def test_the_settings_in_env_reach_the_processes_and_the_proxy_in_front_is_trusted():
    portal = SERVICES["web"]
    assert {"path": ".env", "required": False} in portal["env_file"]
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["environment"]["PROXY_COUNT"] == "${PROXY_COUNT:-1}"


def test_gunicorn_is_published_to_the_proxy_on_this_host_only():
    # X-Forwarded-For is trusted as far as PROXY_COUNT says: a client reaching gunicorn directly would write it.
    assert all(port.startswith("127.0.0.1:") for port in SERVICES["web"]["ports"])
