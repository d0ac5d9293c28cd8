"""The checkout BIN lookup: longest prefix, active data only, POS per currency, priced installment
plans, refused input, and a number of queries that does not grow with the data."""

import csv
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from conftest import grant, token_client
from payments import models
from payments.services.lookup import installment_amounts, match_query
from payments.tests.factories import (
    BankFactory,
    BinNumberFactory,
    CardFactory,
    ChannelFactory,
    InstallmentFactory,
    MultiCurrencyCardFactory,
    PosFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/bin_numbers/lookup/"
BIN_MESSAGE = "Give the first 6 to 19 digits (0-9) of the card number."


def lookup(client, channel, bin, amount="100.00", currency="TRY"):
    return client.get(
        URL, {"channel": channel.pk, "bin": bin, "amount": amount, "currency": currency}
    )


def plans(response):
    """`(count, rate, installment_amount, total_amount)` of each plan of the answer."""
    fields = ("installment_count", "interest_rate", "installment_amount", "total_amount")
    return [tuple(plan[name] for name in fields) for plan in response.json()["installments"]]


def card_with_plans(channel, *rates, **kwargs):
    """A card offering single payment and installments, with one plan per `(count, rate)`."""
    card = CardFactory(channel=channel, cash_payment=True, installment_payment=True, **kwargs)
    for count, rate in rates:
        InstallmentFactory(
            card=card,
            installment_count=count,
            label="Single payment" if count == 1 else f"{count} installments",
            interest_rate=Decimal(rate),
        )
    return card


@pytest.fixture
def channel():
    return ChannelFactory(name="Web shop")


@pytest.fixture
def danish_bins(shared_data):
    """The real pair of binlist's sample: `457105` of one bank, `45710536` of another."""
    with open(shared_data / "research/data/binlist_ranges_sample.csv", encoding="utf-8") as f:
        return {row["iin_start"]: row["bank_name"] for row in csv.DictReader(f)}


@pytest.fixture
def overlapping(channel, danish_bins):
    """Cards of two banks whose BINs overlap: 457105 (6 digits) and 45710536 (8 digits)."""
    for bin_number in ("457105", "45710536"):
        bank = BankFactory(channel=channel, name=danish_bins[bin_number])
        BinNumberFactory(bin_number=bin_number, card=CardFactory(channel=channel, bank=bank))


class TestLongestPrefix:
    @pytest.mark.parametrize(
        ("card_digits", "bin_number", "bank"),
        [
            ("457105", "457105", "Sparekassen Sjælland"),
            ("4571053", "457105", "Sparekassen Sjælland"),
            ("45710536", "45710536", "Danske Bank"),
            ("4571053612345678", "45710536", "Danske Bank"),
            ("4571053612345678901", "45710536", "Danske Bank"),
            ("4571054400000000", "457105", "Sparekassen Sjælland"),
        ],
    )
    def test_the_eight_digit_bin_beats_the_six_digit_bin_it_starts_with(
        self, api, channel, overlapping, card_digits, bin_number, bank
    ):
        response = lookup(api, channel, card_digits)

        assert response.status_code == 200
        assert response.json()["bin_number"] == bin_number
        assert response.json()["bin_number_length"] == len(bin_number)
        assert response.json()["bank"]["name"] == bank

    def test_an_eight_digit_bin_needs_eight_digits_of_the_card(self, api, channel):
        BinNumberFactory(bin_number="45710536", card=CardFactory(channel=channel))

        assert lookup(api, channel, "457105").status_code == 404
        assert lookup(api, channel, "4571053").status_code == 404
        assert lookup(api, channel, "45710536").json()["bin_number"] == "45710536"

    def test_leading_zeros_are_digits_of_the_bin(self, api, channel):
        BinNumberFactory(bin_number="004512", card=CardFactory(channel=channel, name="Zero"))

        assert lookup(api, channel, "0045120000000000").json()["card"]["name"] == "Zero"
        assert lookup(api, channel, "4512000000000000").status_code == 404


class TestAnswer:
    def test_the_answer_carries_card_bank_card_type_pos_and_plans(self, api, channel):
        pos = PosFactory(channel=channel, name="Akbank Nestpay", slug="akbank-nestpay")
        three_d = PosFactory(channel=channel, name="Akbank 3-D", slug="akbank-3d")
        card = card_with_plans(
            channel,
            (1, "0.00"),
            (3, "2.79"),
            name="Axess",
            slug="axess",
            bank=BankFactory(channel=channel, name="Akbank", slug="akbank", eft_code="0046"),
            card_type__name="Visa",
            card_type__slug="visa",
            pos=pos,
            three_d_pos=three_d,
            is_commercial=True,
            three_d_payment=True,
        )
        card.bank.logo.name = "banks/akbank.png"
        card.bank.save()
        BinNumberFactory(bin_number="413252", card=card)

        response = lookup(api, channel, "4132520000000000", amount="250")

        assert response.status_code == 200
        assert response.json() == {
            "bin_number": "413252",
            "bin_number_length": 6,
            "amount": "250.00",
            "currency": "TRY",
            "card": {
                "pk": card.pk,
                "name": "Axess",
                "slug": "axess",
                "card_payment_type": "credit",
                "is_commercial": True,
                "cash_payment": True,
                "installment_payment": True,
                "three_d_payment": True,
            },
            "bank": {
                "pk": card.bank.pk,
                "name": "Akbank",
                "slug": "akbank",
                "eft_code": "0046",
                "logo": "http://testserver/media/banks/akbank.png",
            },
            "card_type": {
                "pk": card.card_type.pk,
                "name": "Visa",
                "slug": "visa",
                "logo": None,
            },
            "multi_currency_card": None,
            "pos": {
                "pk": pos.pk,
                "name": "Akbank Nestpay",
                "slug": "akbank-nestpay",
                "gateway": "omnicore.libs.payment_gateways.dummy.DummyGateway",
            },
            "installment_pos": {
                "pk": pos.pk,
                "name": "Akbank Nestpay",
                "slug": "akbank-nestpay",
                "gateway": "omnicore.libs.payment_gateways.dummy.DummyGateway",
            },
            "three_d_pos": {
                "pk": three_d.pk,
                "name": "Akbank 3-D",
                "slug": "akbank-3d",
                "gateway": "omnicore.libs.payment_gateways.dummy.DummyGateway",
            },
            "installments": [
                {
                    "installment_count": 1,
                    "label": "Single payment",
                    "interest_rate": "0.00",
                    "installment_amount": "250.00",
                    "total_amount": "250.00",
                },
                {
                    "installment_count": 3,
                    "label": "3 installments",
                    "interest_rate": "2.79",
                    "installment_amount": "85.66",
                    "total_amount": "256.98",
                },
            ],
        }

    def test_no_match_is_a_404_with_a_detail(self, api, channel):
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=channel))

        response = lookup(api, channel, "5549600000000000")

        assert response.status_code == 404
        assert response.json() == {"detail": "No BIN of this channel matches the card number."}


