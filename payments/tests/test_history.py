"""History: every change of payment data is recorded with who, when and what changed, and read
back at `GET /api/v1/<resource>/{id}/history/` (and in the admin), secrets masked."""

import io
import re

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from conftest import grant, token_client
from payments import models
from payments.services import BankService, CardService
from payments.tests import factories

pytestmark = pytest.mark.django_db

NESTPAY = "omnicore.libs.payment_gateways.nestpay.NestpayGateway"
NESTPAY_CONFIG = {
    "client_id": "700655000200",
    "username": "api-user",
    "password": "history-password-1",
    "store_key": "history-store-key-1",
}

RESOURCES = factories.RESOURCE_FACTORIES


def history(client, resource, pk, **params):
    return client.get(f"/api/v1/{resource}/{pk}/history/", params)


def changes_of(entry):
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_every_resource_answers_its_history(api, resource):
    obj = RESOURCES[resource]()

    response = history(api, resource, obj.pk)

    assert response.status_code == 200
    assert response.data["count"] == 1
    assert response.data["results"][0]["history_type"] == "created"


class TestRecords:
    def test_a_create_update_and_delete_are_answered_newest_first(self, api, admin_user):
        channel = factories.ChannelFactory()
        created = api.post(
            "/api/v1/banks/",
            {"name": "Akbank", "slug": "akbank", "eft_code": "0046", "channel": channel.pk},
        )
        pk = created.data["pk"]
        api.patch(f"/api/v1/banks/{pk}/", {"name": "Akbank T.A.Ş."})
        api.delete(f"/api/v1/banks/{pk}/")

        response = history(api, "banks", pk)

        assert response.status_code == 200
        assert response.data["count"] == 3
        deleted, changed, first = response.data["results"]
        assert [deleted["history_type"], changed["history_type"], first["history_type"]] == [
            "deleted",
            "changed",
            "created",
        ]
        for entry in (deleted, changed, first):
            assert entry["history_user"] == {"pk": admin_user.pk, "username": "root"}
            assert entry["history_date"].endswith("Z")
        assert changed["changes"] == [{"field": "name", "old": "Akbank", "new": "Akbank T.A.Ş."}]
        assert deleted["changes"] == []
        assert changes_of(first) == {
            "name": (None, "Akbank"),
            "slug": (None, "akbank"),
            "eft_code": (None, "0046"),
            "channel": (None, channel.pk),
        }

    def test_a_put_that_changes_nothing_writes_no_record(self, api):
        bank = factories.BankFactory(name="Akbank", slug="akbank", eft_code="0046")
        body = {"name": "Akbank", "slug": "akbank", "eft_code": "0046", "channel": bank.channel_id}

        response = api.put(f"/api/v1/banks/{bank.pk}/", body)

        assert response.status_code == 200
        assert history(api, "banks", bank.pk).data["count"] == 1
        assert models.Bank.objects.get(pk=bank.pk).modified_date == bank.modified_date

    def test_a_pos_patch_sending_its_secrets_masked_writes_no_record(self, api):
        pos = factories.PosFactory(gateway=NESTPAY, config=NESTPAY_CONFIG)
        masked = {**NESTPAY_CONFIG, "password": "********", "store_key": "********"}

        response = api.patch(f"/api/v1/pos/{pos.pk}/", {"config": masked}, format="json")

        assert response.status_code == 200
        assert history(api, "pos", pos.pk).data["count"] == 1

    def test_a_deleted_object_keeps_its_history_at_its_old_id(self, api):
        card_type = factories.CardTypeFactory()
        pk = card_type.pk
        api.delete(f"/api/v1/card_types/{pk}/")

        response = history(api, "card_types", pk)

        assert response.status_code == 200
        assert [entry["history_type"] for entry in response.data["results"]] == [
            "deleted",
            "created",
        ]

    def test_objects_deleted_with_their_card_are_recorded_too(self, api, admin_user):
        bin_number = factories.BinNumberFactory()
        api.delete(f"/api/v1/cards/{bin_number.card_id}/")

        response = history(api, "bin_numbers", bin_number.pk)

        latest = response.data["results"][0]
        assert latest["history_type"] == "deleted"
        assert latest["history_user"] == {"pk": admin_user.pk, "username": "root"}

    def test_an_id_that_never_existed_is_a_404(self, api):
        response = history(api, "banks", 987654)

        assert response.status_code == 404
        assert response.data == {"detail": "Not found."}

    def test_values_are_shown_as_the_api_shows_them(self, api):
        installment = factories.InstallmentFactory(interest_rate="2.50")

        api.patch(f"/api/v1/installments/{installment.pk}/", {"interest_rate": "3.25"})
        response = history(api, "installments", installment.pk)

        assert response.data["results"][0]["changes"] == [
            {"field": "interest_rate", "old": "2.50", "new": "3.25"}
        ]

    def test_a_json_field_is_compared_key_by_key(self, api):
        option = factories.PaymentOptionFactory(config={"bank_transfer": {"days": 2}, "x": 1})

        api.patch(
            f"/api/v1/payment_options/{option.pk}/",
            {"config": {"bank_transfer": {"days": 3}, "x": 1}},
            format="json",
        )
        response = history(api, "payment_options", option.pk)

        assert response.data["results"][0]["changes"] == [
            {"field": "config.bank_transfer.days", "old": 2, "new": 3}
        ]

    def test_deleting_a_bank_account_shows_as_its_deactivation(self, api):
        account = factories.BankAccountFactory()

        api.delete(f"/api/v1/bank_accounts/{account.pk}/")
        response = history(api, "bank_accounts", account.pk)

        latest = response.data["results"][0]
        assert latest["history_type"] == "changed"
        assert latest["changes"] == [{"field": "is_active", "old": True, "new": False}]

    def test_history_is_paginated_like_other_lists(self, api):
        bank = factories.BankFactory(name="v0")
        for number in range(1, 4):
            api.patch(f"/api/v1/banks/{bank.pk}/", {"name": f"v{number}"})

        first = history(api, "banks", bank.pk, limit=2)
        second = history(api, "banks", bank.pk, limit=2, page=2)
        past_the_end = history(api, "banks", bank.pk, limit=2, page=3)

        assert first.data["count"] == 4
        assert first.data["next"].endswith(f"/api/v1/banks/{bank.pk}/history/?limit=2&page=2")
        assert [changes_of(e)["name"] for e in first.data["results"]] == [
            ("v2", "v3"),
            ("v1", "v2"),
        ]
        # The last record of a page is compared with the first of the next page.
        assert [changes_of(e)["name"] for e in second.data["results"]] == [
            ("v0", "v1"),
            (None, "v0"),
        ]
        assert past_the_end.status_code == 404

    def test_the_service_user_is_recorded_without_a_request(self, django_user_model):
        user = django_user_model.objects.create_user("importer")
        bank = factories.BankFactory()

        BankService(user=user).update(bank, {"name": "Renamed"})

        assert models.Bank.history.latest("history_id").history_user == user


