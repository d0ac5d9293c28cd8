"""`/api/v1/pos/`: virtual POS accounts, with the reference's fields, filters, status codes and
error codes (`pos_100_1`, `pos_100_2`, `pos_100_3`)."""

import json

import pytest

from payments import models
from payments.tests.factories import (
    CardFactory,
    ChannelFactory,
    MultiCurrencyCardFactory,
    PosFactory,
)
from payments.tests.helpers import pks, set_modified

pytestmark = pytest.mark.django_db

NESTPAY = "omnicore.libs.payment_gateways.nestpay.NestpayGateway"
NESTPAY_CONFIG = {
    "client_id": "100100000",
    "username": "api-user",
    "password": "api-pass",
    "store_key": "store-key",
}


@pytest.fixture
def channel():
    return ChannelFactory(name="Web Shop")


def pos_body(to, **changes):
    return {
        "name": "Akbank Nestpay",
        "slug": "akbank-nestpay",
        "gateway": NESTPAY,
        "config": NESTPAY_CONFIG,
        "resource_url": "https://pos.example.com/fim/api",
        "three_d_resource_url": "https://pos.example.com/fim/est3Dgate",
        "channel": to.pk,
        **changes,
    }


class TestCreate:
    def test_create_answers_201_with_the_reference_fields(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel))

        assert response.status_code == 201
        body = response.json()
        assert list(body) == [
            "pk",
            "name",
            "slug",
            "gateway",
            "gateway_display",
            "config",
            "resource_url",
            "three_d_resource_url",
            "channel",
            "created_date",
            "modified_date",
        ]
        assert body["gateway"] == NESTPAY
        assert body["gateway_display"] == "Nestpay"
        assert body["config"] == NESTPAY_CONFIG
        assert body["three_d_resource_url"] == "https://pos.example.com/fim/est3Dgate"
        assert body["channel"] == channel.pk
        assert models.Pos.objects.get(pk=body["pk"]).slug == "akbank-nestpay"

    def test_the_short_gateway_key_is_accepted_and_answered_in_full(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, gateway="nestpay"))

        assert response.status_code == 201
        assert response.json()["gateway"] == NESTPAY
        assert models.Pos.objects.get().gateway == NESTPAY

    def test_an_unknown_gateway_is_a_400(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, gateway="acme"))

        assert response.status_code == 400
        assert response.json() == {"gateway": ['"acme" is not a valid choice.']}

    def test_missing_fields_are_a_400(self, api):
        response = api.post("/api/v1/pos/", {})

        assert response.status_code == 400
        assert response.json() == {
            "name": ["This field is required."],
            "slug": ["This field is required."],
            "gateway": ["This field is required."],
            "resource_url": ["This field is required."],
            "channel": ["This field is required."],
        }

    def test_name_and_slug_are_at_most_64_characters(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, name="n" * 65, slug="s" * 65))

        assert response.status_code == 400
        assert response.json() == {
            "name": ["Ensure this field has no more than 64 characters."],
            "slug": ["Ensure this field has no more than 64 characters."],
        }

    def test_urls_must_be_urls(self, api, channel):
        response = api.post(
            "/api/v1/pos/",
            pos_body(channel, resource_url="pos", three_d_resource_url="ftp:/x"),
        )

        assert response.status_code == 400
        assert response.json() == {
            "resource_url": ["Enter a valid URL."],
            "three_d_resource_url": ["Enter a valid URL."],
        }

    def test_the_3d_resource_url_may_be_null(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, three_d_resource_url=None))

        assert response.status_code == 201
        assert response.json()["three_d_resource_url"] is None

    def test_the_3d_resource_url_may_be_left_out(self, api, channel):
        body = pos_body(channel)
        del body["three_d_resource_url"]
        response = api.post("/api/v1/pos/", body)

        assert response.status_code == 201
        assert response.json()["three_d_resource_url"] is None

    def test_an_empty_3d_resource_url_is_stored_as_null(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, three_d_resource_url=""))

        assert response.status_code == 201
        assert response.json()["three_d_resource_url"] is None
        assert models.Pos.objects.get().three_d_resource_url is None

    def test_a_unicode_slug_is_accepted(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, slug="ödeme-seceneği"))

        assert response.status_code == 201
        assert response.json()["slug"] == "ödeme-seceneği"

    def test_a_slug_with_spaces_is_a_400(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, slug="akbank nestpay"))

        assert response.status_code == 400
        assert response.json() == {
            "slug": [
                'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, '
                "or hyphens."
            ]
        }

    def test_slug_and_channel_make_a_unique_set(self, api, channel):
        PosFactory(slug="akbank-nestpay", channel=channel)
        response = api.post("/api/v1/pos/", pos_body(channel))

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields slug, channel must make a unique set."]
        }

    def test_the_same_slug_on_another_channel_is_allowed(self, api, channel):
        PosFactory(slug="akbank-nestpay")
        assert api.post("/api/v1/pos/", pos_body(channel)).status_code == 201

    def test_a_config_the_gateway_refuses_is_a_406_pos_100_2(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, config={"client_id": "1"}))

        assert response.status_code == 406
        body = response.json()
        assert body == {
            "non_field_errors": (
                '{"password": ["This field is required."], '
                '"store_key": ["This field is required."], '
                '"username": ["This field is required."]}'
            ),
            "error_code": "pos_100_2",
        }
        assert json.loads(body["non_field_errors"]) == {
            "password": ["This field is required."],
            "store_key": ["This field is required."],
            "username": ["This field is required."],
        }
        assert not models.Pos.objects.exists()

    def test_a_config_that_is_not_an_object_is_a_400(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, config="client_id=1"))

        assert response.status_code == 400
        assert response.json() == {"config": ["Must be a JSON object."]}

    def test_a_nonexistent_channel_is_a_400(self, api, channel):
        response = api.post("/api/v1/pos/", pos_body(channel, channel=987654))

        assert response.status_code == 400
        assert response.json() == {"channel": ['Invalid pk "987654" - object does not exist.']}