class TestActiveData:
    def test_an_inactive_channel_matches_nothing(self, api):
        channel = ChannelFactory(is_active=False)
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=channel))

        response = lookup(api, channel, "4132520000000000")

        assert response.status_code == 404
        assert response.json() == {"detail": "No BIN of this channel matches the card number."}

    def test_an_unknown_channel_matches_nothing(self, api, channel):
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=channel))

        response = api.get(
            URL, {"channel": channel.pk + 1000, "bin": "413252", "amount": "1", "currency": "TRY"}
        )

        assert response.status_code == 404

    def test_another_channels_bin_is_not_matched(self, api, channel):
        other = ChannelFactory(name="Mobile app")
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=other))

        assert lookup(api, channel, "4132520000000000").status_code == 404
        assert lookup(api, other, "4132520000000000").status_code == 200

    def test_each_channel_answers_its_own_card_for_the_same_bin(self, api, channel):
        other = ChannelFactory(name="Mobile app")
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=channel, name="Web card"))
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=other, name="App card"))

        assert lookup(api, channel, "413252").json()["card"]["name"] == "Web card"
        assert lookup(api, other, "413252").json()["card"]["name"] == "App card"

    def test_an_inactive_installment_is_not_offered(self, api, channel):
        card = card_with_plans(channel, (1, "0"), (3, "2.50"), (6, "5.00"))
        models.Installment.objects.filter(card=card, installment_count=3).update(is_active=False)
        BinNumberFactory(bin_number="413252", card=card)

        response = lookup(api, channel, "413252")

        assert [plan["installment_count"] for plan in response.json()["installments"]] == [1, 6]

    def test_a_card_without_installment_payment_offers_only_the_single_payment(self, api, channel):
        card = card_with_plans(channel, (1, "0"), (3, "2.50"))
        card.installment_payment = False
        card.save()
        BinNumberFactory(bin_number="413252", card=card)

        response = lookup(api, channel, "413252")

        assert [plan["installment_count"] for plan in response.json()["installments"]] == [1]

    def test_a_card_without_single_payment_offers_only_installments(self, api, channel):
        card = card_with_plans(channel, (1, "0"), (3, "2.50"))
        card.cash_payment = False
        card.save()
        BinNumberFactory(bin_number="413252", card=card)

        response = lookup(api, channel, "413252")

        assert [plan["installment_count"] for plan in response.json()["installments"]] == [3]


