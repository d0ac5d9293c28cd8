"""The gateway registry: values, display names, config schemas checked with jsonschema, short
keys as aliases, `GET /api/v1/pos/schema/`, and the `pos_100_2` refusal."""

import json

import pytest
from jsonschema import Draft202012Validator

from conftest import grant, token_client
from payments import models
from payments.gateways import GATEWAYS, config_errors, get_gateway, resolve_gateway_value
from payments.tests.factories import ChannelFactory, PosFactory

PREFIX = "omnicore.libs.payment_gateways"

GPAY_CONFIG = {
    "auth": {"merchant_id": "7000679", "terminal_id": "30691297", "password": "p4ss"},
    "store_key": "k3y",
    "mode": "TEST",
}


class TestRegistry:
    @pytest.mark.parametrize(
        ("key", "value", "name"),
        [
            ("gpay", f"{PREFIX}.gpay.GPayGateway", "Gpay"),
            ("garanti", f"{PREFIX}.garanti.GarantiGateway", "Garanti"),
            ("nestpay", f"{PREFIX}.nestpay.NestpayGateway", "Nestpay"),
            ("posnet", f"{PREFIX}.posnet.PosnetGateway", "Posnet"),
            ("payu", f"{PREFIX}.payu.PayUGateway", "PayU"),
            ("mastercard", f"{PREFIX}.mastercard.MastercardGateway", "Mastercard"),
            ("masterpass", f"{PREFIX}.masterpass.MasterpassGateway", "Masterpass"),
            ("iyzico", f"{PREFIX}.iyzico.IyzicoGateway", "iyzico"),
            ("paytr", f"{PREFIX}.paytr.PayTRGateway", "PayTR"),
            ("param", f"{PREFIX}.param.ParamGateway", "Param"),
            ("craftgate", f"{PREFIX}.craftgate.CraftgateGateway", "Craftgate"),
            ("stripe", f"{PREFIX}.stripe.StripeGateway", "Stripe"),
            ("dummy", f"{PREFIX}.dummy.DummyGateway", "Dummy"),
        ],
    )
    def test_each_gateway_has_its_dotted_value_short_key_and_name(self, key, value, name):
        gateway = get_gateway(key)

        assert (gateway.value, gateway.name) == (value, name)
        assert get_gateway(value) is gateway
        assert resolve_gateway_value(key) == value

    def test_the_registry_holds_exactly_the_thirteen_gateways(self):
        assert len(GATEWAYS) == 13

    def test_an_unknown_gateway_resolves_to_none(self):
        assert get_gateway("acme") is None
        assert get_gateway(None) is None
        assert resolve_gateway_value("acme") is None

    def test_every_schema_is_a_valid_json_schema(self):
        for gateway in GATEWAYS:
            Draft202012Validator.check_schema(gateway.schema)

    @pytest.mark.parametrize(
        ("key", "required"),
        [
            ("nestpay", ["client_id", "password", "store_key", "username"]),
            ("gpay", ["auth", "mode", "store_key"]),
            ("iyzico", ["api_key", "secret_key"]),
            ("paytr", ["merchant_id", "merchant_key", "merchant_salt"]),
        ],
    )
    def test_the_real_required_keys(self, key, required):
        errors = config_errors(get_gateway(key), {})
        assert errors == {name: ["This field is required."] for name in required}

    def test_gpay_requires_its_auth_keys_inside_auth(self):
        errors = config_errors(get_gateway("gpay"), {**GPAY_CONFIG, "auth": {}})
        assert errors == {
            "auth.merchant_id": ["This field is required."],
            "auth.password": ["This field is required."],
            "auth.terminal_id": ["This field is required."],
        }

    def test_gpay_mode_is_test_or_live(self):
        errors = config_errors(get_gateway("gpay"), {**GPAY_CONFIG, "mode": "PROD"})
        assert errors == {"mode": ["Must be one of: TEST, LIVE."]}

    def test_a_complete_config_has_no_errors(self):
        assert config_errors(get_gateway("gpay"), GPAY_CONFIG) == {}

    def test_unknown_keys_wrong_types_and_blanks_are_errors(self):
        config = {"api_key": 42, "secret_key": "", "sandbox": True}
        assert config_errors(get_gateway("iyzico"), config) == {
            "api_key": ["Must be of type string."],
            "sandbox": ["Unknown field for this gateway."],
            "secret_key": ["This field may not be blank."],
        }

    def test_the_dummy_gateway_accepts_an_empty_config(self):
        assert config_errors(get_gateway("dummy"), {}) == {}

    def test_secrets_are_the_write_only_keys(self):
        assert get_gateway("gpay").as_dict()["secret_fields"] == ["auth.password", "store_key"]
        assert get_gateway("nestpay").as_dict()["secret_fields"] == ["password", "store_key"]


