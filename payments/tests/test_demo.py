"""The demo data set: real banks and BINs, valid IBANs, encrypted secrets; loaded again, it
creates only what is missing and never touches what the user changed or deleted."""

import csv
import logging

import pytest
from django.core.management import call_command
from schwifty import IBAN

from payments import demo, models
from payments.services import (
    BankAccountService,
    CardService,
    InstallmentService,
    PosService,
)
from sales_channels.models import Channel
from sales_channels.services import ChannelService

pytestmark = pytest.mark.django_db

DEMO_MODELS = (
    Channel,
    models.Bank,
    models.CardType,
    models.Pos,
    models.Card,
    models.BinNumber,
    models.Installment,
    models.MultiCurrencyCard,
    models.BankAccount,
    models.PaymentOption,
)


@pytest.fixture
def loaded():
    return demo.load_demo_data()


def test_the_first_load_creates_the_whole_set(loaded):
    assert loaded.counts["banks"] == {"created": 9}
    assert loaded.counts["card types"] == {"created": 4}
    assert loaded.counts["cards"] == {"created": 15}
    assert loaded.counts["BIN numbers"] == {"created": 35}
    assert loaded.counts["POS"] == {"created": 3}
    assert models.Installment.objects.count() == 82


def test_loading_twice_creates_nothing_and_writes_no_history(loaded):
    before = {model: list(model.objects.values()) for model in DEMO_MODELS}
    history = {model: model.history.count() for model in DEMO_MODELS}

    again = demo.load_demo_data()

    assert again.total(demo.CREATED) == 0
    assert again.total(demo.LEFT_ALONE) == 159
    assert {model: list(model.objects.values()) for model in DEMO_MODELS} == before
    assert {model: model.history.count() for model in DEMO_MODELS} == history


def test_the_channel_is_created_through_its_service_and_recorded(db, caplog):
    caplog.set_level(logging.INFO, logger="omnitron.services")

    demo.load_demo_data()

    channel = Channel.objects.get(name="Demo Web Shop")
    assert f"Created channel pk={channel.pk}" in caplog.messages
    assert [record.history_type for record in channel.history.all()] == ["+"]


class TestAfterTheUserWorked:
    """What a user did to the demo data stays as they left it when `make run` loads it again."""

    def test_the_users_edits_and_deletes_through_the_api_survive_a_second_make_run(
        self, loaded, api
    ):
        plan = models.Installment.objects.get(card__slug="paraf", installment_count=6)
        account = models.BankAccount.objects.get(iban="TR670006400000012345678901")
        api.patch(f"/api/v1/installments/{plan.pk}/", {"label": "6 ay"})
        api.delete(f"/api/v1/bank_accounts/{account.pk}/")
        rows = {model: model.objects.count() for model in DEMO_MODELS}
        records = {model: model.history.count() for model in DEMO_MODELS}

        call_command("load_demo_data")

        assert models.Installment.objects.get(pk=plan.pk).label == "6 ay"
        assert list(
            models.BankAccount.objects.filter(iban=account.iban).values_list("pk", "is_active")
        ) == [(account.pk, False)]
        assert {model: model.objects.count() for model in DEMO_MODELS} == rows
        assert {model: model.history.count() for model in DEMO_MODELS} == records

    def test_an_edited_installment_label_is_kept(self, loaded):
        plan = models.Installment.objects.get(
            card__slug="bonus", card__card_type__name="Visa", installment_count=3
        )
        InstallmentService().update(plan, {"label": "3 ay, faizsiz"})
        records = models.Installment.history.count()

        again = demo.load_demo_data()

        assert models.Installment.objects.get(pk=plan.pk).label == "3 ay, faizsiz"
        assert again.counts["installments"] == {"left alone": 82}
        assert models.Installment.history.count() == records

    def test_a_deleted_bank_account_is_not_created_again(self, loaded):
        account = models.BankAccount.objects.get(iban="TR880006200000006298765432")
        BankAccountService().delete(account)

        again = demo.load_demo_data()

        assert list(
            models.BankAccount.objects.filter(iban="TR880006200000006298765432").values_list(
                "pk", "is_active"
            )
        ) == [(account.pk, False)]
        assert models.BankAccount.objects.count() == 4
        assert again.counts["bank accounts"] == {"left alone": 4}

    def test_an_account_the_old_loader_created_twice_gets_no_third(self, loaded):
        account = models.BankAccount.objects.get(iban="TR880006200000006298765432")
        BankAccountService().delete(account)
        BankAccountService().create(
            {
                "bank": account.bank,
                "channel": account.channel,
                "holder_name": account.holder_name,
                "iban": account.iban,
            }
        )

        demo.load_demo_data()

        assert models.BankAccount.objects.filter(iban=account.iban).count() == 2

    def test_a_deleted_installment_is_not_created_again(self, loaded):
        plan = models.Installment.objects.get(card__slug="paraf", installment_count=12)
        InstallmentService().delete(plan)

        again = demo.load_demo_data()

        assert not models.Installment.objects.filter(card__slug="paraf", installment_count=12)
        assert models.Installment.objects.count() == 81
        assert again.counts["installments"] == {"left alone": 81, "not re-created": 1}

    def test_a_deleted_card_is_not_created_again_nor_its_bins(self, loaded):
        card = models.Card.objects.get(slug="paraf")
        CardService().delete(card)

        again = demo.load_demo_data()

        assert not models.Card.objects.filter(slug="paraf").exists()
        assert not models.BinNumber.objects.filter(bin_number__in=["510056", "521378"]).exists()
        assert again.counts["cards"] == {"left alone": 14, "not re-created": 1}
        assert again.total(demo.CREATED) == 0

    def test_a_pos_whose_config_was_edited_keeps_it(self, loaded):
        garanti = models.Pos.objects.get(slug="garanti-sanal-pos")
        PosService().update(
            garanti, {"config": {**PosService().plain_config(garanti), "mode": "LIVE"}}
        )

        demo.load_demo_data()

        assert PosService().plain_config(models.Pos.objects.get(pk=garanti.pk))["mode"] == "LIVE"

    def test_a_renamed_demo_channel_gets_no_second_demo_channel(self, loaded):
        channel = Channel.objects.get(name="Demo Web Shop")
        ChannelService().update(channel, {"name": "My Shop"})

        again = demo.load_demo_data()

        assert list(Channel.objects.values_list("name", flat=True)) == ["My Shop"]
        assert again.total(demo.CREATED) == 0
        assert again.counts == {"channels": {"not re-created": 1}}