class TestPosForTheCurrency:
    @pytest.fixture
    def card(self, channel):
        card = CardFactory(
            channel=channel,
            pos__slug="try-pos",
            three_d_pos=PosFactory(channel=channel, slug="try-3d"),
        )
        BinNumberFactory(bin_number="413252", card=card)
        return card

    @pytest.fixture
    def usd_card(self, card):
        return MultiCurrencyCardFactory(
            card=card,
            currency="USD",
            pos__slug="usd-pos",
            installment_pos=PosFactory(channel=card.channel, slug="usd-installments"),
            three_d_pos=None,
        )

    def pos_slugs(self, response):
        answer = response.json()
        return [
            answer[role] and answer[role]["slug"]
            for role in ("pos", "installment_pos", "three_d_pos")
        ]

    def test_the_multi_currency_card_of_the_currency_gives_the_pos(
        self, api, channel, card, usd_card
    ):
        response = lookup(api, channel, "413252", currency="USD")

        assert response.json()["multi_currency_card"] == usd_card.pk
        assert self.pos_slugs(response) == ["usd-pos", "usd-installments", None]

    def test_without_one_for_the_currency_the_cards_pos_are_used(
        self, api, channel, card, usd_card
    ):
        response = lookup(api, channel, "413252", currency="EUR")

        assert response.json()["multi_currency_card"] is None
        assert self.pos_slugs(response) == ["try-pos", "try-pos", "try-3d"]

    def test_a_pos_shows_no_config(self, api, channel, card):
        response = lookup(api, channel, "413252")

        assert set(response.json()["pos"]) == {"pk", "name", "slug", "gateway"}


class TestRounding:
    @pytest.mark.parametrize(
        ("amount", "count", "rate", "installment_amount", "total_amount"),
        [
            # 100.00 in 3 does not divide: 33.33 each, the total stays 100.00.
            ("100.00", 3, "0.00", "33.33", "100.00"),
            # 100.01 / 2 = 50.005: half-up gives 50.01 (banker's rounding would give 50.00).
            ("100.01", 2, "0.00", "50.01", "100.01"),
            # 100.50 × 1.01 = 101.505: the total rounds half-up to 101.51.
            ("100.50", 1, "1.00", "101.51", "101.51"),
            # 1.01 × 1.005 = 1.01505, which a float computes as 1.0150499...
            ("1.01", 1, "0.50", "1.02", "1.02"),
            # Denizbank's 2 installments on iyzico: 101.29 / 2 = 50.645 → 50.65.
            ("100", 2, "1.29", "50.65", "101.29"),
            # 1234.56 × 1.1234 = 1386.904704 → 1386.90; / 9 = 154.1 → 154.10.
            ("1234.56", 9, "12.34", "154.10", "1386.90"),
        ],
    )
    def test_amounts_are_rounded_half_up_to_cents(
        self, api, channel, amount, count, rate, installment_amount, total_amount
    ):
        card = card_with_plans(channel, (count, rate))
        BinNumberFactory(bin_number="413252", card=card)

        response = lookup(api, channel, "413252", amount=amount)

        assert plans(response) == [(count, rate, installment_amount, total_amount)]

    def test_plans_are_listed_by_installment_count(self, api, channel):
        card = card_with_plans(channel, (9, "4.86"), (1, "0"), (3, "1.64"))
        BinNumberFactory(bin_number="554960", card=card)

        response = lookup(api, channel, "554960", amount="100")

        assert plans(response) == [
            (1, "0.00", "100.00", "100.00"),
            (3, "1.64", "33.88", "101.64"),
            (9, "4.86", "11.65", "104.86"),
        ]

    def test_every_installment_table_of_iyzico_is_reproduced(self, shared_data):
        """iyzico's published tables give, for a price, each plan's installment and total; the
        implied rate reproduces both, row for row."""
        path = shared_data / "research/data/iyzico_installment_examples.csv"
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))

        differences = [
            row
            for row in rows
            if installment_amounts(
                Decimal(row["base_price"]),
                Decimal(row["implied_total_rate_pct"]),
                int(row["installment_number"]),
            )
            != (Decimal(row["installment_price"]), Decimal(row["total_price"]))
        ]

        assert len(rows) == 40
        assert differences == []