@pytest.mark.django_db
class TestSchemaEndpoint:
    def test_every_gateway_is_served_with_value_name_and_schema(self, api):
        response = api.get("/api/v1/pos/schema/")

        assert response.status_code == 200
        body = response.json()
        assert list(body) == [
            f"{PREFIX}.{path}"
            for path in (
                "gpay.GPayGateway",
                "garanti.GarantiGateway",
                "nestpay.NestpayGateway",
                "posnet.PosnetGateway",
                "payu.PayUGateway",
                "mastercard.MastercardGateway",
                "masterpass.MasterpassGateway",
                "iyzico.IyzicoGateway",
                "paytr.PayTRGateway",
                "param.ParamGateway",
                "craftgate.CraftgateGateway",
                "stripe.StripeGateway",
                "dummy.DummyGateway",
            )
        ]
        text = {"type": "string", "minLength": 1}
        assert body[f"{PREFIX}.gpay.GPayGateway"] == {
            "value": f"{PREFIX}.gpay.GPayGateway",
            "key": "gpay",
            "name": "Gpay",
            "schema": {
                "type": "object",
                "properties": {
                    "auth": {
                        "type": "object",
                        "properties": {
                            "merchant_id": {**text, "description": "Merchant number"},
                            "terminal_id": {**text, "description": "Terminal number"},
                            "password": {
                                **text,
                                "writeOnly": True,
                                "description": "Provisioning password",
                            },
                        },
                        "required": ["merchant_id", "terminal_id", "password"],
                        "additionalProperties": False,
                    },
                    "store_key": {**text, "writeOnly": True, "description": "3-D Secure store key"},
                    "mode": {
                        "type": "string",
                        "enum": ["TEST", "LIVE"],
                        "description": "Environment",
                    },
                },
                "required": ["auth", "store_key", "mode"],
                "additionalProperties": False,
            },
            "secret_fields": ["auth.password", "store_key"],
        }

    def test_the_served_schema_lists_required_keys_types_and_secrets(self, api):
        nestpay = api.get("/api/v1/pos/schema/").json()[f"{PREFIX}.nestpay.NestpayGateway"]

        assert nestpay["schema"]["required"] == ["client_id", "username", "password", "store_key"]
        assert nestpay["schema"]["properties"]["username"]["type"] == "string"
        assert nestpay["schema"]["properties"]["password"]["writeOnly"] is True
        assert "writeOnly" not in nestpay["schema"]["properties"]["username"]

    @pytest.mark.parametrize("wanted", ["nestpay", f"{PREFIX}.nestpay.NestpayGateway"])
    def test_gateway_narrows_to_one(self, api, wanted):
        body = api.get(f"/api/v1/pos/schema/?gateway={wanted}").json()
        assert list(body) == [f"{PREFIX}.nestpay.NestpayGateway"]

    def test_an_unknown_gateway_is_a_400(self, api):
        response = api.get("/api/v1/pos/schema/?gateway=acme")

        assert response.status_code == 400
        assert response.json() == {"gateway": ['"acme" is not a known gateway.']}

    def test_reading_it_needs_the_pos_view_permission(self, django_user_model):
        user = django_user_model.objects.create_user("clerk", password="clerk-pass-123")
        assert token_client(user).get("/api/v1/pos/schema/").status_code == 403

        grant(user, "payments.view_pos")
        assert token_client(user).get("/api/v1/pos/schema/").status_code == 200


@pytest.mark.django_db
class TestConfigThroughTheApi:
    def test_a_config_the_gateway_refuses_answers_the_field_errors_as_a_json_string(self, api):
        channel = ChannelFactory()
        response = api.post(
            "/api/v1/pos/",
            {
                "name": "Gpay",
                "slug": "gpay",
                "gateway": "gpay",
                "config": {"auth": {"merchant_id": "1"}, "mode": "PROD", "extra": 1},
                "resource_url": "https://gpay.example/api",
                "channel": channel.pk,
            },
        )

        assert response.status_code == 406
        body = response.json()
        assert body["error_code"] == "pos_100_2"
        assert isinstance(body["non_field_errors"], str)
        assert json.loads(body["non_field_errors"]) == {
            "auth.password": ["This field is required."],
            "auth.terminal_id": ["This field is required."],
            "extra": ["Unknown field for this gateway."],
            "mode": ["Must be one of: TEST, LIVE."],
            "store_key": ["This field is required."],
        }

    def test_patch_with_a_short_key_stores_the_full_value(self, api):
        pos = PosFactory()
        response = api.patch(
            f"/api/v1/pos/{pos.pk}/",
            {"gateway": "iyzico", "config": {"api_key": "k", "secret_key": "s"}},
        )

        assert response.status_code == 200
        assert response.json()["gateway"] == f"{PREFIX}.iyzico.IyzicoGateway"
        assert response.json()["gateway_display"] == "iyzico"
        pos.refresh_from_db()
        assert pos.gateway == f"{PREFIX}.iyzico.IyzicoGateway"

    def test_changing_the_gateway_checks_the_stored_config_against_the_new_one(self, api):
        pos = PosFactory(config={"merchant_id": "m"})
        response = api.patch(f"/api/v1/pos/{pos.pk}/", {"gateway": "paytr"})

        assert response.status_code == 406
        assert json.loads(response.json()["non_field_errors"]) == {
            "merchant_key": ["This field is required."],
            "merchant_salt": ["This field is required."],
        }
        pos.refresh_from_db()
        assert pos.gateway == f"{PREFIX}.dummy.DummyGateway"

    def test_a_refused_config_stores_nothing(self, api):
        pos = PosFactory(config={"merchant_id": "before"})
        api.patch(f"/api/v1/pos/{pos.pk}/", {"config": {"merchant_id": ""}})

        assert models.Pos.objects.get(pk=pos.pk).config == {"merchant_id": "before"}
