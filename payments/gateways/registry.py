"""The gateways this service knows, each with the JSON Schema of its POS `config`."""

from dataclasses import dataclass, field

PREFIX = "omnicore.libs.payment_gateways"
MODES = ["TEST", "LIVE"]


def secret(description):
    """A string key that is a credential: stored encrypted, answered masked."""
    return {"type": "string", "minLength": 1, "writeOnly": True, "description": description}


def text(description):
    return {"type": "string", "minLength": 1, "description": description}


def config_schema(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class Gateway:
    """One payment gateway: how a POS names it and what its config holds."""

    key: str
    name: str
    class_path: str
    schema: dict = field(repr=False, compare=False)

    @property
    def value(self):
        return f"{PREFIX}.{self.class_path}"

    def secret_paths(self):
        """The paths (tuples of keys) of every secret in this gateway's config."""
        return tuple(_secret_paths(self.schema, ()))

    def as_dict(self):
        return {
            "value": self.value,
            "key": self.key,
            "name": self.name,
            "schema": self.schema,
            "secret_fields": [".".join(path) for path in self.secret_paths()],
        }


def _secret_paths(schema, prefix):
    for key, subschema in schema.get("properties", {}).items():
        if subschema.get("writeOnly"):
            yield (*prefix, key)
        elif subschema.get("type") == "object":
            yield from _secret_paths(subschema, (*prefix, key))


GATEWAYS = (
    Gateway(
        key="gpay",
        name="Gpay",
        class_path="gpay.GPayGateway",
        schema=config_schema(
            {
                "auth": config_schema(
                    {
                        "merchant_id": text("Merchant number"),
                        "terminal_id": text("Terminal number"),
                        "password": secret("Provisioning password"),
                    }
                ),
                "store_key": secret("3-D Secure store key"),
                "mode": {"type": "string", "enum": MODES, "description": "Environment"},
            }
        ),
    ),
    Gateway(
        key="garanti",
        name="Garanti",
        class_path="garanti.GarantiGateway",
        schema=config_schema(
            {
                "merchant_id": text("Merchant number"),
                "terminal_id": text("Terminal number"),
                "provision_user_id": text("Provisioning user"),
                "provision_password": secret("Provisioning password"),
                "store_key": secret("3-D Secure store key"),
                "mode": {"type": "string", "enum": MODES, "description": "Environment"},
            }
        ),
    ),
    Gateway(
        key="nestpay",
        name="Nestpay",
        class_path="nestpay.NestpayGateway",
        schema=config_schema(
            {
                "client_id": text("Merchant (client) id"),
                "username": text("API user name"),
                "password": secret("API user password"),
                "store_key": secret("3-D Secure store key"),
            }
        ),
    ),
    Gateway(
        key="posnet",
        name="Posnet",
        class_path="posnet.PosnetGateway",
        schema=config_schema(
            {
                "merchant_id": text("Merchant number"),
                "terminal_id": text("Terminal number"),
                "posnet_id": text("Posnet id"),
                "enc_key": secret("Encryption key"),
            }
        ),
    ),
    Gateway(
        key="payu",
        name="PayU",
        class_path="payu.PayUGateway",
        schema=config_schema(
            {"merchant": text("Merchant code"), "secret_key": secret("Secret key")}
        ),
    ),
    Gateway(
        key="mastercard",
        name="Mastercard",
        class_path="mastercard.MastercardGateway",
        schema=config_schema(
            {"merchant_id": text("Merchant id"), "api_password": secret("API password")}
        ),
    ),
    Gateway(
        key="masterpass",
        name="Masterpass",
        class_path="masterpass.MasterpassGateway",
        schema=config_schema(
            {
                "client_id": text("Client id"),
                "merchant_secret_key": secret("Merchant secret key"),
                "mode": {"type": "string", "enum": MODES, "description": "Environment"},
            }
        ),
    ),
    Gateway(
        key="iyzico",
        name="iyzico",
        class_path="iyzico.IyzicoGateway",
        schema=config_schema({"api_key": text("API key"), "secret_key": secret("Secret key")}),
    ),
    Gateway(
        key="paytr",
        name="PayTR",
        class_path="paytr.PayTRGateway",
        schema=config_schema(
            {
                "merchant_id": text("Merchant id"),
                "merchant_key": secret("Merchant key"),
                "merchant_salt": secret("Merchant salt"),
            }
        ),
    ),
    Gateway(
        key="param",
        name="Param",
        class_path="param.ParamGateway",
        schema=config_schema(
            {
                "client_code": text("Client code"),
                "client_username": text("Client user name"),
                "client_password": secret("Client password"),
                "guid": secret("Merchant GUID"),
            }
        ),
    ),
    Gateway(
        key="craftgate",
        name="Craftgate",
        class_path="craftgate.CraftgateGateway",
        schema=config_schema({"api_key": text("API key"), "secret_key": secret("Secret key")}),
    ),
    Gateway(
        key="stripe",
        name="Stripe",
        class_path="stripe.StripeGateway",
        schema=config_schema(
            {
                "publishable_key": text("Publishable key"),
                "secret_key": secret("Secret key"),
                "webhook_secret": secret("Webhook signing secret"),
            },
            required=["publishable_key", "secret_key"],
        ),
    ),
    Gateway(
        key="dummy",
        name="Dummy",
        class_path="dummy.DummyGateway",
        schema=config_schema(
            {
                "merchant_id": text("Any merchant id, for demos"),
                "secret_key": secret("Any secret, for demos"),
            },
            required=[],
        ),
    ),
)

_BY_VALUE = {gateway.value: gateway for gateway in GATEWAYS}
_BY_KEY = {gateway.key: gateway for gateway in GATEWAYS}


def gateway_choices():
    """Choices for the POS `gateway` field: (dotted value, display name)."""
    return [(gateway.value, gateway.name) for gateway in GATEWAYS]


def resolve_gateway_value(value):
    """The full dotted value for a full value or a short key; None when unknown."""
    gateway = get_gateway(value)
    return gateway.value if gateway else None


def get_gateway(value):
    """The gateway for a full dotted value or its short key, or None."""
    if not isinstance(value, str):
        return None
    return _BY_VALUE.get(value) or _BY_KEY.get(value)