class TestRefusedInput:
    @pytest.mark.parametrize(
        "value",
        [
            "45710",  # 5 digits
            "45710536123456789012",  # 20 digits
            "4571 0536",
            "4571-0536",
            "45710a",
            "٤٥٧١٠٥",  # Arabic-Indic digits
            "４５７１０５",  # full-width digits
        ],
    )
    def test_a_malformed_bin_is_a_400_that_does_not_repeat_it(self, api, channel, value):
        response = lookup(api, channel, value)

        assert response.status_code == 400
        assert response.json() == {"bin": [BIN_MESSAGE]}

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("abc", "A valid number is required."),
            ("1e2", "A valid number is required."),
            ("NaN", "A valid number is required."),
            ("1,50", "A valid number is required."),
            ("0", "Ensure this value is greater than or equal to 0.01."),
            ("-5.00", "Ensure this value is greater than or equal to 0.01."),
            ("100.001", "Ensure that there are no more than 2 decimal places."),
            ("10000000000.00", "Ensure that there are no more than 12 digits in total."),
        ],
    )
    def test_a_malformed_amount_is_a_400(self, api, channel, value, message):
        response = lookup(api, channel, "413252", amount=value)

        assert response.status_code == 400
        assert response.json() == {"amount": [message]}

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("try", "try is not an ISO 4217 currency code (e.g. TRY, USD, EUR)."),
            ("ABC", "ABC is not an ISO 4217 currency code (e.g. TRY, USD, EUR)."),
            ("EURO", "EURO is not an ISO 4217 currency code (e.g. TRY, USD, EUR)."),
        ],
    )
    def test_a_malformed_currency_is_a_400(self, api, channel, value, message):
        response = lookup(api, channel, "413252", currency=value)

        assert response.status_code == 400
        assert response.json() == {"currency": [message]}

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("web", "A valid integer is required."),
            ("１", "A valid integer is required."),  # a full-width digit one
            ("0", "Ensure this value is greater than or equal to 1."),
            (
                "99999999999999999999",
                "Ensure this value is less than or equal to 9223372036854775807.",
            ),
        ],
    )
    def test_a_malformed_channel_is_a_400(self, api, value, message):
        response = api.get(
            URL, {"channel": value, "bin": "413252", "amount": "1", "currency": "TRY"}
        )

        assert response.status_code == 400
        assert response.json() == {"channel": [message]}

    def test_a_parameter_the_lookup_does_not_know_is_a_400(self, api, channel):
        response = api.get(
            URL,
            {"channel": channel.pk, "bin": "413252", "amount": "1", "currency": "TRY", "x": "1"},
        )

        assert response.status_code == 400
        assert response.json() == {
            "x": ["Not a parameter here. The parameters: channel, bin, amount, currency."]
        }

    def test_a_parameter_given_twice_is_a_400(self, api, channel):
        response = api.get(
            f"{URL}?channel={channel.pk}&bin=413252&bin=540061&amount=1&currency=TRY"
        )

        assert response.status_code == 400
        assert response.json() == {"bin": ["Given more than once; give it once."]}

    def test_the_response_format_may_be_named(self, api, channel):
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=channel))

        response = api.get(
            URL,
            {
                "channel": channel.pk,
                "bin": "4132520000000000",
                "amount": "1",
                "currency": "TRY",
                "format": "json",
            },
        )

        assert response.status_code == 200

    def test_every_parameter_is_required(self, api):
        response = api.get(URL)

        assert response.status_code == 400
        assert response.json() == {
            "channel": ["This field is required."],
            "bin": ["This field is required."],
            "amount": ["This field is required."],
            "currency": ["This field is required."],
        }