class TestReadAndUpdate:
    def test_detail_answers_200(self, api):
        pos = PosFactory(slug="dummy-pos")
        response = api.get(f"/api/v1/pos/{pos.pk}/")

        assert response.status_code == 200
        assert response.json()["slug"] == "dummy-pos"

    def test_an_unknown_pos_is_a_404(self, api):
        response = api.get("/api/v1/pos/987654/")

        assert response.status_code == 404
        assert response.json() == {"detail": "No Pos matches the given query."}

    def test_put_answers_200(self, api, channel):
        pos = PosFactory(channel=channel)
        response = api.put(f"/api/v1/pos/{pos.pk}/", pos_body(channel, name="Renamed"))

        assert response.status_code == 200
        pos.refresh_from_db()
        assert (pos.name, pos.gateway) == ("Renamed", NESTPAY)

    def test_patch_answers_200(self, api):
        pos = PosFactory()
        response = api.patch(f"/api/v1/pos/{pos.pk}/", {"name": "Renamed"})

        assert response.status_code == 200
        assert response.json()["name"] == "Renamed"

    def test_patch_to_another_channel_is_a_406_pos_100_3(self, api, channel):
        pos = PosFactory(slug="garanti", channel=channel)
        other = ChannelFactory(name="App")

        response = api.patch(f"/api/v1/pos/{pos.pk}/", {"channel": other.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of Pos: garanti cannot change.",
            "error_code": "pos_100_3",
        }
        pos.refresh_from_db()
        assert pos.channel == channel

    def test_put_to_another_channel_is_a_406_pos_100_3(self, api, channel):
        pos = PosFactory(slug="akbank-nestpay", channel=channel)
        other = ChannelFactory()

        response = api.put(f"/api/v1/pos/{pos.pk}/", pos_body(other))

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of Pos: akbank-nestpay cannot change.",
            "error_code": "pos_100_3",
        }

    def test_sending_the_same_channel_is_not_a_change(self, api, channel):
        pos = PosFactory(channel=channel)
        response = api.patch(f"/api/v1/pos/{pos.pk}/", {"channel": channel.pk, "name": "Same"})
        assert response.status_code == 200

    def test_patch_to_a_slug_taken_on_the_channel_is_a_400(self, api, channel):
        PosFactory(slug="taken", channel=channel)
        pos = PosFactory(channel=channel)

        response = api.patch(f"/api/v1/pos/{pos.pk}/", {"slug": "taken"})

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields slug, channel must make a unique set."]
        }

    def test_patch_with_a_config_the_gateway_refuses_is_a_406_pos_100_2(self, api):
        pos = PosFactory()
        response = api.patch(
            f"/api/v1/pos/{pos.pk}/", {"gateway": "iyzico", "config": {"api_key": "k"}}
        )

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": '{"secret_key": ["This field is required."]}',
            "error_code": "pos_100_2",
        }


