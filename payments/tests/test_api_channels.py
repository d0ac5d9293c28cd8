"""`/api/v1/channels/`: full CRUD of sales channels, their filters, and the protected delete."""

import pytest

from payments.tests.factories import BankFactory, ChannelFactory
from payments.tests.helpers import pks
from sales_channels.models import Channel

pytestmark = pytest.mark.django_db


class TestChannelWrites:
    def test_create_answers_201_with_every_field(self, api):
        response = api.post(
            "/api/v1/channels/",
            {"name": "App", "channel_type": "mobile_app", "conf": {"locale": "tr"}},
        )

        assert response.status_code == 201
        body = response.json()
        assert list(body) == [
            "pk",
            "name",
            "channel_type",
            "is_active",
            "conf",
            "created_date",
            "modified_date",
        ]
        assert body["name"] == "App"
        assert body["channel_type"] == "mobile_app"
        assert body["is_active"] is True
        assert body["conf"] == {"locale": "tr"}
        assert Channel.objects.get(pk=body["pk"]).name == "App"

    def test_channel_type_defaults_to_web(self, api):
        response = api.post("/api/v1/channels/", {"name": "Shop"})
        assert response.json()["channel_type"] == "web"

    def test_an_unknown_channel_type_is_a_400(self, api):
        response = api.post("/api/v1/channels/", {"name": "TV", "channel_type": "tv"})

        assert response.status_code == 400
        assert response.json() == {"channel_type": ['"tv" is not a valid choice.']}

    def test_conf_must_be_a_json_object(self, api):
        response = api.post("/api/v1/channels/", {"name": "Shop", "conf": ["a"]})

        assert response.status_code == 400
        assert response.json() == {"conf": ["Must be a JSON object."]}

    def test_numbers_in_conf_are_stored_as_sent(self, api):
        response = api.generic(
            "POST",
            "/api/v1/channels/",
            '{"name": "Shop", "conf": {"fee": 1.5, "cap": 2.5e3, "count": 3}}',
            content_type="application/json",
        )

        assert response.status_code == 201
        assert response.json()["conf"] == {"fee": 1.5, "cap": 2500.0, "count": 3}
        assert Channel.objects.get(name="Shop").conf == {"fee": 1.5, "cap": 2500.0, "count": 3}

    def test_a_name_is_required(self, api):
        response = api.post("/api/v1/channels/", {})

        assert response.status_code == 400
        assert response.json() == {"name": ["This field is required."]}

    def test_detail_answers_200(self, api):
        channel = ChannelFactory(name="Store")
        response = api.get(f"/api/v1/channels/{channel.pk}/")

        assert response.status_code == 200
        assert response.json()["name"] == "Store"

    def test_put_replaces_the_fields(self, api):
        channel = ChannelFactory()
        response = api.put(
            f"/api/v1/channels/{channel.pk}/",
            {"name": "Market", "channel_type": "marketplace", "is_active": False, "conf": {}},
        )

        assert response.status_code == 200
        channel.refresh_from_db()
        assert (channel.name, channel.channel_type, channel.is_active) == (
            "Market",
            "marketplace",
            False,
        )

    def test_patch_changes_one_field(self, api):
        channel = ChannelFactory(name="Old")
        response = api.patch(f"/api/v1/channels/{channel.pk}/", {"is_active": False})

        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert response.json()["name"] == "Old"

    def test_an_empty_channel_is_deleted(self, api):
        channel = ChannelFactory()

        assert api.delete(f"/api/v1/channels/{channel.pk}/").status_code == 204
        assert not Channel.objects.filter(pk=channel.pk).exists()

    def test_a_channel_holding_payment_data_cannot_be_deleted(self, api):
        channel = ChannelFactory(name="Web Shop")
        BankFactory.create_batch(2, channel=channel)

        response = api.delete(f"/api/v1/channels/{channel.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop cannot be deleted: it is used by 2 banks.",
            "error_code": "channel_100_1",
        }
        assert Channel.objects.filter(pk=channel.pk).exists()


class TestChannelFilters:
    def test_by_name(self, api):
        shop = ChannelFactory(name="Web Shop")
        ChannelFactory(name="App")
        assert pks(api.get("/api/v1/channels/?name=Web Shop")) == [shop.pk]

    def test_by_channel_type(self, api):
        ChannelFactory(channel_type="web")
        app = ChannelFactory(channel_type="mobile_app")
        assert pks(api.get("/api/v1/channels/?channel_type=mobile_app")) == [app.pk]

    def test_by_is_active(self, api):
        ChannelFactory(is_active=True)
        closed = ChannelFactory(is_active=False)
        assert pks(api.get("/api/v1/channels/?is_active=false")) == [closed.pk]

    def test_by_id(self, api):
        ChannelFactory()
        second = ChannelFactory()
        assert pks(api.get(f"/api/v1/channels/?id={second.pk}")) == [second.pk]

    def test_an_unknown_channel_type_is_a_400(self, api):
        response = api.get("/api/v1/channels/?channel_type=tv")

        assert response.status_code == 400
        assert response.json() == {
            "channel_type": ["Select a valid choice. tv is not one of the available choices."]
        }

    def test_a_non_boolean_is_active_is_a_400(self, api):
        response = api.get("/api/v1/channels/?is_active=maybe")

        assert response.status_code == 400
        assert response.json() == {"is_active": ["Enter true or false."]}