class TestAccess:
    def test_without_a_token_it_is_a_401(self, anonymous, channel):
        assert lookup(anonymous, channel, "413252").status_code == 401

    def test_without_view_binnumber_it_is_a_403(self, channel):
        user = grant(get_user_model().objects.create_user("shop"), "payments.view_card")

        assert lookup(token_client(user), channel, "413252").status_code == 403

    def test_the_benchmark_floor_is_not_served_by_the_product(self, api, channel):
        BinNumberFactory(bin_number="413252", card=CardFactory(channel=channel))

        response = api.get(
            "/bench/floor/lookup/",
            {"channel": channel.pk, "bin": "413252", "amount": "1", "currency": "TRY"},
        )

        assert response.status_code == 404


class TestQueries:
    """The token, the user's permissions (two queries: own and groups'), then the lookup's
    four: the BIN, the card with what it joins, the POS, the plans."""

    @pytest.fixture
    def storefront(self):
        user = get_user_model().objects.create_user("storefront")
        return token_client(grant(user, "payments.view_binnumber"))

    @pytest.fixture
    def card(self, channel):
        card = card_with_plans(channel, (1, "0"), (3, "2.50"))
        MultiCurrencyCardFactory(card=card, currency="USD")
        BinNumberFactory(bin_number="413252", card=card)
        return card

    def test_a_storefront_account_needs_seven_queries(
        self, storefront, channel, card, django_assert_num_queries
    ):
        with django_assert_num_queries(7):
            response = lookup(storefront, channel, "4132520000000000", currency="USD")

        assert response.status_code == 200

    def test_a_superuser_needs_five_queries(self, api, channel, card, django_assert_num_queries):
        with django_assert_num_queries(5):
            response = lookup(api, channel, "4132520000000000")

        assert response.status_code == 200

    def test_the_count_does_not_grow_with_bins_plans_and_currencies(
        self, storefront, channel, card, django_assert_num_queries
    ):
        BinNumberFactory(bin_number="41325200", card=CardFactory(channel=channel))
        BinNumberFactory.create_batch(200, card=card)
        for count in (2, 6, 9, 12, 18, 24, 36):
            InstallmentFactory(card=card, installment_count=count)
        for currency in ("EUR", "GBP", "CHF"):
            MultiCurrencyCardFactory(card=card, currency=currency)

        with django_assert_num_queries(7):
            response = lookup(storefront, channel, "4132520100000000", currency="EUR")

        assert response.status_code == 200
        assert len(response.json()["installments"]) == 9

    def test_a_miss_stops_after_the_bin_query(
        self, storefront, channel, card, django_assert_num_queries
    ):
        with django_assert_num_queries(4):
            response = lookup(storefront, channel, "5549600000000000")

        assert response.status_code == 404


@pytest.mark.postgres
def test_postgresql_finds_the_bin_through_the_channel_bin_index(channel):
    """With many BINs on the channel, the planner probes the unique (channel, bin_number) index
    for the two prefixes instead of scanning."""
    card = CardFactory(channel=channel)
    models.BinNumber.objects.bulk_create(
        models.BinNumber(bin_number=f"{400000 + n}", card=card, channel=channel)
        for n in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE payments_binnumber")
    plan = match_query(channel.pk, "4132520000000000").explain()

    assert "Index Scan using unique_bin_number_channel on payments_binnumber" in plan


@pytest.mark.postgres
def test_postgresql_probes_the_index_even_when_statistics_call_every_bin_common(channel):
    """Statistics taken before a large import can say a BIN value is common. The lookup then
    still probes the unique index once per prefix, instead of walking the channel's range of it
    backwards (`ORDER BY ... LIMIT 1`) or scanning the table (`IN (...)`), as it once did."""
    card = CardFactory(channel=channel)
    models.BinNumber.objects.bulk_create(
        models.BinNumber(bin_number=f"{40000000 + n}", card=card, channel=channel)
        for n in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
        cursor.execute(
            "ALTER TABLE payments_binnumber ALTER COLUMN bin_number SET (n_distinct = 3)"
        )
        cursor.execute("ANALYZE payments_binnumber")
    plan = match_query(channel.pk, "9999990000000000").explain()

    assert "Backward" not in plan
    assert "Seq Scan on payments_binnumber" not in plan
    assert (
        f"Index Cond: ((channel_id = {channel.pk}) AND ((bin_number)::text = '999999'::text))"
        in plan
    )
    assert (
        f"Index Cond: ((channel_id = {channel.pk}) AND ((bin_number)::text = '99999900'::text))"
        in plan
    )
