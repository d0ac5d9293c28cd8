"""`/api/v1/payment_options/`: the checkout's payment methods, unicode slugs, and the
reference's `PaymentOptionFilter` with unicode values."""

import pytest

from payments import models
from payments.resources import filters, views
from payments.tests.factories import ChannelFactory, PaymentOptionFactory
from payments.tests.helpers import pks

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    return ChannelFactory(name="Web Shop")


def body(channel, **changes):
    return {
        "name": "ödemeseceneği",
        "slug": "ödeme-seceneği",
        "channel": channel.pk,
        "payment_type": "funds_transfer",
        **changes,
    }


class TestWrites:
    def test_create_answers_201_with_every_field(self, api, channel):
        response = api.post("/api/v1/payment_options/", body(channel, config={"iban_only": True}))

        assert response.status_code == 201
        data = response.json()
        assert list(data) == [
            "pk",
            "name",
            "slug",
            "channel",
            "payment_type",
            "is_active",
            "sort_order",
            "config",
            "created_date",
            "modified_date",
        ]
        assert data["slug"] == "ödeme-seceneği"
        assert data["config"] == {"iban_only": True}
        assert data["is_active"] is True
        assert data["sort_order"] == 0

    @pytest.mark.parametrize(
        "payment_type",
        [
            "credit_card",
            "funds_transfer",
            "pay_on_delivery",
            "cash_register",
            "loyalty_money",
            "redirection",
        ],
    )
    def test_each_payment_type_is_accepted(self, api, channel, payment_type):
        response = api.post("/api/v1/payment_options/", body(channel, payment_type=payment_type))
        assert response.status_code == 201

    def test_an_unknown_payment_type_is_a_400(self, api, channel):
        response = api.post("/api/v1/payment_options/", body(channel, payment_type="crypto"))

        assert response.status_code == 400
        assert response.json() == {"payment_type": ['"crypto" is not a valid choice.']}

    def test_config_must_be_a_json_object(self, api, channel):
        response = api.post("/api/v1/payment_options/", body(channel, config=[1, 2]))

        assert response.status_code == 400
        assert response.json() == {"config": ["Must be a JSON object."]}

    def test_slug_and_channel_make_a_unique_set(self, api, channel):
        PaymentOptionFactory(slug="ödeme-seceneği", channel=channel)
        response = api.post("/api/v1/payment_options/", body(channel))

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields slug, channel must make a unique set."]
        }

    def test_an_invalid_slug_is_reported_once(self, api, channel):
        response = api.post("/api/v1/payment_options/", body(channel, slug="ödeme seçeneği!"))

        assert response.status_code == 400
        assert response.json() == {
            "slug": [
                'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, '
                "or hyphens."
            ]
        }

    def test_put_answers_200(self, api, channel):
        option = PaymentOptionFactory(channel=channel)
        response = api.put(
            f"/api/v1/payment_options/{option.pk}/", body(channel, name="Havale / EFT")
        )

        assert response.status_code == 200
        assert response.json()["name"] == "Havale / EFT"

    def test_moving_an_option_to_another_channel_is_a_406(self, api, channel):
        option = PaymentOptionFactory(slug="havale", channel=channel)

        response = api.patch(
            f"/api/v1/payment_options/{option.pk}/", {"channel": ChannelFactory().pk}
        )

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of PaymentOption: havale cannot change.",
            "error_code": "payment_option_100_2",
        }

    def test_delete_answers_204(self, api):
        option = PaymentOptionFactory()

        assert api.delete(f"/api/v1/payment_options/{option.pk}/").status_code == 204
        assert not models.PaymentOption.objects.exists()


class TestFilters:
    def test_the_filterset_has_the_reference_name(self):
        assert views.PaymentOptionViewSet.filterset_class.__name__ == "PaymentOptionFilter"
        assert set(filters.PaymentOptionFilter.base_filters) == {
            "id",
            "id__in",
            "channel",
            "slug",
            "name",
            "payment_type",
            "is_active",
        }

    def test_the_reference_example_with_unicode_values(self, api, channel):
        wanted = PaymentOptionFactory(slug="ödeme-seceneği", name="ödemeseceneği")
        PaymentOptionFactory(slug="odeme-secenegi", name="odemesecenegi")

        response = api.get("/api/v1/payment_options/?slug=ödeme-seceneği&name=ödemeseceneği")

        assert pks(response) == [wanted.pk]

    def test_the_reference_example_percent_encoded(self, api):
        wanted = PaymentOptionFactory(slug="ödeme-seceneği", name="ödemeseceneği")
        response = api.get(
            "/api/v1/payment_options/?slug=%C3%B6deme-secene%C4%9Fi&name=%C3%B6demesecene%C4%9Fi"
        )
        assert pks(response) == [wanted.pk]

    def test_an_ascii_folded_slug_does_not_match(self, api):
        PaymentOptionFactory(slug="ödeme-seceneği")
        assert pks(api.get("/api/v1/payment_options/?slug=odeme-secenegi")) == []

    def test_by_channel(self, api, channel):
        mine = PaymentOptionFactory(channel=channel)
        PaymentOptionFactory()
        assert pks(api.get(f"/api/v1/payment_options/?channel={channel.pk}")) == [mine.pk]

    def test_by_payment_type(self, api):
        PaymentOptionFactory(payment_type="credit_card")
        cod = PaymentOptionFactory(payment_type="pay_on_delivery")
        assert pks(api.get("/api/v1/payment_options/?payment_type=pay_on_delivery")) == [cod.pk]

    def test_by_is_active(self, api):
        PaymentOptionFactory(is_active=True)
        off = PaymentOptionFactory(is_active=False)
        assert pks(api.get("/api/v1/payment_options/?is_active=false")) == [off.pk]

    @pytest.mark.parametrize(
        ("query", "errors"),
        [
            ("is_active=maybe", {"is_active": ["Enter true or false."]}),
            (
                "channel=abc",
                {
                    "channel": [
                        "Select a valid choice. That choice is not one of the available choices."
                    ]
                },
            ),
            (
                "payment_type=crypto",
                {
                    "payment_type": [
                        "Select a valid choice. crypto is not one of the available choices."
                    ]
                },
            ),
        ],
    )
    def test_an_invalid_value_is_a_400_naming_the_parameter(self, api, query, errors):
        response = api.get(f"/api/v1/payment_options/?{query}")

        assert response.status_code == 400
        assert response.json() == errors
