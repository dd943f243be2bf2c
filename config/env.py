"""Read settings from the environment and fail loudly, naming the variable, when a value is malformed.

Small on purpose (healthchecks' envbool/envint): every helper either returns a valid value or raises
ImproperlyConfigured with the variable's name, what was wrong and an example of a valid value.
"""

import os
import zoneinfo
from datetime import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _bad(name: str, value: str, why: str, example: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Environment variable {name}={value!r} is invalid: {why}. Example: {example}"
    )


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise _bad(name, value, "expected a yes/no value", f"{name}=true or {name}=false")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise _bad(name, value, "expected a whole number", f"{name}={default}") from None
    if number < minimum:
        raise _bad(name, value, f"must be at least {minimum}", f"{name}={default}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    if not value:
        return default
    path = Path(value)
    if not path.is_absolute():
        raise _bad(name, value, "expected an absolute path", f"{name}=/srv/portal/media")
    return path


def env_timezone(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _bad(name, value, "not a known IANA time zone", f"{name}=Asia/Shanghai") from None
    return value


SUPPORTED_DATABASES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def env_database(name: str, default: str) -> dict:
    """Parse a database URL; only SQLite (embedded default) and PostgreSQL (scale-out, tests) are supported."""
    value = os.environ.get(name) or default
    example = f"{name}=postgres://portal:secret@db:5432/portal or {name}=sqlite:////srv/portal/portal.sqlite3"
    try:
        config = dj_database_url.parse(value)
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise _bad(name, value, f"not a database URL ({error.__class__.__name__})", example) from None
    if config["ENGINE"] not in SUPPORTED_DATABASES:
        raise _bad(name, value, "only postgres:// and sqlite:// are supported", example)
    if not config["NAME"]:
        raise _bad(name, value, "the URL names no database", example)
    return config


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}


def env_email(name: str, default: str) -> dict:
    """Parse EMAIL_URL into Django's EMAIL_* settings.

    smtp://user:password@host:25, smtp+tls://…:587 (STARTTLS), smtp+ssl://…:465, console://, file:///dir.
    """
    value = os.environ.get(name) or default
    example = f"{name}=smtp+tls://user:password@mail.example.gov.cn:587 or {name}=console://"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise _bad(name, value, "not a URL", example) from None
    backend = EMAIL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise _bad(
            name, value, f"unknown scheme {parts.scheme!r}; use one of {', '.join(EMAIL_BACKENDS)}", example
        )
    config = {"EMAIL_BACKEND": backend}
    if parts.scheme.startswith("smtp"):
        if not parts.hostname:
            raise _bad(name, value, "an SMTP URL needs a host", example)
        config |= {
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[parts.scheme],
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        }
    if parts.scheme == "file":
        if not parts.path:
            raise _bad(name, value, "a file URL needs a directory", example)
        config["EMAIL_FILE_PATH"] = parts.path
    return config


BROKER_SCHEMES = {"filesystem", "redis", "rediss"}


def env_broker(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    scheme = urlsplit(value).scheme
    if scheme not in BROKER_SCHEMES:
        raise _bad(
            name,
            value,
            f"unsupported broker {scheme!r}; use filesystem:// or redis://",
            f"{name}=redis://redis:6379/0",
        )
    return value


def env_cache(name: str, default: str) -> dict:
    """Django's CACHES from a URL: locmem:// (each process its own), or a Redis server as redis://host:6379/1,
    rediss:// or unix:///path/redis.sock (shared by every process, so that a limit kept in the cache holds across
    gunicorn workers)."""
    value = os.environ.get(name) or default
    scheme = urlsplit(value).scheme
    if scheme == "locmem":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if scheme in {"redis", "rediss", "unix"}:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}}
    raise _bad(
        name,
        value,
        f"unsupported cache {scheme!r}; use locmem:// or redis://",
        f"{name}=redis://redis:6379/1",
    )


def _clock(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def env_quiet_hours(name: str, default: str) -> tuple[time, time]:
    """A daily quiet period such as 22:00-07:00 (it may wrap past midnight)."""
    value = os.environ.get(name) or default
    try:
        start, end = (_clock(part) for part in value.split("-"))
    except ValueError:
        raise _bad(name, value, "expected HH:MM-HH:MM", f"{name}=22:00-07:00") from None
    return start, end


def env_reminders(name: str, default: str) -> list[tuple[int, time]]:
    """Reminder offsets as working days before the due day and a time, e.g. 1@09:00,0@08:30."""
    value = os.environ.get(name) or default
    try:
        reminders = [(int(days), _clock(at)) for days, at in (item.split("@") for item in value.split(","))]
    except ValueError:
        raise _bad(name, value, "expected DAYS@HH:MM, comma-separated", f"{name}=1@09:00,0@08:30") from None
    if any(days < 0 for days, _ in reminders):
        raise _bad(name, value, "days before the due day cannot be negative", f"{name}=1@09:00,0@08:30")
    return reminders


def env_url(name: str, default: str) -> str:
    """An absolute http(s) URL, such as the portal's public address."""
    value = os.environ.get(name) or default
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _bad(
            name, value, "expected an absolute http(s) address", f"{name}=https://portal.example.gov.cn"
        )
    return value