def test_the_command_says_what_it_created(db, capsys):
    call_command("load_demo_data")

    out = capsys.readouterr().out
    assert "  banks: 9 created\n" in out
    assert out.endswith("Demo data loaded: 159 objects created.\n")


def test_the_command_says_what_it_left_alone_when_run_again(loaded, capsys):
    models.Installment.objects.filter(card__slug="paraf", installment_count=12).get().delete()

    call_command("load_demo_data")

    out = capsys.readouterr().out
    assert "  installments: 81 left alone, 1 not re-created\n" in out
    assert out.endswith(
        "Demo data already loaded: nothing created; 158 objects already there left as they "
        "are; 1 deleted or changed since not re-created.\n"
    )


def test_banks_carry_their_public_eft_codes(loaded, shared_data):
    with (shared_data / "research/data/tr_banks_eft_swift.csv").open(encoding="utf-8") as handle:
        published = {row["eft_code"] for row in csv.DictReader(handle)}
    codes = set(models.Bank.objects.values_list("eft_code", flat=True))
    assert {"0046", "0062", "0064", "0067", "0010", "0012", "0015", "0134"} <= codes
    assert codes - published == {"0111"} - published


def test_every_demo_bin_is_in_the_public_turkish_bin_list_with_its_network(loaded, shared_data):
    with (shared_data / "data/turkey_bin_list.csv").open(encoding="utf-8-sig") as handle:
        networks = {row["BIN"]: row["Network"] for row in csv.DictReader(handle, delimiter=";")}
    mismatched = [
        (bin_number.bin_number, bin_number.card.card_type.name)
        for bin_number in models.BinNumber.objects.select_related("card__card_type")
        if networks.get(bin_number.bin_number, "").lower() != bin_number.card.card_type.name.lower()
    ]
    assert mismatched == []


def test_bank_account_ibans_are_valid_and_carry_the_bank_code(loaded):
    for account in models.BankAccount.objects.select_related("bank"):
        assert IBAN(account.iban).bank_code == "0" + account.bank.eft_code


def test_pos_secrets_are_not_stored_in_plain_text(loaded):
    garanti = models.Pos.objects.get(slug="garanti-sanal-pos")
    assert garanti.config["merchant_id"] == "7000679"
    assert garanti.config["store_key"] != "demo-store-key"
    assert garanti.config["store_key"].startswith("gAAAAA")
