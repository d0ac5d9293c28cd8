"""`/api/v1/cards/`: card programmes, both reference unique sets at once, the cross-channel
check (`card_100_1`), channel immutability (`card_100_2`) and every filter."""

from unittest import mock

import pytest
from rest_framework.validators import UniqueTogetherValidator

from payments import models
from payments.tests.factories import (
    BankFactory,
    BinNumberFactory,
    CardFactory,
    CardTypeFactory,
    ChannelFactory,
    InstallmentFactory,
    PosFactory,
)
from payments.tests.helpers import pks, set_modified

pytestmark = pytest.mark.django_db

SLUG_SET = "The fields slug, channel, bank, card_type must make a unique set."
TYPE_SET = "The fields bank, card_type, card_payment_type must make a unique set."


@pytest.fixture
def channel():
    return ChannelFactory(name="Web Shop")


@pytest.fixture
def parts(channel):
    """A bank, a card type and a POS on the channel: what a card needs first."""
    return {
        "bank": BankFactory(slug="garanti", channel=channel),
        "card_type": CardTypeFactory(slug="mastercard", channel=channel),
        "pos": PosFactory(slug="garanti-pos", channel=channel),
    }


def card_body(channel, parts, **changes):
    return {
        "name": "Bonus",
        "slug": "bonus",
        "channel": channel.pk,
        "bank": parts["bank"].pk,
        "card_type": parts["card_type"].pk,
        "card_payment_type": "credit",
        "pos": parts["pos"].pk,
        "installment_pos": parts["pos"].pk,
        "three_d_pos": parts["pos"].pk,
        "is_commercial": False,
        "cash_payment": True,
        "installment_payment": True,
        "three_d_payment": True,
        **changes,
    }


@pytest.fixture
def bonus(channel, parts):
    return CardFactory(
        slug="bonus",
        channel=channel,
        bank=parts["bank"],
        card_type=parts["card_type"],
        card_payment_type="credit",
        pos=parts["pos"],
    )


class TestCreate:
    def test_create_answers_201_with_every_field(self, api, channel, parts):
        response = api.post("/api/v1/cards/", card_body(channel, parts))

        assert response.status_code == 201
        body = response.json()
        assert list(body) == [
            "pk",
            "name",
            "slug",
            "channel",
            "bank",
            "card_type",
            "card_payment_type",
            "pos",
            "installment_pos",
            "three_d_pos",
            "is_commercial",
            "cash_payment",
            "installment_payment",
            "three_d_payment",
            "created_date",
            "modified_date",
        ]
        assert body["bank"] == parts["bank"].pk
        assert body["three_d_pos"] == parts["pos"].pk
        assert models.Card.objects.get(pk=body["pk"]).slug == "bonus"

    def test_the_3d_pos_may_be_null(self, api, channel, parts):
        response = api.post("/api/v1/cards/", card_body(channel, parts, three_d_pos=None))

        assert response.status_code == 201
        assert response.json()["three_d_pos"] is None

    def test_bank_card_type_and_pos_are_needed_first(self, api, channel):
        response = api.post(
            "/api/v1/cards/", {"name": "Bonus", "slug": "bonus", "channel": channel.pk}
        )

        assert response.status_code == 400
        assert response.json() == {
            "bank": ["This field is required."],
            "card_type": ["This field is required."],
            "pos": ["This field is required."],
            "installment_pos": ["This field is required."],
        }

    def test_an_unknown_card_payment_type_is_a_400(self, api, channel, parts):
        response = api.post("/api/v1/cards/", card_body(channel, parts, card_payment_type="charge"))

        assert response.status_code == 400
        assert response.json() == {"card_payment_type": ['"charge" is not a valid choice.']}

    def test_both_unique_sets_broken_answer_both_messages(self, api, channel, parts, bonus):
        response = api.post("/api/v1/cards/", card_body(channel, parts))

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [SLUG_SET, TYPE_SET]}

    def test_a_card_stored_between_the_two_set_checks_breaks_both(self, api, channel, parts):
        # A concurrent request's card, committed after the first set's query and before the
        # second's: the answer must still name both sets, as for a card stored before.
        check_set = UniqueTogetherValidator.__call__
        calls = []

        def store_after_first_check(validator, attrs, serializer):
            check_set(validator, attrs, serializer)
            calls.append(validator)
            if len(calls) == 1:
                CardFactory(
                    slug="bonus",
                    channel=channel,
                    bank=parts["bank"],
                    card_type=parts["card_type"],
                    card_payment_type="credit",
                    pos=parts["pos"],
                )

        with mock.patch.object(UniqueTogetherValidator, "__call__", store_after_first_check):
            response = api.post("/api/v1/cards/", card_body(channel, parts))

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [SLUG_SET, TYPE_SET]}
        assert models.Card.objects.filter(slug="bonus").count() == 1

    def test_the_slug_set_alone(self, api, channel, parts, bonus):
        response = api.post("/api/v1/cards/", card_body(channel, parts, card_payment_type="debit"))

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [SLUG_SET]}

    def test_the_payment_type_set_alone(self, api, channel, parts, bonus):
        response = api.post("/api/v1/cards/", card_body(channel, parts, slug="bonus-plus"))

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [TYPE_SET]}

    def test_another_payment_type_with_another_slug_is_allowed(self, api, channel, parts, bonus):
        response = api.post(
            "/api/v1/cards/",
            card_body(channel, parts, slug="bonus-debit", card_payment_type="debit"),
        )
        assert response.status_code == 201

    def test_a_bank_of_another_channel_is_a_406_card_100_1(self, api, channel, parts):
        foreign = BankFactory(slug="akbank", channel=ChannelFactory(name="App"))

        response = api.post("/api/v1/cards/", card_body(channel, parts, bank=foreign.pk))

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "bank: Bank akbank belongs to channel App, not Web Shop.",
            "error_code": "card_100_1",
        }
        assert not models.Card.objects.exists()

    def test_every_foreign_reference_is_named(self, api, channel, parts):
        app = ChannelFactory(name="App")
        card_type = CardTypeFactory(slug="troy", channel=app)
        pos = PosFactory(slug="app-pos", channel=app)

        response = api.post(
            "/api/v1/cards/",
            card_body(
                channel, parts, card_type=card_type.pk, installment_pos=pos.pk, three_d_pos=pos.pk
            ),
        )

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": (
                "card_type: CardType troy belongs to channel App, not Web Shop; "
                "installment_pos: Pos app-pos belongs to channel App, not Web Shop; "
                "three_d_pos: Pos app-pos belongs to channel App, not Web Shop."
            ),
            "error_code": "card_100_1",
        }

    @pytest.mark.parametrize("field", ["pos", "installment_pos", "three_d_pos"])
    def test_each_pos_must_be_on_the_cards_channel(self, api, channel, parts, field):
        foreign = PosFactory(slug="elsewhere", channel=ChannelFactory(name="App"))

        response = api.post("/api/v1/cards/", card_body(channel, parts, **{field: foreign.pk}))

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": f"{field}: Pos elsewhere belongs to channel App, not Web Shop.",
            "error_code": "card_100_1",
        }


