"""The data model: fields, validators and the named unique sets with the reference's messages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from payments import models
from payments.tests.factories import (
    BankAccountFactory,
    BankFactory,
    BinNumberFactory,
    CardFactory,
    CardTypeFactory,
    ChannelFactory,
    InstallmentFactory,
    MultiCurrencyCardFactory,
    PaymentOptionFactory,
    PosFactory,
)

pytestmark = pytest.mark.django_db


def constraint_messages(instance):
    with pytest.raises(ValidationError) as caught:
        instance.validate_constraints()
    return caught.value.messages


def insert_fails(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


class TestPos:
    def test_slug_is_unique_per_channel_with_the_reference_message(self):
        pos = PosFactory(slug="garanti")
        duplicate = models.Pos(slug="garanti", channel=pos.channel)
        assert constraint_messages(duplicate) == [
            "The fields slug, channel must make a unique set."
        ]
        insert_fails(PosFactory, slug="garanti", channel=pos.channel)

    def test_same_slug_on_another_channel_is_allowed(self):
        PosFactory(slug="garanti")
        assert PosFactory(slug="garanti").slug == "garanti"

    def test_gateway_display_is_the_registry_name(self):
        pos = PosFactory(
            gateway="omnicore.libs.payment_gateways.gpay.GPayGateway",
            config={
                "auth": {"merchant_id": "1", "terminal_id": "2", "password": "p"},
                "store_key": "k",
                "mode": "TEST",
            },
        )
        assert pos.get_gateway_display() == "Gpay"

    def test_timestamps_are_set_on_create_and_move_on_save(self):
        pos = PosFactory()
        created, modified = pos.created_date, pos.modified_date
        pos.name = "Renamed"
        pos.save()
        assert pos.created_date == created
        assert pos.modified_date > modified


class TestBank:
    def test_slug_is_unique_per_channel(self):
        bank = BankFactory(slug="akbank")
        assert constraint_messages(models.Bank(slug="akbank", channel=bank.channel)) == [
            "The fields slug, channel must make a unique set."
        ]

    def test_eft_code_keeps_leading_zeros(self):
        bank = BankFactory(eft_code="0046")
        bank.refresh_from_db()
        assert bank.eft_code == "0046"

    @pytest.mark.parametrize("code", ["46", "00046", "٠٠٤٦", "00a6"])
    def test_eft_code_must_be_four_ascii_digits(self, code):
        bank = BankFactory.build(eft_code=code, channel=ChannelFactory())
        with pytest.raises(ValidationError) as caught:
            bank.full_clean()
        assert (
            "An EFT code is the 4-digit national bank code, e.g. 0062."
            in (caught.value.message_dict["eft_code"])
        )

    def test_unicode_slug_is_valid(self):
        bank = BankFactory.build(slug="türkiye-iş-bankası", channel=ChannelFactory())
        bank.full_clean()


class TestCardType:
    def test_slug_is_unique_per_channel(self):
        card_type = CardTypeFactory(slug="visa")
        assert constraint_messages(models.CardType(slug="visa", channel=card_type.channel)) == [
            "The fields slug, channel must make a unique set."
        ]


class TestCard:
    def test_both_unique_sets_are_reported_together(self):
        card = CardFactory(slug="bonus")
        twin = models.Card(
            slug="bonus",
            channel=card.channel,
            bank=card.bank,
            card_type=card.card_type,
            card_payment_type=card.card_payment_type,
            pos=card.pos,
            installment_pos=card.pos,
        )
        assert sorted(constraint_messages(twin)) == [
            "The fields bank, card_type, card_payment_type must make a unique set.",
            "The fields slug, channel, bank, card_type must make a unique set.",
        ]

    def test_same_bank_and_type_with_another_payment_type_is_allowed(self):
        card = CardFactory(card_payment_type="credit")
        debit = CardFactory(
            channel=card.channel,
            bank=card.bank,
            card_type=card.card_type,
            card_payment_type="debit",
            pos=card.pos,
            installment_pos=card.pos,
        )
        assert debit.pk != card.pk

    def test_a_pos_used_by_a_card_cannot_be_deleted(self):
        card = CardFactory()
        with pytest.raises(models.models.ProtectedError):
            card.pos.delete()


class TestMultiCurrencyCard:
    def test_one_entry_per_card_and_currency(self):
        entry = MultiCurrencyCardFactory(currency="USD")
        insert_fails(MultiCurrencyCardFactory, card=entry.card, currency="USD", pos=entry.pos)

    @pytest.mark.parametrize("currency", ["usd", "ABC", "US", "₺"])
    def test_currency_must_be_an_iso_4217_code(self, currency):
        entry = MultiCurrencyCardFactory.build(
            currency=currency, card=CardFactory(), pos=PosFactory()
        )
        with pytest.raises(ValidationError) as caught:
            entry.full_clean()
        assert caught.value.message_dict["currency"] == [
            f"{currency} is not an ISO 4217 currency code (e.g. TRY, USD, EUR)."
        ]


class TestBinNumber:
    def test_channel_is_copied_from_the_card(self):
        bin_number = BinNumberFactory()
        assert bin_number.channel_id == bin_number.card.channel_id

    def test_a_bin_belongs_to_one_card_per_channel(self):
        first = BinNumberFactory(bin_number="554960")
        other_card = CardFactory(
            channel=first.card.channel,
            card_payment_type="debit",
            bank=first.card.bank,
            card_type=first.card.card_type,
        )
        insert_fails(BinNumberFactory, bin_number="554960", card=other_card)

    def test_the_same_bin_may_exist_on_another_channel(self):
        BinNumberFactory(bin_number="554960")
        assert BinNumberFactory(bin_number="554960").bin_number == "554960"

    def test_six_and_eight_digit_prefixes_coexist(self):
        six = BinNumberFactory(bin_number="457105")
        eight = BinNumberFactory(bin_number="45710536", card__channel=six.channel)
        assert {six.bin_number, eight.bin_number} == {"457105", "45710536"}

    def test_leading_zeros_are_kept(self):
        bin_number = BinNumberFactory(bin_number="012345")
        bin_number.refresh_from_db()
        assert bin_number.bin_number == "012345"

    @pytest.mark.parametrize(
        "value", ["12345", "1234567", "123456789", "55496O", "٥٥٤٩٦٠", "５５４９６０"]
    )
    def test_only_six_or_eight_ascii_digits_validate(self, value):
        with pytest.raises(ValidationError) as caught:
            BinNumberFactory.build(bin_number=value, card=CardFactory()).full_clean()
        assert "A BIN is exactly 6 or 8 digits (0-9)." in caught.value.message_dict["bin_number"]

    def test_the_database_refuses_a_seven_digit_bin(self):
        insert_fails(BinNumberFactory, bin_number="1234567")


class TestInstallment:
    def test_one_plan_per_card_and_count(self):
        plan = InstallmentFactory(installment_count=3)
        assert constraint_messages(models.Installment(card=plan.card, installment_count=3)) == [
            "The fields card, installment_count must make a unique set."
        ]

    @pytest.mark.parametrize("count", [0, 37])
    def test_the_database_refuses_a_count_outside_1_to_36(self, count):
        insert_fails(InstallmentFactory, installment_count=count)

    def test_the_database_refuses_a_negative_interest_rate(self):
        insert_fails(InstallmentFactory, interest_rate=Decimal("-0.01"))

    def test_interest_rate_keeps_two_decimal_places(self):
        plan = InstallmentFactory(interest_rate=Decimal("12.10"))
        plan.refresh_from_db()
        assert str(plan.interest_rate) == "12.10"


class TestBankAccount:
    def test_iban_is_stored_without_spaces_in_upper_case(self):
        account = BankAccountFactory(iban="tr33 0006 1005 1978 6457 8413 26")
        account.refresh_from_db()
        assert account.iban == "TR330006100519786457841326"

    def test_an_iban_with_a_wrong_checksum_is_invalid(self):
        account = BankAccountFactory.build(
            iban="TR340006100519786457841326", channel=ChannelFactory(), bank=BankFactory()
        )
        with pytest.raises(ValidationError) as caught:
            account.full_clean(exclude=["bank"])
        assert caught.value.message_dict["iban"][0].startswith("Enter a valid IBAN:")

    def test_an_active_iban_is_unique_per_channel_but_a_deactivated_one_is_not(self):
        account = BankAccountFactory(is_active=False)
        again = BankAccountFactory(channel=account.channel, bank=account.bank)
        insert_fails(BankAccountFactory, channel=account.channel, bank=account.bank)
        assert again.iban == account.iban


class TestPaymentOption:
    def test_slug_is_unique_per_channel(self):
        option = PaymentOptionFactory(slug="ödeme-seceneği")
        assert constraint_messages(
            models.PaymentOption(slug="ödeme-seceneği", channel=option.channel)
        ) == ["The fields slug, channel must make a unique set."]

    def test_the_reference_unicode_slug_is_valid(self):
        option = PaymentOptionFactory.build(slug="ödeme-seceneği", channel=ChannelFactory())
        option.full_clean()
