"""Malformed configuration stops start-up with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("helper", "name", "value"),
    [
        (lambda: env.env_database("DATABASE_URL", ""), "DATABASE_URL", "postgres//db/portal"),
        (lambda: env.env_database("DATABASE_URL", ""), "DATABASE_URL", "mysql://db/portal"),
        (lambda: env.env_database("DATABASE_URL", ""), "DATABASE_URL", "postgres://db:port/portal"),
        (lambda: env.env_database("DATABASE_URL", ""), "DATABASE_URL", "postgres://db:5432/"),
        (lambda: env.env_bool("DEBUG", False), "DEBUG", "maybe"),
        (lambda: env.env_int("SECURE_HSTS_SECONDS", 0), "SECURE_HSTS_SECONDS", "a year"),
        (lambda: env.env_timezone("TIME_ZONE", "Asia/Shanghai"), "TIME_ZONE", "Mars/Olympus"),
        (lambda: env.env_email("EMAIL_URL", "console://"), "EMAIL_URL", "pigeon://loft"),
        (lambda: env.env_email("EMAIL_URL", "console://"), "EMAIL_URL", "smtp://:25"),
        (lambda: env.env_broker("CELERY_BROKER_URL", "filesystem://"), "CELERY_BROKER_URL", "amqp://rabbit"),
        (lambda: env.env_path("MEDIA_ROOT", Path("/tmp")), "MEDIA_ROOT", "relative/media"),
        (
            lambda: env.env_quiet_hours("NOTIFICATION_QUIET_HOURS", "22:00-07:00"),
            "NOTIFICATION_QUIET_HOURS",
            "late",
        ),
        (
            lambda: env.env_quiet_hours("NOTIFICATION_QUIET_HOURS", "22:00-07:00"),
            "NOTIFICATION_QUIET_HOURS",
            "25:00-07:00",
        ),
        (lambda: env.env_reminders("DEADLINE_REMINDERS", "1@09:00"), "DEADLINE_REMINDERS", "1 day before"),
        (lambda: env.env_reminders("DEADLINE_REMINDERS", "1@09:00"), "DEADLINE_REMINDERS", "-1@09:00"),
    ],
)
def test_malformed_value_names_the_variable(monkeypatch, helper, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=f"{name}=") as error:
        helper()
    assert "Example:" in str(error.value)


def test_database_urls_for_both_supported_engines(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal:s%40cret@db:5432/portal")
    config = env.env_database("DATABASE_URL", "")
    assert (config["ENGINE"], config["HOST"], config["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "db",
        "s@cret",
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/portal/portal.sqlite3")
    assert env.env_database("DATABASE_URL", "")["NAME"] == "/srv/portal/portal.sqlite3"


def test_email_url_with_starttls(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://notice%40example.gov.cn:pw@mail.example.gov.cn")
    config = env.env_email("EMAIL_URL", "console://")
    assert config["EMAIL_HOST"] == "mail.example.gov.cn"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "notice@example.gov.cn"
    assert config["EMAIL_USE_TLS"] is True


def run_check(**environment):
    clean = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean | environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_up_stops_on_a_malformed_database_url():
    result = run_check(DEBUG="true", DATABASE_URL="postgresql//portal@db/portal")
    assert result.returncode != 0
    assert "DATABASE_URL='postgresql//portal@db/portal' is invalid" in result.stderr


def test_start_up_requires_a_secret_key_in_production():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_time_zone_defaults_to_shanghai(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_reminders_and_quiet_hours(monkeypatch):
    from datetime import time

    monkeypatch.setenv("DEADLINE_REMINDERS", "2@09:00, 0@08:30")
    assert env.env_reminders("DEADLINE_REMINDERS", "") == [(2, time(9, 0)), (0, time(8, 30))]
    monkeypatch.setenv("NOTIFICATION_QUIET_HOURS", "21:30-06:45")
    assert env.env_quiet_hours("NOTIFICATION_QUIET_HOURS", "") == (time(21, 30), time(6, 45))
