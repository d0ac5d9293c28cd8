"""`/api/v1/installments/`: installment plans with 2-place decimal interest rates (never rounded
silently), the reference filters, and the hard delete."""

import pytest

from payments import models
from payments.tests.factories import CardFactory, InstallmentFactory
from payments.tests.helpers import pks

pytestmark = pytest.mark.django_db


@pytest.fixture
def card():
    return CardFactory()


class TestWrites:
    def test_create_answers_201_with_every_field(self, api, card):
        response = api.post(
            "/api/v1/installments/",
            {"card": card.pk, "installment_count": 6, "label": "6 taksit", "interest_rate": "4.5"},
        )

        assert response.status_code == 201
        body = response.json()
        assert list(body) == [
            "pk",
            "card",
            "installment_count",
            "label",
            "interest_rate",
            "is_active",
            "created_date",
            "modified_date",
        ]
        assert body["interest_rate"] == "4.50"
        assert body["is_active"] is True

    def test_the_interest_rate_defaults_to_zero(self, api, card):
        response = api.post("/api/v1/installments/", {"card": card.pk, "installment_count": 1})
        assert response.json()["interest_rate"] == "0.00"

    @pytest.mark.parametrize(("sent", "stored"), [("3.25", "3.25"), (3.25, "3.25"), (12, "12.00")])
    def test_two_decimal_places_are_kept_exactly(self, api, card, sent, stored):
        response = api.post(
            "/api/v1/installments/",
            {"card": card.pk, "installment_count": 3, "interest_rate": sent},
        )

        assert response.status_code == 201
        assert response.json()["interest_rate"] == stored
        assert str(models.Installment.objects.get().interest_rate) == stored

    @pytest.mark.parametrize("sent", ["1.234", 1.005, "0.001"])
    def test_more_than_two_places_is_a_400_not_a_rounding(self, api, card, sent):
        response = api.post(
            "/api/v1/installments/",
            {"card": card.pk, "installment_count": 3, "interest_rate": sent},
        )

        assert response.status_code == 400
        assert response.json() == {
            "interest_rate": ["Ensure that there are no more than 2 decimal places."]
        }

    @pytest.mark.parametrize("sent", ["1e2", "1E2", "NaN", "Infinity", "3,25", "abc"])
    def test_exponent_and_non_numbers_are_a_400(self, api, card, sent):
        response = api.post(
            "/api/v1/installments/",
            {"card": card.pk, "installment_count": 3, "interest_rate": sent},
        )

        assert response.status_code == 400
        assert response.json() == {"interest_rate": ["A valid number is required."]}

    @pytest.mark.parametrize("sent", ["1e2", "1E2", "2.5e1", "1e-7"])
    def test_a_json_number_in_exponent_form_is_a_400_as_its_text_form_is(self, api, card, sent):
        response = api.generic(
            "POST",
            "/api/v1/installments/",
            f'{{"card": {card.pk}, "installment_count": 3, "interest_rate": {sent}}}',
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json() == {"interest_rate": ["A valid number is required."]}
        assert models.Installment.objects.count() == 0

    @pytest.mark.parametrize(
        ("sent", "message"),
        [
            ("2.990", "Ensure that there are no more than 2 decimal places."),
            ("1.005", "Ensure that there are no more than 2 decimal places."),
            ("1.10000000000000001", "Ensure that there are no more than 5 digits in total."),
        ],
    )
    def test_a_json_number_with_more_places_is_a_400_though_its_float_has_two(
        self, api, card, sent, message
    ):
        # As floats, 2.990 is 2.99 and 1.10000000000000001 is 1.1: the text is what was sent.
        response = api.generic(
            "POST",
            "/api/v1/installments/",
            f'{{"card": {card.pk}, "installment_count": 3, "interest_rate": {sent}}}',
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json() == {"interest_rate": [message]}
        assert models.Installment.objects.count() == 0

    def test_a_negative_rate_is_a_400(self, api, card):
        response = api.post(
            "/api/v1/installments/",
            {"card": card.pk, "installment_count": 3, "interest_rate": "-0.01"},
        )

        assert response.status_code == 400
        assert response.json() == {
            "interest_rate": ["Ensure this value is greater than or equal to 0."]
        }

    @pytest.mark.parametrize(
        ("count", "message"),
        [
            (0, "Ensure this value is greater than or equal to 1."),
            (37, "Ensure this value is less than or equal to 36."),
        ],
    )
    def test_the_count_is_from_1_to_36(self, api, card, count, message):
        response = api.post("/api/v1/installments/", {"card": card.pk, "installment_count": count})

        assert response.status_code == 400
        assert response.json() == {"installment_count": [message]}

    def test_card_and_count_make_a_unique_set(self, api, card):
        InstallmentFactory(card=card, installment_count=3)
        response = api.post("/api/v1/installments/", {"card": card.pk, "installment_count": 3})

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields card, installment_count must make a unique set."]
        }

    def test_patch_answers_200(self, api, card):
        installment = InstallmentFactory(card=card)
        response = api.patch(f"/api/v1/installments/{installment.pk}/", {"is_active": False})

        assert response.status_code == 200
        assert response.json()["is_active"] is False

    def test_patch_to_a_taken_count_is_a_400(self, api, card):
        InstallmentFactory(card=card, installment_count=3)
        six = InstallmentFactory(card=card, installment_count=6)

        response = api.patch(f"/api/v1/installments/{six.pk}/", {"installment_count": 3})

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields card, installment_count must make a unique set."]
        }

    def test_delete_removes_the_row(self, api, card):
        installment = InstallmentFactory(card=card)

        response = api.delete(f"/api/v1/installments/{installment.pk}/")

        assert response.status_code == 204
        assert not models.Installment.objects.filter(pk=installment.pk).exists()
        assert api.get(f"/api/v1/installments/{installment.pk}/").status_code == 404


