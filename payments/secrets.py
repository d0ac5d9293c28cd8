"""
Gateway secrets: encrypted at rest, masked in answers.

A gateway's JSON Schema marks its credentials `"writeOnly": true` (see `payments.gateways`).
In the database, each such value of a POS `config` is a Fernet token made with the newest key
of `settings.CONFIG_ENCRYPTION_KEYS`; the other keys of the list still decrypt, so keys can be
rotated (`manage.py rotate_config_keys` re-encrypts under the newest). Everything that shows a
config to people (API, admin, history) shows `MASK` instead of a secret, unless the user holds
`payments.view_pos_secrets`.

The functions here take and return plain dicts and never log values.
"""

import copy
import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

MASK = "********"
SECRETS_PERMISSION = "payments.view_pos_secrets"


def encrypt_config(gateway, config):
    """The stored form of a plain `config`: each secret value replaced by its Fernet token."""
    return _map_secrets(gateway, config, lambda value: _fernet().encrypt(value.encode()).decode())


def decrypt_config(gateway, stored):
    """The plain form of a stored config."""
    return _map_secrets(gateway, stored, _decrypt)


def mask_config(gateway, config):
    """`config` (stored or plain) with every secret value shown as `MASK`."""
    return _map_secrets(gateway, config, lambda value: MASK)


def rotate_config(gateway, stored):
    """The stored config re-encrypted under the newest key."""
    return _map_secrets(gateway, stored, lambda value: _fernet().rotate(value.encode()).decode())


def keep_stored_secrets(gateway, incoming, stored):
    """The plain config to save when a client sends `incoming` over a config already stored.

    A secret the client left out, or sent back as `MASK`, keeps its stored value; a secret sent
    in plain replaces it. `MASK` sent for a secret that was never stored is dropped, so the
    gateway schema reports it as missing rather than storing the mask as a password.
    """
    merged = copy.deepcopy(incoming) if isinstance(incoming, dict) else incoming
    if not isinstance(merged, dict):
        return merged
    for path in gateway.secret_paths():
        sent = _get(merged, path)
        if sent is not _MISSING and sent != MASK:
            continue
        kept = _get(stored, path)
        if kept is not _MISSING:
            _set(merged, path, _decrypt(kept))
        elif sent == MASK:
            _delete(merged, path)
    return merged


def can_view_secrets(user):
    return bool(user and user.is_authenticated and user.has_perm(SECRETS_PERMISSION))


def secret_values(gateway, config):
    """Every secret value present in `config`, e.g. to check that none leaks into a log."""
    values = []
    for path in gateway.secret_paths():
        value = _get(config, path)
        if isinstance(value, str):
            values.append(value)
    return values


@cache
def _fernet():
    keys = settings.CONFIG_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("CONFIG_ENCRYPTION_KEYS holds no key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "Each key of CONFIG_ENCRYPTION_KEYS must be 32 url-safe base64-encoded bytes; "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting == "CONFIG_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def _decrypt(token):
    try:
        return _fernet().decrypt(str(token).encode()).decode()
    except InvalidToken:
        logger.error("A stored POS secret cannot be decrypted with CONFIG_ENCRYPTION_KEYS.")
        raise ImproperlyConfigured(
            "A stored POS secret cannot be decrypted: is its key still in CONFIG_ENCRYPTION_KEYS?"
        ) from None


_MISSING = object()


def _map_secrets(gateway, config, change):
    result = copy.deepcopy(config) if isinstance(config, dict) else {}
    for path in gateway.secret_paths():
        value = _get(result, path)
        if isinstance(value, str):
            _set(result, path, change(value))
    return result


def _get(config, path):
    node = config
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _delete(config, path):
    parent = _get(config, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


def _set(config, path, value):
    node = config
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            return
    node[path[-1]] = value