class TestCardDeletion:
    """A card's BINs, installment plans and multi-currency cards are deleted with it; their
    deletion records are written in bulk, in as many queries for 3 BINs as for 300."""

    @pytest.fixture
    def card(self):
        card = factories.CardFactory()
        for bin_number in ("405040", "405041", "40504012"):
            factories.BinNumberFactory(card=card, bin_number=bin_number)
        factories.InstallmentFactory(card=card, installment_count=3)
        factories.InstallmentFactory(card=card, installment_count=6)
        factories.MultiCurrencyCardFactory(card=card, currency="EUR")
        return card

    def test_each_bin_of_a_deleted_card_gets_a_deletion_record_by_the_deleting_user(
        self, api, admin_user, card
    ):
        stored = {b.pk: b for b in models.BinNumber.objects.filter(card=card)}

        api.delete(f"/api/v1/cards/{card.pk}/")

        records = models.BinNumber.history.filter(history_type="-").order_by("bin_number")
        assert [
            (r.bin_number, r.card_id, r.channel_id, r.history_user_id, r.history_change_reason)
            for r in records
        ] == [
            ("405040", card.pk, card.channel_id, admin_user.pk, None),
            ("40504012", card.pk, card.channel_id, admin_user.pk, None),
            ("405041", card.pk, card.channel_id, admin_user.pk, None),
        ]
        assert {r.id: (r.created_date, r.modified_date) for r in records} == {
            pk: (b.created_date, b.modified_date) for pk, b in stored.items()
        }
        assert not models.BinNumber.objects.filter(card_id=card.pk).exists()

    def test_installments_and_multi_currency_cards_of_a_deleted_card_are_recorded_too(
        self, api, admin_user, card
    ):
        api.delete(f"/api/v1/cards/{card.pk}/")

        installments = models.Installment.history.filter(history_type="-")
        currencies = models.MultiCurrencyCard.history.filter(history_type="-")
        assert sorted(installments.values_list("installment_count", "history_user")) == [
            (3, admin_user.pk),
            (6, admin_user.pk),
        ]
        assert list(currencies.values_list("currency", "history_user")) == [("EUR", admin_user.pk)]

    def test_a_card_with_300_bins_is_deleted_in_as_many_queries_as_one_with_3(
        self, admin_user, card, django_assert_max_num_queries
    ):
        large = factories.CardFactory(channel=card.channel, card_payment_type="debit")
        for number in range(300):
            factories.BinNumberFactory(card=large, bin_number=f"{50000000 + number}")

        with CaptureQueriesContext(connection) as small_card:
            CardService(user=admin_user).delete(card)
        with django_assert_max_num_queries(14) as large_card:
            CardService(user=admin_user).delete(large)

        assert len(large_card) == len(small_card)
        assert models.BinNumber.history.filter(history_type="-").count() == 303


