"""Gateway secrets: encrypted in the database and its history, masked wherever they are shown,
kept when sent back masked, readable with rotated keys, and never logged."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from conftest import grant, token_client
from omnitron.tests.test_settings import settings_of
from payments import models
from payments.gateways import Gateway, config_errors
from payments.gateways.registry import config_schema, secret
from payments.services import PosService
from payments.tests.factories import ChannelFactory, PosFactory

pytestmark = pytest.mark.django_db

NESTPAY = "omnicore.libs.payment_gateways.nestpay.NestpayGateway"
GPAY = "omnicore.libs.payment_gateways.gpay.GPayGateway"
PASSWORD = "nestpay-api-password-1"
STORE_KEY = "nestpay-3d-store-key-1"
NESTPAY_CONFIG = {
    "client_id": "700655000200",
    "username": "api-user",
    "password": PASSWORD,
    "store_key": STORE_KEY,
}
MASKED_NESTPAY_CONFIG = {
    "client_id": "700655000200",
    "username": "api-user",
    "password": "********",
    "store_key": "********",
}
# The start of every Fernet token: base64 of its version byte and timestamp.
TOKEN_PREFIX = "gAAAAA"


@pytest.fixture
def pos():
    return PosFactory(gateway=NESTPAY, config=NESTPAY_CONFIG, slug="nestpay-main")


@pytest.fixture
def reader(django_user_model):
    """A panel user who may read and edit POS but not see their secrets."""
    user = django_user_model.objects.create_user("reader")
    return grant(user, "payments.view_pos", "payments.change_pos", "payments.add_pos")


@pytest.fixture
def storefront(django_user_model):
    """The storefront's service account: reads POS with their secrets."""
    user = django_user_model.objects.create_user("storefront")
    return grant(user, "payments.view_pos", "payments.view_pos_secrets")


