"""
Settings of the payments configuration service.

Everything that differs between a laptop and production comes from the
environment (a `.env` file next to `manage.py` is read too, without overriding
variables already set, unless `READ_DOT_ENV=0`; `make run` writes one on first use):

- `DEBUG` (default off). Development defaults for the secret key and the
  config-encryption key exist only while it is on.
- `SECRET_KEY`: required when `DEBUG` is off.
- `CONFIG_ENCRYPTION_KEYS`: comma-separated Fernet keys, newest first, that
  encrypt gateway secrets at rest. Required when `DEBUG` is off.
- `DATABASE_URL`: e.g. `postgres://user:pass@host:5432/name`. Unset, the
  service keeps its data in the embedded SQLite file `db.sqlite3`, in WAL mode with
  writers queued (`SQLITE_OPTIONS`).
- `ALLOWED_HOSTS`: comma-separated host names (default `127.0.0.1,localhost`).
- `SECURE_COOKIES`: send session and CSRF cookies over HTTPS only
  (default: on when `DEBUG` is off). `SECURE_PROXY_SSL_HEADER=1` trusts the
  `X-Forwarded-Proto` header of a TLS-terminating proxy.
- `LOGO_ALLOW_PRIVATE_NETWORKS`: let bank-logo downloads reach private,
  loopback and link-local addresses (default off).
- `UPLOAD_MAX_BYTES`: the largest CSV upload accepted (default 10 MB).
- `TRUSTED_PROXIES`: how many proxies in front of the service append to
  `X-Forwarded-For` (default 0: the header is ignored and the connection's
  address is the client's, so a client cannot choose its own login-throttle key).
"""

import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
if os.environ.get("READ_DOT_ENV", "1") != "0":
    load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name, debug_default):
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if DEBUG:
        return debug_default
    raise ImproperlyConfigured(f"Set the environment variable {name} (required when DEBUG is off).")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_required("SECRET_KEY", "django-insecure-development-only-key")

# Fernet keys (urlsafe base64 of 32 bytes), newest first. The development key is public and
# must never protect real credentials.
CONFIG_ENCRYPTION_KEYS = [
    key.strip()
    for key in env_required(
        "CONFIG_ENCRYPTION_KEYS", "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC11c2U="
    ).split(",")
    if key.strip()
]
try:
    # Checked now, so that a wrong key stops the service at start, not at its first POS.
    [Fernet(key) for key in CONFIG_ENCRYPTION_KEYS]
except ValueError:
    raise ImproperlyConfigured(
        "Each key of CONFIG_ENCRYPTION_KEYS must be 32 url-safe base64-encoded bytes; make one "
        "with: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'"
    ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "omnitron.api",
    "sales_channels",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "omnitron.api.middleware.RequestBodyLimitMiddleware",
    "omnitron.api.middleware.NeverCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "omnitron.api.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "omnitron.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "omnitron" / "templates"],
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

WSGI_APPLICATION = "omnitron.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite, for several gunicorn workers at once (options given in the URL, such as
# `?timeout=60`, win):
# - WAL journal: readers read the last committed data while a write is under way, instead of
#   waiting for it (a long upload locked the whole API); synchronous=NORMAL is WAL's usual
#   pairing, durable across a crash of the service (a power cut may lose the last commits).
# - IMMEDIATE transactions take the write lock when they begin, so a second writer waits for
#   it, up to `timeout` seconds, instead of failing at once when it cannot upgrade the read
#   lock of a transaction that has already read (what a deferred BEGIN does).
# A write still waiting after `timeout` is answered 503 with Retry-After (omnitron.api.exceptions).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request bodies: JSON bodies stay small; CSV uploads have their own limit below.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
LOGO_MAX_BYTES = int(os.environ.get("LOGO_MAX_BYTES", 2 * 1024 * 1024))
LOGO_DOWNLOAD_TIMEOUT = float(os.environ.get("LOGO_DOWNLOAD_TIMEOUT", "5"))
LOGO_ALLOW_PRIVATE_NETWORKS = env_bool("LOGO_ALLOW_PRIVATE_NETWORKS", False)
# Token logins per client address (DRF rate syntax: "10/minute", "100/hour"). The counts live in
# the database (`manage.py createcachetable`), so every gunicorn worker and host shares them.
LOGIN_THROTTLE_RATE = os.environ.get("LOGIN_THROTTLE_RATE", "10/minute")
# The client address the throttle counts by: DRF reads X-Forwarded-For whole unless told how many
# proxies wrote into it, and any client can write that header.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "omnitron_throttle_cache",
    },
}

# Security headers and cookies. Behind a TLS proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["omnitron.api.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "omnitron.api.pagination.PageLimitPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "omnitron.api.filters.FilterBackend",
        "omnitron.api.filters.SortFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "omnitron.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "omnitron.api.exceptions.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "omnitron.api.negotiation.JSONFallbackNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 10,
    "NUM_PROXIES": TRUSTED_PROXIES,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Payments configuration service",
    "DESCRIPTION": (
        "Per sales channel: virtual POS accounts, banks, card types, cards, BIN numbers, "
        "installment plans, bank accounts and payment options."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "omnitron.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)