class TestDelete:
    def test_an_unused_pos_is_deleted(self, api):
        pos = PosFactory()

        assert api.delete(f"/api/v1/pos/{pos.pk}/").status_code == 204
        assert not models.Pos.objects.filter(pk=pos.pk).exists()

    def test_a_pos_cards_use_is_a_406_pos_100_1(self, api):
        card = CardFactory(pos__slug="garanti")
        CardFactory(channel=card.channel, pos=card.pos, installment_pos=card.pos)

        response = api.delete(f"/api/v1/pos/{card.pos.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Pos: garanti cannot be deleted: it is used by 2 cards.",
            "error_code": "pos_100_1",
        }
        assert models.Pos.objects.filter(pk=card.pos.pk).exists()

    def test_the_refusal_counts_multi_currency_cards_too(self, api):
        multi = MultiCurrencyCardFactory(pos__slug="usd-pos")
        response = api.delete(f"/api/v1/pos/{multi.pos.pk}/")

        assert response.status_code == 406
        assert response.json()["non_field_errors"] == (
            "Pos: usd-pos cannot be deleted: it is used by 1 multi-currency card."
        )

    def test_deleting_an_unknown_pos_is_a_404(self, api):
        assert api.delete("/api/v1/pos/987654/").status_code == 404


class TestFilters:
    def test_by_channel(self, api, channel):
        mine = PosFactory(channel=channel)
        PosFactory()
        assert pks(api.get(f"/api/v1/pos/?channel={channel.pk}")) == [mine.pk]

    def test_by_id(self, api):
        PosFactory()
        wanted = PosFactory()
        assert pks(api.get(f"/api/v1/pos/?id={wanted.pk}")) == [wanted.pk]

    def test_by_modified_date(self, api):
        old = PosFactory()
        new = PosFactory()
        set_modified(old, "2023-01-01T00:00:00")
        set_modified(new, "2025-01-01T00:00:00")

        assert pks(api.get("/api/v1/pos/?modified_date__gte=2024-01-01T00:00:00Z")) == [new.pk]
        assert pks(api.get("/api/v1/pos/?modified_date=2023-01-01T00:00:00Z")) == [old.pk]

    @pytest.mark.parametrize(
        ("query", "name"),
        [("name=Garanti", "name"), ("slug=garanti", "slug"), ("gateway=nestpay", "gateway")],
    )
    def test_only_the_reference_filters_exist(self, api, query, name):
        """The reference lists only channel, id and modified_date: another field is a 400, not
        a list that looks filtered and is not."""
        PosFactory(name="Garanti", slug="garanti")

        response = api.get(f"/api/v1/pos/?{query}")

        assert response.status_code == 400
        assert response.json() == {
            name: [
                "Not a filter of this resource. Its filters: channel, modified_date, "
                "modified_date__gt, modified_date__gte, modified_date__lt, modified_date__lte, "
                "id, id__in."
            ]
        }

    @pytest.mark.parametrize("query", ["page=1", "limit=5", "sort=-name", "format=json"])
    def test_pagination_sorting_and_format_are_not_taken_for_filters(self, api, query):
        PosFactory()

        response = api.get(f"/api/v1/pos/?{query}")

        assert response.status_code == 200
        assert response.json()["count"] == 1

    def test_a_filter_given_twice_is_a_400_not_the_last_value(self, api, channel):
        PosFactory(channel=channel)

        response = api.get(f"/api/v1/pos/?channel={channel.pk}&channel={channel.pk}")

        assert response.status_code == 400
        assert response.json() == {"channel": ["Given more than once; give it once."]}

    def test_an_unknown_parameter_on_a_detail_url_is_a_400_too(self, api):
        pos = PosFactory()

        response = api.get(f"/api/v1/pos/{pos.pk}/?slug=x")

        assert response.status_code == 400
        assert list(response.json()) == ["slug"]

    def test_a_non_numeric_channel_is_a_400(self, api):
        response = api.get("/api/v1/pos/?channel=abc")

        assert response.status_code == 400
        assert response.json() == {
            "channel": ["Select a valid choice. That choice is not one of the available choices."]
        }

    def test_an_unknown_channel_is_a_400(self, api):
        response = api.get("/api/v1/pos/?channel=987654")

        assert response.status_code == 400
        assert list(response.json()) == ["channel"]
