"""The demo data set: real banks and BINs, valid IBANs, encrypted secrets, and idempotent."""

import csv

import pytest
from django.core.management import call_command
from schwifty import IBAN

from payments import demo, models

pytestmark = pytest.mark.django_db


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


def test_loading_twice_changes_nothing(loaded):
    before = {m: list(m.objects.values()) for m in (models.Pos, models.Card, models.BinNumber)}
    history = models.Card.history.count()

    again = demo.load_demo_data()

    assert again.changed() == 0
    assert {m: list(m.objects.values()) for m in before} == before
    assert models.Card.history.count() == history


def test_the_command_says_when_nothing_changed(loaded, capsys):
    call_command("load_demo_data")
    assert "Demo data already loaded: nothing changed." in capsys.readouterr().out


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
