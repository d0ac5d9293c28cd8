"""Settings come from the environment, with development defaults only while DEBUG is on."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command

PROBE = "import django; django.setup(); from django.conf import settings; print({expr})"


def settings_of(expr, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "CONFIG_ENCRYPTION_KEYS",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "SECURE_COOKIES",
            "LOGO_ALLOW_PRIVATE_NETWORKS",
            "UPLOAD_MAX_BYTES",
            "TRUSTED_PROXIES",
        }
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "omnitron.settings", "READ_DOT_ENV": "0", **env})
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(expr=expr)],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_debug_a_secret_key_is_required():
    result = settings_of("settings.SECRET_KEY")
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY (required when DEBUG is off)." in result.stderr


def test_without_debug_an_encryption_key_is_required():
    result = settings_of("settings.CONFIG_ENCRYPTION_KEYS", SECRET_KEY="x")
    assert result.returncode != 0
    assert "Set the environment variable CONFIG_ENCRYPTION_KEYS" in result.stderr


def test_with_debug_development_defaults_apply():
    result = settings_of("settings.SECRET_KEY", DEBUG="1")
    assert result.stdout.strip() == "django-insecure-development-only-key"


def test_without_database_url_the_embedded_sqlite_file_is_used():
    result = settings_of("settings.DATABASES['default']['ENGINE']", DEBUG="1")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = settings_of(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        DEBUG="1",
        DATABASE_URL="postgres://u:p@db.example:5432/payments",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql payments"


def test_sqlite_options_given_in_the_url_win_over_the_service_defaults():
    result = settings_of(
        "settings.DATABASES['default']['OPTIONS']",
        DEBUG="1",
        DATABASE_URL="sqlite:////tmp/payments.sqlite3?timeout=60",
    )
    assert result.stdout.strip() == (
        "{'init_command': 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL', "
        "'transaction_mode': 'IMMEDIATE', 'timeout': 60}"
    )


def test_postgresql_gets_none_of_the_sqlite_options():
    result = settings_of(
        "settings.DATABASES['default'].get('OPTIONS', {})",
        DEBUG="1",
        DATABASE_URL="postgres://u:p@db.example:5432/payments",
    )
    assert result.stdout.strip() == "{}"


def test_production_defaults_without_debug():
    result = settings_of(
        "settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.ALLOWED_HOSTS",
        SECRET_KEY="x",
        CONFIG_ENCRYPTION_KEYS="dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=",
    )
    assert result.stdout.strip() == "False True ['127.0.0.1', 'localhost']"


def test_uploads_default_to_10_mb_public_logos_and_no_trusted_proxy():
    result = settings_of(
        "settings.UPLOAD_MAX_BYTES, settings.LOGO_ALLOW_PRIVATE_NETWORKS, "
        "settings.REST_FRAMEWORK['NUM_PROXIES']",
        DEBUG="1",
    )
    assert result.stdout.strip() == "10485760 False 0"


def test_the_environment_can_let_logo_downloads_reach_private_networks():
    result = settings_of(
        "settings.LOGO_ALLOW_PRIVATE_NETWORKS", DEBUG="1", **{"LOGO_ALLOW_PRIVATE_NETWORKS": "1"}
    )
    assert result.stdout.strip() == "True"


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
