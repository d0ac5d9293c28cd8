"""Virtual POS accounts: the gateway's config is checked against its schema and its secrets are
stored encrypted."""

import json

from omnitron.errors import InvalidConfigError
from omnitron.services import ModelService
from payments import secrets
from payments.gateways import config_errors, get_gateway
from payments.models import Pos


class PosService(ModelService):
    model = Pos
    label = "Pos"
    channel_change_code = "pos_100_3"
    protected_delete_code = "pos_100_1"

    def create(self, data, instance=None):
        data = dict(data)
        data["config"] = self.prepare_config(None, data["gateway"], data.get("config", {}))
        return super().create(data, instance)

    def update(self, instance, data):
        data = dict(data)
        gateway = data.get("gateway", instance.gateway)
        if "config" in data or gateway != instance.gateway:
            data["config"] = self.prepare_config(instance, gateway, data.get("config"))
        return super().update(instance, data)

    def prepare_config(self, instance, gateway_value, config):
        """The stored (encrypted) form of a config sent for POS `instance` (None for a new one).

        Secrets left out or sent back masked keep their stored value, but only while the gateway
        stays the same: another gateway's secret is not this one's, so a mask sent with a new
        gateway (or for a new POS) is dropped and the schema asks for the secret. `config=None`
        keeps the stored config, checked against the (new) gateway. Refuses a config that does
        not satisfy the gateway's schema with `pos_100_2`.
        """
        gateway = get_gateway(gateway_value)
        same_gateway = instance is not None and instance.gateway == gateway.value
        stored = instance.config if same_gateway else None
        if config is None:
            config = self.plain_config(instance) if instance is not None else {}
        else:
            config = secrets.keep_stored_secrets(gateway, config, stored)

        errors = config_errors(gateway, config)
        if errors:
            raise InvalidConfigError(json.dumps(errors, ensure_ascii=False), "pos_100_2")
        return secrets.encrypt_config(gateway, config, stored)

    def plain_config(self, instance):
        return secrets.decrypt_config(get_gateway(instance.gateway), instance.config)
