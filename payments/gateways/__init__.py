"""
The gateway registry: every payment gateway a POS can use.

A gateway is known by its dotted identifier (the value stored on a POS and returned by the API,
e.g. `omnicore.libs.payment_gateways.nestpay.NestpayGateway`), a short key accepted on input as
an alias (`nestpay`), a display name, and the JSON Schema its POS `config` must satisfy. Keys
the schema marks `"writeOnly": true` are secrets: they are encrypted at rest and masked in
answers (see `payments.secrets`).

Adding a gateway means adding one `Gateway(...)` to `GATEWAYS` in `registry.py`.
"""

from payments.gateways.registry import (
    GATEWAYS,
    Gateway,
    gateway_choices,
    get_gateway,
    resolve_gateway_value,
)
from payments.gateways.validation import config_errors

__all__ = [
    "GATEWAYS",
    "Gateway",
    "config_errors",
    "gateway_choices",
    "get_gateway",
    "resolve_gateway_value",
]
