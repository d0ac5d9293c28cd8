"""What every resource inherits from the API base: literal input, the API root, the login
throttle, refusals worded for the client even when a write races another, answers not to be
cached, the health check, and a 503 when SQLite is too busy to take a write."""

import logging
import sqlite3
from unittest import mock

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection

from payments.models import Pos
from payments.services import BankService
from payments.tests.factories import CardFactory, ChannelFactory, PosFactory

pytestmark = pytest.mark.django_db


class TestLiteralInput:
    def test_a_field_the_resource_does_not_have_is_a_400_naming_it(self, api):
        card = CardFactory()

        response = api.patch(f"/api/v1/cards/{card.pk}/", {"is_comercial": True})

        assert response.status_code == 400
        assert response.json() == {
            "is_comercial": ["Unknown field: this resource has no such field."]
        }

    def test_read_only_fields_sent_back_are_accepted(self, api):
        channel = ChannelFactory(name="Web")
        body = api.get(f"/api/v1/channels/{channel.pk}/").json()

        response = api.put(f"/api/v1/channels/{channel.pk}/", {**body, "name": "Web shop"})

        assert response.status_code == 200
        assert response.json()["name"] == "Web shop"

    @pytest.mark.parametrize(
        ("value", "received"), [(1.5, "float"), ("1.5", "str"), (True, "bool"), ([1], "list")]
    )
    def test_a_reference_must_be_a_whole_number(self, api, value, received):
        card = CardFactory()

        response = api.patch(f"/api/v1/cards/{card.pk}/", {"pos": value}, format="json")

        assert response.status_code == 400
        assert response.json() == {
            "pos": [f"Incorrect type. Expected pk value, received {received}."]
        }

    def test_a_reference_given_as_digits_in_a_string_is_accepted(self, api):
        card = CardFactory()

        response = api.patch(f"/api/v1/cards/{card.pk}/", {"pos": str(card.pos_id)})

        assert response.status_code == 200

    def test_a_json_config_over_64_kib_is_a_400(self, api):
        response = api.post(
            "/api/v1/channels/",
            {"name": "Big", "channel_type": "web", "conf": {"x": "a" * (64 * 1024)}},
        )

        assert response.status_code == 400
        assert response.json() == {"conf": ["At most 65536 bytes of JSON are accepted here."]}


class TestApiRoot:
    def test_the_root_lists_every_resource(self, api):
        response = api.get("/api/v1/")

        assert response.status_code == 200
        assert list(response.json()) == [
            "channels",
            "pos",
            "banks",
            "card_types",
            "cards",
            "multi_currency_cards",
            "bin_numbers",
            "installments",
            "bank_accounts",
            "payment_options",
        ]
        assert response.json()["cards"] == "http://testserver/api/v1/cards/"

    def test_the_root_needs_a_login(self, anonymous):
        assert anonymous.get("/api/v1/").status_code == 401