def stored_config_text(table, where="1 = 1"):
    """The config column as the database holds it, as text, for every row of `table`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(config AS TEXT) FROM {table} WHERE {where}")
        return " ".join(row[0] for row in cursor.fetchall())


def nestpay_body(channel, **config):
    return {
        "name": "Nestpay",
        "slug": "nestpay",
        "gateway": "nestpay",
        "config": {**NESTPAY_CONFIG, **config},
        "resource_url": "https://nestpay.example.com/api",
        "channel": channel.pk,
    }


def test_the_service_does_not_start_with_a_malformed_key():
    result = settings_of(
        "settings.CONFIG_ENCRYPTION_KEYS", SECRET_KEY="x", CONFIG_ENCRYPTION_KEYS="not-a-key"
    )

    assert result.returncode != 0
    assert "Each key of CONFIG_ENCRYPTION_KEYS must be 32 url-safe base64" in result.stderr


class TestAtRest:
    def test_the_database_column_holds_no_plaintext_secret(self, api):
        channel = ChannelFactory()
        response = api.post("/api/v1/pos/", nestpay_body(channel), format="json")
        assert response.status_code == 201

        text = stored_config_text("payments_pos", f"id = {response.data['pk']}")
        assert PASSWORD not in text
        assert STORE_KEY not in text
        assert "700655000200" in text  # not a secret: stored as it is
        assert text.count(TOKEN_PREFIX) == 2

    def test_the_history_table_holds_no_plaintext_secret(self, api, pos):
        response = api.patch(
            f"/api/v1/pos/{pos.pk}/", {"config": {**NESTPAY_CONFIG, "password": "new-pw-2"}}
        )
        assert response.status_code == 200

        text = stored_config_text("payments_historicalpos")
        assert models.Pos.history.count() == 2
        assert PASSWORD not in text
        assert "new-pw-2" not in text
        assert STORE_KEY not in text

    def test_saving_an_unchanged_secret_keeps_its_token(self, api, pos):
        before = models.Pos.objects.get(pk=pos.pk).config

        response = api.put(
            f"/api/v1/pos/{pos.pk}/", {**nestpay_body(pos.channel), "config": NESTPAY_CONFIG}
        )

        assert response.status_code == 200
        assert models.Pos.objects.get(pk=pos.pk).config == before


class TestMasking:
    def test_detail_and_list_mask_secrets_for_a_user_without_the_permission(self, reader, pos):
        client = token_client(reader)

        detail = client.get(f"/api/v1/pos/{pos.pk}/")
        listed = client.get("/api/v1/pos/")

        assert detail.data["config"] == MASKED_NESTPAY_CONFIG
        assert listed.data["results"][0]["config"] == MASKED_NESTPAY_CONFIG

    def test_write_answers_mask_secrets_too(self, reader):
        client = token_client(reader)
        channel = ChannelFactory()

        created = client.post("/api/v1/pos/", nestpay_body(channel), format="json")
        updated = client.patch(
            f"/api/v1/pos/{created.data['pk']}/", {"config": {**NESTPAY_CONFIG}}, format="json"
        )

        assert created.status_code == 201
        assert created.data["config"] == MASKED_NESTPAY_CONFIG
        assert updated.status_code == 200
        assert updated.data["config"] == MASKED_NESTPAY_CONFIG

    @pytest.mark.usefixtures("plain_static_files")
    def test_the_browsable_api_page_and_its_forms_mask_secrets(self, client, reader, pos):
        client.force_login(reader)

        html = client.get(f"/api/v1/pos/{pos.pk}/", HTTP_ACCEPT="text/html").content.decode()

        assert "&quot;password&quot;: &quot;********&quot;" in html
        assert PASSWORD not in html
        assert STORE_KEY not in html
        assert TOKEN_PREFIX not in html

    def test_a_user_with_view_pos_secrets_reads_them_in_plain(self, storefront, pos):
        response = token_client(storefront).get(f"/api/v1/pos/{pos.pk}/")

        assert response.data["config"] == NESTPAY_CONFIG

    def test_nested_secrets_are_masked(self, reader):
        config = {
            "auth": {"merchant_id": "7000679", "terminal_id": "30691297", "password": "gp-pw"},
            "store_key": "gp-store-key",
            "mode": "TEST",
        }
        pos = PosFactory(gateway=GPAY, config=config)

        response = token_client(reader).get(f"/api/v1/pos/{pos.pk}/")

        assert response.data["config"] == {
            "auth": {"merchant_id": "7000679", "terminal_id": "30691297", "password": "********"},
            "store_key": "********",
            "mode": "TEST",
        }

    def test_a_refused_config_does_not_echo_its_secrets(self, api):
        channel = ChannelFactory()
        body = nestpay_body(channel)
        del body["config"]["username"]

        response = api.post("/api/v1/pos/", body, format="json")

        assert response.status_code == 406
        assert response.data == {
            "non_field_errors": '{"username": ["This field is required."]}',
            "error_code": "pos_100_2",
        }


def test_a_schema_error_never_quotes_the_value():
    gateway = Gateway(
        key="capped",
        name="Capped",
        class_path="capped.CappedGateway",
        schema=config_schema({"secret_key": {**secret("A key"), "maxLength": 4}}),
    )

    errors = config_errors(gateway, {"secret_key": "much-too-long-secret"})

    assert errors == {"secret_key": ["Does not satisfy the gateway's `maxLength` rule."]}


class TestKeepingSecrets:
    def test_put_with_the_mask_keeps_the_stored_secrets(self, reader, pos):
        body = {**nestpay_body(pos.channel), "config": MASKED_NESTPAY_CONFIG}

        response = token_client(reader).put(f"/api/v1/pos/{pos.pk}/", body, format="json")

        assert response.status_code == 200
        assert _plain_config(pos) == NESTPAY_CONFIG

    def test_patch_without_the_secrets_keeps_them(self, reader, pos):
        config = {"client_id": "700655000999", "username": "api-user"}

        response = token_client(reader).patch(
            f"/api/v1/pos/{pos.pk}/", {"config": config}, format="json"
        )

        assert response.status_code == 200
        assert _plain_config(pos) == {**NESTPAY_CONFIG, "client_id": "700655000999"}

    def test_patch_without_config_keeps_it(self, reader, pos):
        response = token_client(reader).patch(f"/api/v1/pos/{pos.pk}/", {"name": "Renamed"})

        assert response.status_code == 200
        assert _plain_config(pos) == NESTPAY_CONFIG

    def test_a_new_plain_secret_replaces_the_stored_one(self, reader, pos):
        config = {**MASKED_NESTPAY_CONFIG, "password": "rotated-password-2"}

        response = token_client(reader).patch(
            f"/api/v1/pos/{pos.pk}/", {"config": config}, format="json"
        )

        assert response.status_code == 200
        assert _plain_config(pos) == {**NESTPAY_CONFIG, "password": "rotated-password-2"}

    def test_the_mask_is_never_stored_as_a_new_pos_secret(self, api):
        channel = ChannelFactory()

        response = api.post(
            "/api/v1/pos/", nestpay_body(channel, password="********"), format="json"
        )

        assert response.status_code == 406
        assert response.data["non_field_errors"] == '{"password": ["This field is required."]}'

    def test_the_mask_does_not_carry_a_secret_to_another_gateway(self, api):
        pos = PosFactory(
            gateway="omnicore.libs.payment_gateways.iyzico.IyzicoGateway",
            config={"api_key": "iyz-api-key", "secret_key": "iyz-secret"},
        )

        response = api.patch(
            f"/api/v1/pos/{pos.pk}/",
            {"gateway": "craftgate", "config": {"api_key": "cg-key", "secret_key": "********"}},
            format="json",
        )

        assert response.status_code == 406
        assert response.data["non_field_errors"] == '{"secret_key": ["This field is required."]}'


@pytest.mark.usefixtures("plain_static_files")
class TestAdmin:
    def test_the_change_page_masks_secrets_for_a_staff_user_without_the_permission(
        self, client, reader, pos
    ):
        reader.is_staff = True
        reader.save()
        client.force_login(reader)

        html = client.get(f"/admin/payments/pos/{pos.pk}/change/").content.decode()

        assert PASSWORD not in html
        assert STORE_KEY not in html
        assert TOKEN_PREFIX not in html
        assert "&quot;password&quot;: &quot;********&quot;" in html

    def test_saving_the_change_page_with_the_mask_keeps_the_secrets(self, client, reader, pos):
        reader.is_staff = True
        reader.save()
        client.force_login(reader)
        form = {
            "name": "Nestpay renamed",
            "slug": pos.slug,
            "gateway": NESTPAY,
            "config": '{"client_id": "700655000200", "username": "api-user", '
            '"password": "********", "store_key": "********"}',
            "resource_url": pos.resource_url,
            "channel": pos.channel_id,
        }

        response = client.post(f"/admin/payments/pos/{pos.pk}/change/", form)

        assert response.status_code == 302
        assert _plain_config(pos) == NESTPAY_CONFIG
        assert models.Pos.objects.get(pk=pos.pk).name == "Nestpay renamed"

    def test_history_pages_mask_secrets_even_for_a_superuser(self, client, admin_user, api, pos):
        api.patch(f"/api/v1/pos/{pos.pk}/", {"config": {**NESTPAY_CONFIG, "password": "pw-2"}})
        client.force_login(admin_user)
        record = models.Pos.history.filter(id=pos.pk).latest("history_id")

        listing = client.get(f"/admin/payments/pos/{pos.pk}/history/").content.decode()
        version = client.get(
            f"/admin/payments/pos/{pos.pk}/history/{record.history_id}/"
        ).content.decode()

        for html in (listing, version):
            assert PASSWORD not in html
            assert "pw-2" not in html
            assert TOKEN_PREFIX not in html
        assert "config.password" in listing
        assert "&quot;password&quot;: &quot;********&quot;" in version


class TestKeyRotation:
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()

    @pytest.fixture
    def old_pos(self):
        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.old_key]):
            pos = PosFactory(gateway=NESTPAY, config=NESTPAY_CONFIG)
            models.Pos.history.filter(id=pos.pk).update(config=pos.config)
        return pos

    def tokens(self, config):
        return [config["password"].encode(), config["store_key"].encode()]

    def test_a_secret_made_with_an_old_key_is_read_once_a_new_key_is_put_first(self, old_pos):
        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            assert _plain_config(old_pos) == NESTPAY_CONFIG

    def test_after_rotation_only_the_new_key_is_needed(self, old_pos, capsys):
        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            call_command("rotate_config_keys")

        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key]):
            assert _plain_config(old_pos) == NESTPAY_CONFIG
        stored = models.Pos.objects.get(pk=old_pos.pk).config
        assert [Fernet(self.new_key).decrypt(t).decode() for t in self.tokens(stored)] == [
            PASSWORD,
            STORE_KEY,
        ]
        assert capsys.readouterr().out == (
            "Re-encrypted 2 secrets of 1 POS and 2 secrets of 1 POS history records "
            "under the newest key.\n"
        )

    def test_history_records_are_rotated_too(self, old_pos):
        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            call_command("rotate_config_keys")

        record = models.Pos.history.get(id=old_pos.pk)
        assert Fernet(self.new_key).decrypt(record.config["password"].encode()) == PASSWORD.encode()

    def test_running_it_again_changes_nothing(self, old_pos, capsys):
        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            call_command("rotate_config_keys")
            rotated = models.Pos.objects.get(pk=old_pos.pk).config
            capsys.readouterr()

            call_command("rotate_config_keys")

        assert models.Pos.objects.get(pk=old_pos.pk).config == rotated
        assert capsys.readouterr().out.startswith("Re-encrypted 0 secrets of 0 POS and 0 secrets")

    def test_a_dry_run_changes_nothing(self, old_pos, capsys):
        before = models.Pos.objects.get(pk=old_pos.pk).config

        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            call_command("rotate_config_keys", "--dry-run")

        assert models.Pos.objects.get(pk=old_pos.pk).config == before
        assert capsys.readouterr().out.startswith("Would re-encrypt 2 secrets of 1 POS")

    def test_a_secret_no_key_reads_stops_it_and_nothing_changes(self, old_pos):
        readable = PosFactory(gateway=NESTPAY, config=NESTPAY_CONFIG)
        before = models.Pos.objects.get(pk=readable.pk).config

        with (
            override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key]),
            pytest.raises(CommandError, match=f"POS pk={old_pos.pk} cannot be decrypted"),
        ):
            call_command("rotate_config_keys")

        assert models.Pos.objects.get(pk=readable.pk).config == before

    def test_the_report_holds_no_secret(self, old_pos, capsys):
        with override_settings(CONFIG_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            call_command("rotate_config_keys")

        out = capsys.readouterr().out
        assert PASSWORD not in out
        assert TOKEN_PREFIX not in out


class TestLogs:
    """No log line, at any level, carries a secret or a token."""

    @pytest.fixture
    def logs(self, caplog):
        caplog.set_level(logging.DEBUG)
        # `load_demo_data` quietens this logger for the rest of the process.
        caplog.set_level(logging.DEBUG, logger="omnitron.services")
        return caplog

    def everything_logged(self, caplog):
        parts = []
        for record in caplog.records:
            parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
            if record.exc_info:
                parts.append(logging.Formatter().formatException(record.exc_info))
        return "\n".join(parts)

    def test_pos_writes_and_refusals_log_no_secret(self, logs, api, admin_user, pos):
        channel = ChannelFactory()
        api.post("/api/v1/pos/", nestpay_body(channel), format="json")
        api.patch(f"/api/v1/pos/{pos.pk}/", {"config": {**NESTPAY_CONFIG, "password": "pw-3"}})
        api.post("/api/v1/pos/", nestpay_body(channel, username=""), format="json")  # 406
        api.post("/api/v1/pos/", {**nestpay_body(channel), "slug": "not a slug"}, format="json")
        api.put(f"/api/v1/pos/{pos.pk}/", {**nestpay_body(ChannelFactory())}, format="json")
        api.delete(f"/api/v1/pos/{pos.pk}/")

        logged = self.everything_logged(logs)
        assert "Created pos pk=" in logged
        assert "Refused PUT" in logged
        for value in (PASSWORD, STORE_KEY, "pw-3", admin_user.auth_token.key):
            assert value not in logged

    def test_login_logs_neither_password_nor_token(self, logs, anonymous, django_user_model):
        django_user_model.objects.create_user("shop", password="login-password-42")

        good = anonymous.post(
            "/api/v1/auth/login/", {"username": "shop", "password": "login-password-42"}
        )
        anonymous.post("/api/v1/auth/login/", {"username": "shop", "password": "wrong-pass-43"})

        logged = self.everything_logged(logs)
        assert "Token login of user pk=" in logged
        assert "Bad Request: /api/v1/auth/login/" in logged
        for value in ("login-password-42", "wrong-pass-43", good.data["key"]):
            assert value not in logged

    def test_refused_requests_log_no_token(self, logs, anonymous, django_user_model):
        user = django_user_model.objects.create_user("nobody")
        client = token_client(user)
        anonymous.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

        client.get("/api/v1/pos/")  # 403
        anonymous.get("/api/v1/pos/")  # 401

        logged = self.everything_logged(logs)
        assert "Forbidden: /api/v1/pos/" in logged
        assert "Unauthorized: /api/v1/pos/" in logged
        assert user.auth_token.key not in logged
        assert "0123456789abcdef0123456789abcdef01234567" not in logged


def _plain_config(pos):
    return PosService().plain_config(models.Pos.objects.get(pk=pos.pk))
