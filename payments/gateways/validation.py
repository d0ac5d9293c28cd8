"""
Checking a POS `config` against its gateway's JSON Schema.

The `jsonschema` library does the checking; this module only words its findings the way DRF
words field errors, keyed by the dotted path of the offending key, so that a panel can put each
message next to its input: `{"auth.password": ["This field is required."]}`.
"""

from functools import cache

from jsonschema import Draft202012Validator


@cache
def _validator(gateway):
    return Draft202012Validator(gateway.schema)


def config_errors(gateway, config):
    """Field errors of `config` for `gateway`, as {dotted path: [messages]}; empty when valid."""
    errors = {}
    for error in _validator(gateway).iter_errors(config):
        for path, message in _describe(error):
            errors.setdefault(path or "config", []).append(message)
    return {path: sorted(set(messages)) for path, messages in sorted(errors.items())}


def _describe(error):
    where = [str(part) for part in error.absolute_path]

    if error.validator == "required":
        for key in error.validator_value:
            if isinstance(error.instance, dict) and key not in error.instance:
                yield ".".join([*where, key]), "This field is required."
    elif error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        for key in sorted(set(error.instance) - allowed):
            yield ".".join([*where, key]), "Unknown field for this gateway."
    elif error.validator == "type":
        yield ".".join(where), f"Must be of type {error.validator_value}."
    elif error.validator == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        yield ".".join(where), f"Must be one of: {choices}."
    elif error.validator == "minLength":
        yield ".".join(where), "This field may not be blank."
    else:
        # jsonschema's own message quotes the value, and the value may be a secret.
        yield ".".join(where), f"Does not satisfy the gateway's `{error.validator}` rule."
