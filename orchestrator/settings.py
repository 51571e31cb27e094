"""Django settings. Everything that differs between machines comes from the environment:

DATABASE_URL      PostgreSQL URL; unset → embedded SQLite in var/ (WAL mode)
REDIS_URL         Redis URL for the Celery broker and the channel layer; unset → a broker in
                  var/broker that needs no server, and an in-process channel layer
BATON_SECRET_KEY  Django secret key; unset → one generated into var/secret_key
BATON_AUTH        "off" runs the API without authentication
BATON_DEBUG       "1" for Django debug pages
BATON_ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost
BATON_AMQP_URL    RabbitMQ for `amqp:<queue>` event handlers; default amqp://guest:guest@127.0.0.1:5672//
BATON_EVENT_CONSUMERS  "off": the Celery worker runs no event-handler consumers
BATON_VAR_DIR     where the embedded database, broker and secret live (default ./var)
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BATON_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "off", "false", "no", "")


def _secret_key() -> str:
    if os.environ.get("BATON_SECRET_KEY"):
        return os.environ["BATON_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("BATON_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("BATON_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("BATON_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "channels",
    "django_celery_beat",
    "orchestrator",
    "orchestrator.eventing",
    "orchestrator.schemas",
    "orchestrator.scheduler",
    "orchestrator.humantasks",
    "executions",
    "editor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "orchestrator.urls"
ASGI_APPLICATION = "orchestrator.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

# PostgreSQL binds parameters itself (server-side binding) instead of psycopg quoting them into
# the SQL text in Python, and prepares a statement once a connection has run it 5 times: the
# hot statements of a task hop are planned once per connection, not on every request
# (measured: hop p50 -6 to -19 %, PostgreSQL CPU per task about a third lower). Tests on PostgreSQL use the same.
BATON_PG_OPTIONS: dict[str, Any] = {"server_side_binding": True}

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(BATON_PG_OPTIONS)
    # Celery's prefork children must not inherit a pool (its sockets and threads do not survive
    # fork); they run one task at a time on one thread, so persistent connections serve them.
    _celery = "celery" in Path(sys.argv[0]).parts or Path(sys.argv[0]).name == "celery"
    if _celery:
        DATABASES["default"]["CONN_MAX_AGE"] = 600
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Under ASGI every request runs in a fresh thread, so thread-local persistent connections
        # are never reused; a process-wide pool is (measured: 1 new connection per task before).
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": int(os.environ.get("BATON_DB_POOL_SIZE", "16")),
            "timeout": 10,
        }
    EMBEDDED = False
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    EMBEDDED = True
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BATON_SQLITE_PATH", str(VAR_DIR / "baton.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN: on SQLite that lock is what
                # serialises deciders (there are no row locks), and it avoids upgrade deadlocks.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Everyone signs in at /login/ (orchestrator.accounts); the admin keeps its own staff-only login.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/inbox/"  # staff land on the overview instead (SignInView)
LOGOUT_REDIRECT_URL = "/login/"

REDIS_URL = os.environ.get("REDIS_URL")
CHANNEL_LAYER_READ_TIMEOUT = 30.0  # seconds; above channels_redis's 5 s blocking pop
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, as long as channels_redis's
            # blocking BZPOPMIN (5 s): an idle consumer then dies with "Timeout reading from
            # redis" and its websocket closes (1011) every ~5 s. A longer read timeout keeps idle
            # sockets open and still notices a dead Redis connection.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_READ_TIMEOUT}]},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control", "staging"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport, with messages renamed into the queue whole (see the module)
    CELERY_BROKER_TRANSPORT = "orchestrator.embedded_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "staging_folder": str(_broker_dir / "staging"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # The in-memory layer is per process: the websocket consumer falls back to reading the
    # event log by id, so live updates still arrive (see executions/consumers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

BATON: dict[str, Any] = {
    "AUTH": _flag("BATON_AUTH", True),
    "SWEEP_INTERVAL_SECONDS": int(os.environ.get("BATON_SWEEP_INTERVAL", "5")),
    "AMQP_URL": os.environ.get("BATON_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
    "EVENT_CONSUMERS": _flag("BATON_EVENT_CONSUMERS", True),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orchestrator.api.auth.TokenAuthentication",
        "orchestrator.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["orchestrator.api.auth.ApiPermission"],
    "DEFAULT_PARSER_CLASSES": ["orchestrator.api.parsing.TolerantJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "orchestrator.api.exceptions.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "orchestrator.api.parsing.IgnoreAcceptNegotiation",
    "UNAUTHENTICATED_USER": None,
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BATON_LOG_LEVEL", "WARNING")},
}
CELERY_BEAT_SCHEDULE = {
    "baton-sweeper": {"task": "orchestrator.tasks.sweep", "schedule": float(BATON["SWEEP_INTERVAL_SECONDS"])},
    # Human tasks' escalation steps; a step's `after` is minutes in practice, so the sweep tick
    # is precise enough.
    "baton-human-escalation": {"task": "orchestrator.tasks.escalate_human_tasks",
                               "schedule": float(BATON["SWEEP_INTERVAL_SECONDS"])},
}

# HTTP tasks may reach these hosts even when they resolve to private or loopback addresses
# (exact "host" or "host:port"); everything else private is refused (SSRF guard).
BATON_HTTP_ALLOWED_HOSTS = [h.strip() for h in os.environ.get("BATON_HTTP_ALLOWED_HOSTS", "").split(",") if h.strip()]
