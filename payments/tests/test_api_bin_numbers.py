"""`/api/v1/bin_numbers/`: 6- or 8-digit ASCII BINs kept as strings, one card per BIN and
channel (`bin_number_100_1`), and the reference filters with `bin_number_length`."""

import pytest

from payments import models
from payments.tests.factories import BinNumberFactory, CardFactory
from payments.tests.helpers import pks, set_created, set_modified

pytestmark = pytest.mark.django_db

FORMAT = "A BIN is exactly 6 or 8 digits (0-9)."


@pytest.fixture
def card():
    return CardFactory(slug="bonus")


class TestWrites:
    def test_create_answers_201_with_every_field(self, api, card):
        response = api.post("/api/v1/bin_numbers/", {"bin_number": "554960", "card": card.pk})

        assert response.status_code == 201
        body = response.json()
        assert list(body) == ["pk", "bin_number", "card", "created_date", "modified_date"]
        assert body["bin_number"] == "554960"
        assert body["card"] == card.pk

    @pytest.mark.parametrize("bin_number", ["012345", "00123456"])
    def test_leading_zeros_are_kept_in_a_string(self, api, card, bin_number):
        response = api.post("/api/v1/bin_numbers/", {"bin_number": bin_number, "card": card.pk})

        assert response.status_code == 201
        assert response.json()["bin_number"] == bin_number
        assert models.BinNumber.objects.get().bin_number == bin_number

    @pytest.mark.parametrize(
        "bin_number",
        ["12345", "1234567", "12345a", "٤١٢٣٤٥", "１２３４５６", "1234 56", "-12345", "+12345"],
    )
    def test_anything_but_6_or_8_ascii_digits_is_a_400(self, api, card, bin_number):
        response = api.post("/api/v1/bin_numbers/", {"bin_number": bin_number, "card": card.pk})

        assert response.status_code == 400
        assert response.json() == {"bin_number": [FORMAT]}
        assert not models.BinNumber.objects.exists()

    def test_more_than_8_digits_is_a_400_with_both_messages(self, api, card):
        response = api.post("/api/v1/bin_numbers/", {"bin_number": "123456789", "card": card.pk})

        assert response.status_code == 400
        assert response.json() == {
            "bin_number": [FORMAT, "Ensure this field has no more than 8 characters."]
        }

    def test_a_bin_of_another_card_on_the_channel_is_a_406_bin_number_100_1(self, api, card):
        BinNumberFactory(bin_number="554960", card=card)
        other = CardFactory(channel=card.channel, pos=card.pos, installment_pos=card.pos)

        response = api.post("/api/v1/bin_numbers/", {"bin_number": "554960", "card": other.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": (
                f"BIN 554960 already belongs to card bonus (pk {card.pk}) on this channel."
            ),
            "error_code": "bin_number_100_1",
        }
        assert models.BinNumber.objects.count() == 1

    def test_the_same_bin_twice_on_the_same_card_is_a_400_on_the_field(self, api, card):
        BinNumberFactory(bin_number="554960", card=card)

        response = api.post("/api/v1/bin_numbers/", {"bin_number": "554960", "card": card.pk})

        assert response.status_code == 400
        assert response.json() == {"bin_number": ["BIN 554960 is already on this card."]}

    def test_the_same_bin_on_another_channel_is_allowed(self, api, card):
        BinNumberFactory(bin_number="554960", card=card)
        elsewhere = CardFactory()

        response = api.post("/api/v1/bin_numbers/", {"bin_number": "554960", "card": elsewhere.pk})
        assert response.status_code == 201

    def test_a_6_digit_bin_and_an_8_digit_bin_starting_with_it_coexist(self, api, card):
        other = CardFactory(channel=card.channel, pos=card.pos, installment_pos=card.pos)
        BinNumberFactory(bin_number="457105", card=card)

        response = api.post("/api/v1/bin_numbers/", {"bin_number": "45710536", "card": other.pk})
        assert response.status_code == 201

    def test_moving_a_bin_onto_a_card_that_has_it_is_a_406(self, api, card):
        BinNumberFactory(bin_number="554960", card=card)
        other_card = CardFactory(channel=card.channel, pos=card.pos, installment_pos=card.pos)
        moving = BinNumberFactory(bin_number="554960", card=CardFactory())

        response = api.patch(f"/api/v1/bin_numbers/{moving.pk}/", {"card": other_card.pk})

        assert response.status_code == 406
        assert response.json()["error_code"] == "bin_number_100_1"

    def test_patch_answers_200(self, api, card):
        bin_number = BinNumberFactory(bin_number="554960", card=card)
        response = api.patch(f"/api/v1/bin_numbers/{bin_number.pk}/", {"bin_number": "55496012"})

        assert response.status_code == 200
        assert response.json()["bin_number"] == "55496012"

    def test_delete_answers_204(self, api, card):
        bin_number = BinNumberFactory(card=card)

        assert api.delete(f"/api/v1/bin_numbers/{bin_number.pk}/").status_code == 204
        assert not models.BinNumber.objects.exists()


class TestFilters:
    @pytest.fixture
    def bins(self, card):
        return [
            BinNumberFactory(bin_number="554960", card=card),
            BinNumberFactory(bin_number="55496012", card=card),
            BinNumberFactory(bin_number="979206"),
        ]

    def test_by_card(self, api, card, bins):
        assert pks(api.get(f"/api/v1/bin_numbers/?card={card.pk}")) == [bins[0].pk, bins[1].pk]

    def test_by_bin_number(self, api, bins):
        assert pks(api.get("/api/v1/bin_numbers/?bin_number=979206")) == [bins[2].pk]

    def test_by_id(self, api, bins):
        assert pks(api.get(f"/api/v1/bin_numbers/?id={bins[1].pk}")) == [bins[1].pk]

    def test_by_length_6(self, api, bins):
        assert pks(api.get("/api/v1/bin_numbers/?bin_number_length=6")) == [
            bins[0].pk,
            bins[2].pk,
        ]

    def test_by_length_8(self, api, bins):
        assert pks(api.get("/api/v1/bin_numbers/?bin_number_length=8")) == [bins[1].pk]

    def test_length_and_card_combine(self, api, card, bins):
        response = api.get(f"/api/v1/bin_numbers/?card={card.pk}&bin_number_length=6")
        assert pks(response) == [bins[0].pk]

    @pytest.mark.parametrize("length", ["7", "six"])
    def test_a_length_other_than_6_or_8_is_a_400(self, api, length):
        response = api.get(f"/api/v1/bin_numbers/?bin_number_length={length}")

        assert response.status_code == 400
        assert response.json() == {
            "bin_number_length": [
                f"Select a valid choice. {length} is not one of the available choices."
            ]
        }

    def test_by_modified_and_created_date(self, api, bins):
        set_modified(bins[0], "2021-03-04T05:06:07")
        set_created(bins[2], "2020-01-01T00:00:00")

        response = api.get("/api/v1/bin_numbers/?modified_date=2021-03-04T05:06:07Z")
        assert pks(response) == [bins[0].pk]
        response = api.get("/api/v1/bin_numbers/?created_date__lt=2021-01-01T00:00:00Z")
        assert pks(response) == [bins[2].pk]

    def test_a_non_numeric_card_is_a_400(self, api):
        response = api.get("/api/v1/bin_numbers/?card=abc")

        assert response.status_code == 400
        assert list(response.json()) == ["card"]