class TestUpdate:
    def test_put_answers_200(self, api, channel, parts, bonus):
        response = api.put(f"/api/v1/cards/{bonus.pk}/", card_body(channel, parts, name="Bonus+"))

        assert response.status_code == 200
        assert response.json()["name"] == "Bonus+"

    def test_patch_answers_200(self, api, bonus):
        response = api.patch(f"/api/v1/cards/{bonus.pk}/", {"is_commercial": True})

        assert response.status_code == 200
        assert response.json()["is_commercial"] is True

    def test_put_breaking_both_sets_answers_both_messages(self, api, channel, parts, bonus):
        other = CardFactory(
            channel=channel,
            bank=parts["bank"],
            card_type=parts["card_type"],
            card_payment_type="debit",
            pos=parts["pos"],
            slug="other",
        )

        response = api.put(f"/api/v1/cards/{other.pk}/", card_body(channel, parts))

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [SLUG_SET, TYPE_SET]}

    def test_patch_breaking_both_sets_answers_both_messages(self, api, channel, parts, bonus):
        other = CardFactory(
            channel=channel,
            bank=parts["bank"],
            card_type=parts["card_type"],
            card_payment_type="debit",
            pos=parts["pos"],
            slug="other",
        )

        response = api.patch(
            f"/api/v1/cards/{other.pk}/", {"slug": "bonus", "card_payment_type": "credit"}
        )

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [SLUG_SET, TYPE_SET]}

    def test_patch_of_one_field_checks_the_sets_with_the_stored_values(
        self, api, channel, parts, bonus
    ):
        other_type = CardTypeFactory(channel=channel)
        other = CardFactory(
            channel=channel,
            bank=parts["bank"],
            card_type=other_type,
            slug="bonus",
            card_payment_type="credit",
            pos=parts["pos"],
        )

        response = api.patch(f"/api/v1/cards/{other.pk}/", {"card_type": parts["card_type"].pk})

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [SLUG_SET, TYPE_SET]}

    def test_patch_to_another_channel_is_a_406_card_100_2(self, api, bonus):
        other = ChannelFactory()

        response = api.patch(f"/api/v1/cards/{bonus.pk}/", {"channel": other.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of Card: bonus cannot change.",
            "error_code": "card_100_2",
        }
        bonus.refresh_from_db()
        assert bonus.channel.name == "Web Shop"

    def test_put_to_another_channel_is_a_406_card_100_2(self, api, parts, bonus):
        other = ChannelFactory()

        response = api.put(f"/api/v1/cards/{bonus.pk}/", card_body(other, parts))

        assert response.status_code == 406
        assert response.json()["error_code"] == "card_100_2"

    def test_patch_to_a_bank_of_another_channel_is_a_406_card_100_1(self, api, bonus):
        foreign = BankFactory(slug="akbank", channel=ChannelFactory(name="App"))

        response = api.patch(f"/api/v1/cards/{bonus.pk}/", {"bank": foreign.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "bank: Bank akbank belongs to channel App, not Web Shop.",
            "error_code": "card_100_1",
        }
        bonus.refresh_from_db()
        assert bonus.bank.slug == "garanti"


class TestDelete:
    def test_delete_removes_the_card_with_its_bins_and_installments(self, api, bonus):
        BinNumberFactory(card=bonus)
        InstallmentFactory(card=bonus)

        assert api.delete(f"/api/v1/cards/{bonus.pk}/").status_code == 204
        assert not models.Card.objects.filter(pk=bonus.pk).exists()
        assert not models.BinNumber.objects.exists()
        assert not models.Installment.objects.exists()


class TestFilters:
    @pytest.fixture
    def cards(self, channel, parts):
        """Two cards on the channel that differ in every filtered field, and one elsewhere."""
        first = CardFactory(
            name="Bonus",
            slug="bonus",
            channel=channel,
            bank=parts["bank"],
            card_type=parts["card_type"],
            card_payment_type="credit",
            pos=parts["pos"],
            is_commercial=False,
            cash_payment=True,
            installment_payment=True,
            three_d_payment=False,
        )
        second = CardFactory(
            name="Paraf",
            slug="paraf",
            channel=channel,
            bank=BankFactory(channel=channel),
            card_type=CardTypeFactory(channel=channel),
            card_payment_type="debit",
            pos=parts["pos"],
            is_commercial=True,
            cash_payment=False,
            installment_payment=False,
            three_d_payment=True,
        )
        CardFactory(name="Bonus", slug="bonus")
        return first, second

    @pytest.mark.parametrize(
        ("query", "which"),
        [
            ("slug=paraf", 1),
            ("name=Paraf", 1),
            ("card_payment_type=debit", 1),
            ("is_commercial=true", 1),
            ("cash_payment=false", 1),
            ("installment_payment=true", 0),
            ("three_d_payment=true", 1),
        ],
    )
    def test_each_field_filter_within_a_channel(self, api, channel, cards, query, which):
        response = api.get(f"/api/v1/cards/?channel={channel.pk}&{query}")
        assert pks(response) == [cards[which].pk]

    def test_by_channel(self, api, channel, cards):
        assert pks(api.get(f"/api/v1/cards/?channel={channel.pk}")) == [c.pk for c in cards]

    def test_by_bank(self, api, cards):
        assert pks(api.get(f"/api/v1/cards/?bank={cards[1].bank_id}")) == [cards[1].pk]

    def test_by_card_type(self, api, cards):
        response = api.get(f"/api/v1/cards/?card_type={cards[0].card_type_id}")
        assert pks(response) == [cards[0].pk]

    def test_by_id(self, api, cards):
        assert pks(api.get(f"/api/v1/cards/?id={cards[1].pk}")) == [cards[1].pk]

    def test_by_modified_date(self, api, cards):
        set_modified(cards[0], "2022-02-02T00:00:00")
        response = api.get("/api/v1/cards/?modified_date__lte=2022-12-31T00:00:00Z")
        assert pks(response) == [cards[0].pk]

    @pytest.mark.parametrize(
        ("query", "errors"),
        [
            ("is_commercial=maybe", {"is_commercial": ["Enter true or false."]}),
            (
                "bank=abc",
                {
                    "bank": [
                        "Select a valid choice. That choice is not one of the available choices."
                    ]
                },
            ),
            (
                "card_payment_type=charge",
                {
                    "card_payment_type": [
                        "Select a valid choice. charge is not one of the available choices."
                    ]
                },
            ),
        ],
    )
    def test_an_invalid_value_is_a_400_naming_the_parameter(self, api, query, errors):
        response = api.get(f"/api/v1/cards/?{query}")

        assert response.status_code == 400
        assert response.json() == errors