class TestFilters:
    @pytest.fixture
    def plans(self, card):
        return [
            InstallmentFactory(card=card, installment_count=3, interest_rate="2.50"),
            InstallmentFactory(
                card=card, installment_count=6, interest_rate="5.00", is_active=False
            ),
            InstallmentFactory(installment_count=3, interest_rate="5.00"),
        ]

    def test_by_card(self, api, card, plans):
        assert pks(api.get(f"/api/v1/installments/?card={card.pk}")) == [
            plans[0].pk,
            plans[1].pk,
        ]

    def test_by_installment_count(self, api, plans):
        response = api.get("/api/v1/installments/?installment_count=3")
        assert pks(response) == [plans[0].pk, plans[2].pk]

    @pytest.mark.parametrize("rate", ["5", "5.0", "5.00"])
    def test_by_interest_rate_whatever_the_places(self, api, plans, rate):
        response = api.get(f"/api/v1/installments/?interest_rate={rate}")
        assert pks(response) == [plans[1].pk, plans[2].pk]

    def test_by_is_active(self, api, plans):
        assert pks(api.get("/api/v1/installments/?is_active=false")) == [plans[1].pk]

    @pytest.mark.parametrize(
        ("query", "errors"),
        [
            ("is_active=maybe", {"is_active": ["Enter true or false."]}),
            ("interest_rate=abc", {"interest_rate": ["Enter a number."]}),
            ("interest_rate=1e2", {"interest_rate": ["Enter a number."]}),
            (
                "modified_date__lte=2000-01-01",
                {
                    "modified_date__lte": [
                        "Not a filter of this resource. Its filters: card, installment_count, "
                        "interest_rate, is_active, id, id__in."
                    ]
                },
            ),
            ("installment_count=three", {"installment_count": ["Enter a whole number."]}),
        ],
    )
    def test_an_invalid_value_is_a_400_naming_the_parameter(self, api, query, errors):
        response = api.get(f"/api/v1/installments/?{query}")

        assert response.status_code == 400
        assert response.json() == errors
