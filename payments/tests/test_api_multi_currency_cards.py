"""`/api/v1/multi_currency_cards/`: a card's POS per currency, on the card's channel."""

import pytest

from payments import models
from payments.tests.factories import (
    CardFactory,
    ChannelFactory,
    MultiCurrencyCardFactory,
    PosFactory,
)
from payments.tests.helpers import pks

pytestmark = pytest.mark.django_db


@pytest.fixture
def card():
    return CardFactory(channel=ChannelFactory(name="Web Shop"))


def body(card, **changes):
    return {
        "card": card.pk,
        "currency": "USD",
        "pos": card.pos_id,
        "installment_pos": card.pos_id,
        **changes,
    }


class TestWrites:
    def test_create_answers_201_with_every_field(self, api, card):
        response = api.post("/api/v1/multi_currency_cards/", body(card))

        assert response.status_code == 201
        assert list(response.json()) == [
            "pk",
            "card",
            "currency",
            "pos",
            "installment_pos",
            "three_d_pos",
            "created_date",
            "modified_date",
        ]
        assert response.json()["three_d_pos"] is None

    @pytest.mark.parametrize("currency", ["usd", "XYZ", "DOLLAR"])
    def test_a_currency_that_is_not_an_iso_code_is_a_400(self, api, card, currency):
        response = api.post("/api/v1/multi_currency_cards/", body(card, currency=currency))

        assert response.status_code == 400
        assert list(response.json()) == ["currency"]

    def test_the_currency_message_gives_examples(self, api, card):
        response = api.post("/api/v1/multi_currency_cards/", body(card, currency="XYZ"))
        assert response.json() == {
            "currency": ["XYZ is not an ISO 4217 currency code (e.g. TRY, USD, EUR)."]
        }

    def test_card_and_currency_make_a_unique_set(self, api, card):
        MultiCurrencyCardFactory(card=card, currency="EUR", pos=card.pos)
        response = api.post("/api/v1/multi_currency_cards/", body(card, currency="EUR"))

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields card, currency must make a unique set."]
        }

    def test_a_pos_of_another_channel_is_a_406_card_100_1(self, api, card):
        foreign = PosFactory(slug="app-pos", channel=ChannelFactory(name="App"))

        response = api.post("/api/v1/multi_currency_cards/", body(card, three_d_pos=foreign.pk))

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "three_d_pos: Pos app-pos belongs to channel App, not Web Shop.",
            "error_code": "card_100_1",
        }

    def test_patch_answers_200(self, api, card):
        multi = MultiCurrencyCardFactory(card=card, pos=card.pos)
        response = api.patch(f"/api/v1/multi_currency_cards/{multi.pk}/", {"currency": "EUR"})

        assert response.status_code == 200
        assert response.json()["currency"] == "EUR"

    def test_delete_answers_204(self, api, card):
        multi = MultiCurrencyCardFactory(card=card, pos=card.pos)

        assert api.delete(f"/api/v1/multi_currency_cards/{multi.pk}/").status_code == 204
        assert not models.MultiCurrencyCard.objects.exists()


class TestFilters:
    def test_by_card_currency_and_id(self, api, card):
        usd = MultiCurrencyCardFactory(card=card, currency="USD", pos=card.pos)
        eur = MultiCurrencyCardFactory(card=card, currency="EUR", pos=card.pos)
        elsewhere = MultiCurrencyCardFactory(currency="EUR")

        assert pks(api.get(f"/api/v1/multi_currency_cards/?card={card.pk}")) == [usd.pk, eur.pk]
        assert pks(api.get("/api/v1/multi_currency_cards/?currency=EUR")) == [
            eur.pk,
            elsewhere.pk,
        ]
        assert pks(api.get(f"/api/v1/multi_currency_cards/?id={eur.pk}")) == [eur.pk]

    def test_an_unknown_card_is_a_400(self, api):
        response = api.get("/api/v1/multi_currency_cards/?card=abc")

        assert response.status_code == 400
        assert list(response.json()) == ["card"]


@pytest.mark.django_db
@pytest.mark.parametrize("currency", ["usd", "XXX1", "ABC"])
def test_a_currency_filter_that_is_not_an_iso_code_is_a_400(api, currency):
    response = api.get(f"/api/v1/multi_currency_cards/?currency={currency}")

    assert response.status_code == 400
    assert response.json() == {
        "currency": [f"{currency} is not an ISO 4217 currency code (e.g. TRY, USD, EUR)."]
    }