class TestPosSecrets:
    @pytest.fixture
    def pos(self):
        return factories.PosFactory(gateway=NESTPAY, config=NESTPAY_CONFIG)

    def test_creation_lists_secrets_masked(self, api, pos):
        response = history(api, "pos", pos.pk)

        changes = changes_of(response.data["results"][0])
        assert changes["config.password"] == (None, "********")
        assert changes["config.store_key"] == (None, "********")
        assert changes["config.client_id"] == (None, "700655000200")
        assert "history-password-1" not in str(response.data)

    def test_a_changed_secret_shows_as_changed_with_both_values_masked(self, api, pos):
        api.patch(
            f"/api/v1/pos/{pos.pk}/",
            {"config": {**NESTPAY_CONFIG, "password": "history-password-2"}},
            format="json",
        )

        response = history(api, "pos", pos.pk)

        assert response.data["results"][0]["changes"] == [
            {"field": "config.password", "old": "********", "new": "********"}
        ]
        assert "history-password-2" not in str(response.data)

    def test_a_secret_sent_back_unchanged_is_no_change(self, api, pos):
        api.patch(
            f"/api/v1/pos/{pos.pk}/",
            {"name": "Renamed", "config": {**NESTPAY_CONFIG, "password": "********"}},
            format="json",
        )

        response = history(api, "pos", pos.pk)

        assert response.data["results"][0]["changes"] == [
            {"field": "name", "old": pos.name, "new": "Renamed"}
        ]

    def test_a_re_encryption_alone_is_no_change(self, api, pos):
        keys = [Fernet.generate_key().decode(), *settings.CONFIG_ENCRYPTION_KEYS]
        with override_settings(CONFIG_ENCRYPTION_KEYS=keys):
            call_command("rotate_config_keys", stdout=io.StringIO())
            # A later change is compared with a record whose tokens were re-encrypted.
            api.patch(f"/api/v1/pos/{pos.pk}/", {"name": "After rotation"})
            response = history(api, "pos", pos.pk)

        assert response.data["results"][0]["changes"] == [
            {"field": "name", "old": pos.name, "new": "After rotation"}
        ]

    def test_history_masks_secrets_even_for_a_user_who_may_see_them(self, api, pos):
        # The superuser of `api` holds payments.view_pos_secrets.
        response = history(api, "pos", pos.pk)

        assert "history-password-1" not in str(response.data)
        assert "history-store-key-1" not in str(response.data)


class TestPermissions:
    def test_a_view_only_user_reads_history(self, django_user_model):
        user = grant(django_user_model.objects.create_user("viewer"), "payments.view_bank")
        bank = factories.BankFactory()

        assert history(token_client(user), "banks", bank.pk).status_code == 200

    def test_a_user_without_view_permission_gets_403(self, django_user_model):
        user = django_user_model.objects.create_user("outsider")
        bank = factories.BankFactory()

        assert history(token_client(user), "banks", bank.pk).status_code == 403

    def test_an_anonymous_caller_gets_401(self, anonymous):
        bank = factories.BankFactory()

        assert history(anonymous, "banks", bank.pk).status_code == 401


@pytest.mark.usefixtures("plain_static_files")
class TestAdminHistory:
    def test_the_admin_history_page_lists_who_changed_what(self, client, admin_user, api):
        card = factories.CardFactory(name="Bonus")
        api.patch(f"/api/v1/cards/{card.pk}/", {"name": "Bonus Plus"})
        client.force_login(admin_user)

        html = client.get(f"/admin/payments/card/{card.pk}/history/").content.decode()

        change = re.search(
            r"<strong>(.+?):</strong>\s*(.+?)\s*&nbsp;&rarr;&nbsp;&nbsp;(.+?)\s*<", html
        )
        assert change.groups() == ("name", "Bonus", "Bonus Plus")
        assert f'<a href="/admin/auth/user/{admin_user.pk}/change/">root</a>' in html

    def test_a_deleted_pos_is_restored_from_history_once_its_secrets_are_typed_again(
        self, client, admin_user, api
    ):
        pos = factories.PosFactory(gateway=NESTPAY, config=NESTPAY_CONFIG, slug="restored")
        pk, channel = pos.pk, pos.channel_id
        api.delete(f"/api/v1/pos/{pk}/")
        version = models.Pos.history.filter(id=pk, history_type="+").get().history_id
        client.force_login(admin_user)
        form = {
            "name": pos.name,
            "slug": "restored",
            "gateway": NESTPAY,
            "resource_url": pos.resource_url,
            "channel": channel,
        }
        masked = (
            '{"client_id": "700655000200", "username": "api-user", '
            '"password": "********", "store_key": "********"}'
        )
        typed = (
            '{"client_id": "700655000200", "username": "api-user", '
            '"password": "typed-again-1", "store_key": "typed-again-2"}'
        )
        url = f"/admin/payments/pos/{pk}/history/{version}/"

        refused = client.post(url, {**form, "config": masked})
        restored = client.post(url, {**form, "config": typed})

        assert refused.status_code == 200
        assert "password: This field is required." in refused.content.decode()
        assert restored.status_code == 302
        assert models.Pos.objects.get(pk=pk).slug == "restored"
