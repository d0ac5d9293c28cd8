"""
Gateway secrets: encrypted at rest, masked in answers.

A gateway's JSON Schema marks its credentials `"writeOnly": true` (see `payments.gateways`).
In the database, each such value of a POS `config` is a Fernet token made with the newest key
of `settings.CONFIG_ENCRYPTION_KEYS`; the other keys of the list still decrypt, so keys can be
rotated: put a new key first, run `manage.py rotate_config_keys` (which re-encrypts every
stored secret, history included, under the newest key), then drop the old key.

Everything that shows a config to people (API, admin, history) shows `MASK` instead of a
secret, unless the user holds `payments.view_pos_secrets`; history always masks. A client sends
`MASK` back, or leaves the secret out, to keep the stored value.

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

from omnitron.history import Hidden

logger = logging.getLogger(__name__)

MASK = "********"
SECRETS_PERMISSION = "payments.view_pos_secrets"


def encrypt_config(gateway, config, stored=None):
    """The stored form of a plain `config`: each secret value replaced by its Fernet token.

    A secret whose value is the one `stored` already holds keeps its token, so saving a POS
    without changing a secret does not rewrite it (and its history shows no change).
    """
    stored = stored if isinstance(stored, dict) else {}

    def encrypt(path, value):
        token = _get(stored, path)
        if isinstance(token, str) and _decrypt_or_none(token) == value:
            return token
        return _fernet().encrypt(value.encode()).decode()

    return _map_secrets(gateway, config, encrypt)


def decrypt_config(gateway, stored):
    """The plain form of a stored config."""
    return _map_secrets(gateway, stored, lambda path, token: _decrypt(token))


def mask_config(gateway, config):
    """`config` (stored or plain) with every secret value shown as `MASK`."""
    return _map_secrets(gateway, config, lambda path, value: MASK, strings_only=False)


def rotate_config(gateway, stored):
    """`(config, count)`: the stored config with every secret the newest key cannot read
    re-encrypted under it, and how many were. Raises `InvalidToken` for a secret no key reads."""
    rotated = []

    def rotate(path, token):
        if _newest_key_reads(token):
            return token
        rotated.append(path)
        return _fernet().rotate(token.encode()).decode()

    config = _map_secrets(gateway, stored, rotate)
    return config, len(rotated)


def keep_stored_secrets(gateway, incoming, stored):
    """The plain config to save when a client sends `incoming` over a config already stored
    (`stored` is None for a new POS, or when the gateway changes: another gateway's secret is
    not this one's).

    A secret the client left out, or sent back as `MASK`, keeps its stored value; a secret sent
    in plain replaces it. `MASK` sent for a secret that is not stored is dropped, so the
    gateway schema reports it as missing rather than storing the mask as a password.
    """
    if not isinstance(incoming, dict):
        return incoming
    merged = copy.deepcopy(incoming)
    stored = stored if isinstance(stored, dict) else {}
    for path in gateway.secret_paths():
        sent = _get(merged, path)
        if sent is not _MISSING and sent != MASK:
            continue
        kept = _get(stored, path)
        if isinstance(kept, str):
            _set(merged, path, _decrypt(kept))
        elif sent == MASK:
            _delete(merged, path)
    return merged


def hidden_secrets(gateway, stored, prefix):
    """The secrets of a stored config as history shows them: `{"<prefix>.<path>": Hidden}`,
    each shown as `MASK` and equal to another only when the plain values are equal (a
    re-encryption is not a change). A token no key reads is compared as it is."""
    hidden = {}
    for path in gateway.secret_paths():
        token = _get(stored, path)
        if token is _MISSING:
            continue
        plain = _decrypt_or_none(token) if isinstance(token, str) else None
        hidden[".".join((prefix, *path))] = Hidden(MASK, plain if plain is not None else token)
    return hidden


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


def check_keys(keys):
    """Raise `ImproperlyConfigured` unless `keys` is a non-empty list of Fernet keys."""
    if not keys:
        raise ImproperlyConfigured("CONFIG_ENCRYPTION_KEYS holds no key.")
    try:
        return [Fernet(key) for key in keys]
    except ValueError:
        raise ImproperlyConfigured(
            "Each key of CONFIG_ENCRYPTION_KEYS must be 32 url-safe base64-encoded bytes; "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


@cache
def _fernet():
    return MultiFernet(check_keys(settings.CONFIG_ENCRYPTION_KEYS))


@cache
def _newest():
    return check_keys(settings.CONFIG_ENCRYPTION_KEYS)[0]


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting == "CONFIG_ENCRYPTION_KEYS":
        _fernet.cache_clear()
        _newest.cache_clear()


def _decrypt(token):
    try:
        return _fernet().decrypt(str(token).encode()).decode()
    except InvalidToken:
        logger.error("A stored POS secret cannot be decrypted with CONFIG_ENCRYPTION_KEYS.")
        raise ImproperlyConfigured(
            "A stored POS secret cannot be decrypted: is its key still in CONFIG_ENCRYPTION_KEYS?"
        ) from None


def _decrypt_or_none(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def _newest_key_reads(token):
    try:
        _newest().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


_MISSING = object()


def _map_secrets(gateway, config, change, strings_only=True):
    """A copy of `config` with `change(path, value)` applied to each secret present."""
    result = copy.deepcopy(config) if isinstance(config, dict) else {}
    for path in gateway.secret_paths():
        value = _get(result, path)
        if value is _MISSING or (strings_only and not isinstance(value, str)):
            continue
        _set(result, path, change(path, value))
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
