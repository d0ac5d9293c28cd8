"""Fixtures shared by every test: API clients for users with and without permissions."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

POSTGRES_ONLY = "postgres"
SQLITE_ONLY = "sqlite"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's concurrency, tests marked `sqlite` check how
    the service runs SQLite: each kind is deselected (not skipped) on the other database and
    runs in CI's run on its own (CI runs the suite once on each)."""
    from django.conf import settings

    other = (
        SQLITE_ONLY if "postgresql" in settings.DATABASES["default"]["ENGINE"] else POSTGRES_ONLY
    )
    selected = [item for item in items if item.get_closest_marker(other) is None]
    deselected = [item for item in items if item.get_closest_marker(other) is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


def token_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def grant(user, *codenames):
    """Give `user` the permissions named like `payments.view_card`."""
    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty local cache. (The login throttle counts in the database
    cache, whose rows go with each test's transaction.)"""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose (about half a second a user here); tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plain_static_files(settings):
    """For tests that render HTML pages (admin, browsable API): without a collected manifest,
    the production static-files storage cannot name the files the pages link."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", password="root-pass-123")


@pytest.fixture
def api(admin_user):
    """An API client logged in with a token as a superuser."""
    return token_client(admin_user)


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real public input files, `../shared/` next to the checkout."""
    from django.conf import settings

    folder = settings.BASE_DIR.parent / "shared"
    assert folder.is_dir(), f"The tests read real input files from {folder}; it is missing."
    return folder
