"""The one settings module. Every deployment differs only in environment variables (see README, "Configuration").

Embedded default (make run): SQLite in WAL mode, Celery on the filesystem broker, files under DATA_DIR.
Scale-out (docker compose): PostgreSQL, Redis, the same code. A malformed variable stops start-up with a
message naming it (config/env.py).
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import (
    env_bool,
    env_broker,
    env_cache,
    env_database,
    env_email,
    env_int,
    env_list,
    env_path,
    env_quiet_hours,
    env_reminders,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("DATA_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is not set. It is required when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - only ever used with DEBUG on
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "guardian",
    # floor 0
    "agencies",
    # floor 1
    "deadlines",
    "documents",
    "audit",
    "notifications",
    # floor 2
    "cases",
    "meetings",
    "inspections",
    "credit",
    "sharing",
    # floor 3
    "dashboards",
    "portal",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.query_string.DropNulCookiesMiddleware",  # before the session key is looked up
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PublicPostSizeMiddleware",  # refuses too large a post before the CSRF check reads it
    "agencies.middleware.CurrentAgencyMiddleware",
    "config.query_string.RefuseNulInQueryMiddleware",  # after the user and agency, which its 400 page shows
    "audit.middleware.RequestIdMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.not_allowed.StepAddressMiddleware",  # a step's address opened as a page: a page that says so
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.current_agency",
                "deadlines.context_processors.calendar_warning",
                "notifications.context_processors.unread_count",
                "dashboards.context_processors.board_link",
                "config.context_processors.lockout_rule",
                "config.context_processors.return_path",
            ],
        },
    },
]

# Database --------------------------------------------------------------------------------------------------

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, IMMEDIATE takes the write
    # lock at BEGIN (so two writers queue instead of failing half-way) and the timeout makes them wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Pages run short queries; PostgreSQL's JIT compiler costs a second on a plan it misjudges as large (the case
    # list over a million referrals, bench/cases.py) and never pays back here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication and sessions (等保 8.1.4.1: complexity, lock-out, idle timeout) -----------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "agencies.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the 30-minute window restarts on every request and the cookie dies with the browser.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
# Lock the account, not the address: 等保 counts failures per account, and an address is easy to change.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to add the address too; a whole agency behind one NAT address would then lock itself out after
# five typos across its staff (docs/adr/0003-login-lockout-per-account.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The covering indexes (INCLUDE columns) serve PostgreSQL's board and list queries; SQLite builds them without
    # the extra columns, which is all the embedded default needs, and the warning only alarmed whoever ran make run.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = (
    "config.client_ip.client_ip"  # trusts X-Forwarded-For only as far as PROXY_COUNT says
)

# django-guardian holds only explicit per-object grants; agency rules are relational (see visible_to).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Internationalisation ----------------------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
FORMAT_MODULE_PATH = ["config.formats"]  # amounts grouped by thousands in Chinese too (config/formats)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static and uploaded files -----------------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", DATA_DIR / "staticfiles")
MEDIA_ROOT = env_path("MEDIA_ROOT", DATA_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Evidence uploads larger than this are refused (cases/evidence.py); the default is 50 MB.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 50, minimum=1) * 1024 * 1024
# Online complaints from one address per clock hour (the public channel needs no login).
ONLINE_COMPLAINTS_PER_HOUR = env_int("ONLINE_COMPLAINTS_PER_HOUR", 5, minimum=1)
# Days an online complaint keeps the address it came from (for abuse enquiries), then it is forgotten.
COMPLAINT_ADDRESS_DAYS = env_int("COMPLAINT_ADDRESS_DAYS", 30, minimum=1)
# Stored files (documents, evidence) are never rewritten: read-only from the moment they are written.
FILE_UPLOAD_PERMISSIONS = 0o440

# Email -------------------------------------------------------------------------------------------------------

globals().update(env_email("EMAIL_URL", "console://"))

# Cache ---------------------------------------------------------------------------------------------------------

# Holds the public credit check's limit (credit/limits.py): per process by default, shared with Redis.
CACHES = env_cache("CACHE_URL", "locmem://")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@portal.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Official documents ----------------------------------------------------------------------------------------

# The address printed under each document's QR code, where anyone can verify it (the public portal).
PORTAL_BASE_URL = env_url("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Deadlines and notifications --------------------------------------------------------------------------------

# Reminders to the acting agency: working days before the due day, and the time of day.
DEADLINE_REMINDERS = env_reminders("DEADLINE_REMINDERS", "1@09:00,0@08:30")
# A clock still overdue this many working days after its due day is escalated a second time.
DEADLINE_SECOND_ESCALATION_WORKING_DAYS = env_int("DEADLINE_SECOND_ESCALATION_WORKING_DAYS", 3, minimum=1)
# Messages that fall due in these hours wait until the end of the period.
NOTIFICATION_QUIET_HOURS = env_quiet_hours("NOTIFICATION_QUIET_HOURS", "22:00-07:00")
NOTIFICATION_EMAIL_MAX_ATTEMPTS = 6

# Audit log ---------------------------------------------------------------------------------------------------

# Checkpoints of the audit chain (its last sequence and hash, every 10 minutes) are appended here, outside the
# database, so that a rewritten tail is found. Point it at storage that the database's users cannot write
# (docs/adr/0007-audit-log.md).
AUDIT_CHECKPOINT_DIR = env_path("AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")

# Celery ------------------------------------------------------------------------------------------------------

CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL", "filesystem://")
# kombu's filesystem transport with each message written whole before the worker can see it (config/broker.py).
CELERY_BROKER_TRANSPORT = "config.broker:Transport" if CELERY_BROKER_URL.startswith("filesystem:") else None
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(DATA_DIR / "broker" / "queue"),
        "data_folder_out": str(DATA_DIR / "broker" / "queue"),
        "control_folder": str(DATA_DIR / "broker" / "control"),
        "processed_folder": str(DATA_DIR / "broker" / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem:")
    # kombu hands redis-py no socket timeouts (None: wait for ever, where redis-py's own default is 5 s). On a Redis
    # that takes connections and answers nothing (hung, paused, packets dropped) a request that queues a render
    # would then hang after its transaction committed, until gunicorn killed it: with these it gives up in seconds
    # and the minute pass renders the document (documents.services.queue_render).
    else {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Security (check --deploy is clean when DEBUG is off) -------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP inside the network
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Axes announces itself at INFO on every start (lock-outs come at WARNING and stay visible); WeasyPrint logs
    # every layout step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