class TestLoginThrottle:
    def test_the_eleventh_attempt_in_a_minute_is_a_429(self, anonymous, admin_user):
        attempts = [
            anonymous.post("/api/v1/auth/login/", {"username": "root", "password": "wrong"})
            for _ in range(11)
        ]

        assert [response.status_code for response in attempts] == [400] * 10 + [429]
        assert attempts[-1].json()["detail"].startswith("Request was throttled.")

    def test_a_forwarded_for_header_does_not_buy_more_attempts(self, anonymous, admin_user):
        attempts = [
            anonymous.post(
                "/api/v1/auth/login/",
                {"username": "root", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            )
            for n in range(11)
        ]

        assert [response.status_code for response in attempts] == [400] * 10 + [429]

    def test_behind_a_trusted_proxy_the_address_it_forwards_counts(
        self, anonymous, admin_user, settings
    ):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        for _ in range(3):
            anonymous.post(
                "/api/v1/auth/login/",
                {"username": "root", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
            )

        counts = DatabaseCache("omnitron_throttle_cache", {})
        assert len(counts.get("throttle_login_203.0.113.9")) == 3
        assert counts.get("throttle_login_127.0.0.1") is None

    def test_the_attempts_are_counted_where_every_worker_sees_them(self, anonymous, admin_user):
        for _ in range(3):
            anonymous.post("/api/v1/auth/login/", {"username": "root", "password": "wrong"})

        # Another gunicorn worker has its own cache objects, over the same database table.
        other_worker = DatabaseCache("omnitron_throttle_cache", {})
        assert len(other_worker.get("throttle_login_127.0.0.1")) == 3

    def test_a_failed_login_is_logged_without_what_was_typed(self, anonymous, caplog):
        with caplog.at_level(logging.WARNING, logger="omnitron.api.auth"):
            anonymous.post("/api/v1/auth/login/", {"username": "root", "password": "s3cr3t-pw"})

        logged = [r.getMessage() for r in caplog.records if r.name == "omnitron.api.auth"]
        assert logged == ["Failed token login from 127.0.0.1"]


class TestRacingDelete:
    def test_a_reference_added_during_a_delete_still_gives_the_protected_answer(
        self, api, monkeypatch
    ):
        pos = PosFactory(slug="garanti")
        real_delete = Pos.delete
        raced = []

        def delete_while_a_card_is_created(instance, *args, **kwargs):
            if not raced:  # the DELETE is refused: a card using the POS came in meanwhile...
                raced.append(True)
                raise IntegrityError("FOREIGN KEY constraint failed")
            CardFactory(channel=instance.channel, pos=instance)  # ...and is visible now
            return real_delete(instance, *args, **kwargs)

        monkeypatch.setattr(Pos, "delete", delete_while_a_card_is_created)
        response = api.delete(f"/api/v1/pos/{pos.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Pos: garanti cannot be deleted: it is used by 1 card.",
            "error_code": "pos_100_1",
        }
        assert Pos.objects.filter(pk=pos.pk).exists()


class TestThrottleTable:
    def test_migrate_creates_the_login_throttle_table(self, db):
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE omnitron_throttle_cache")

        call_command("migrate", verbosity=0)

        assert "omnitron_throttle_cache" in connection.introspection.table_names()


class TestCaching:
    NEVER = "max-age=0, no-cache, no-store, must-revalidate, private"

    def test_the_login_answer_with_its_token_is_not_to_be_stored(self, anonymous, admin_user):
        response = anonymous.post(
            "/api/v1/auth/login/", {"username": "root", "password": "root-pass-123"}
        )

        assert response.status_code == 200
        assert response["Cache-Control"] == self.NEVER

    def test_api_answers_are_not_to_be_stored(self, api):
        response = api.get("/api/v1/pos/")

        assert response.status_code == 200
        assert response["Cache-Control"] == self.NEVER

    def test_pages_outside_the_api_keep_their_own_headers(self, client, db):
        response = client.get("/health/")

        assert response.status_code == 200
        assert response.has_header("Cache-Control") is False


class TestHealth:
    def test_a_database_that_answers_is_ok(self, client, db):
        response = client.get("/health/")

        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_a_database_that_fails_is_a_503(self, client, db):
        with mock.patch("omnitron.urls.connection.cursor", side_effect=OperationalError("down")):
            response = client.get("/health/")

        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "error"}


def as_django_raises(error):
    """A sqlite3 error as Django's database layer raises it: Django's class of the same name,
    caused by the driver's error."""
    wrapped = OperationalError(*error.args)
    wrapped.__cause__ = error
    return wrapped


def raising(error):
    def raise_it(*args, **kwargs):
        raise error

    return raise_it


@pytest.fixture
def locked_database_error(tmp_path):
    """The error SQLite gives a write that waited for another writer's lock in vain."""
    holder = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    waiter = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.close()
        waiter.close()
    return as_django_raises(raised.value)


class TestDatabaseBusy:
    def test_a_write_that_waited_in_vain_for_the_lock_is_a_503_with_retry_after(
        self, api, monkeypatch, locked_database_error
    ):
        monkeypatch.setattr(BankService, "create", raising(locked_database_error))
        channel = ChannelFactory()

        response = api.post(
            "/api/v1/banks/", {"name": "Akbank", "slug": "akbank", "channel": channel.pk}
        )

        assert str(locked_database_error) == "database is locked"
        assert response.status_code == 503
        assert response.json() == {
            "detail": "The database is busy with another write; try again in a few seconds."
        }
        assert response["Retry-After"] == "10"

    def test_another_database_error_is_not_answered_as_busy(self, api, monkeypatch):
        missing_table = sqlite3.connect(":memory:")
        with pytest.raises(sqlite3.OperationalError) as raised:
            missing_table.execute("SELECT * FROM nowhere")
        error = as_django_raises(raised.value)
        monkeypatch.setattr(BankService, "create", raising(error))
        channel = ChannelFactory()

        with pytest.raises(OperationalError, match="no such table: nowhere"):
            api.post("/api/v1/banks/", {"name": "Akbank", "slug": "akbank", "channel": channel.pk})
