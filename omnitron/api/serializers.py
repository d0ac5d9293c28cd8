"""The serializer base: every object is answered with its integer `pk` and its timestamps, and
what a client sends is taken literally: a reference is a whole number, a field the resource does
not have is an error rather than silently ignored (a misspelt `is_comercial` would otherwise
change nothing and answer 200)."""

import json
import re
from collections.abc import Mapping

from django.core import validators
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import serializers

from omnitron.api.parsers import json_value_problem

# A decimal written out in digits: no exponent, no thousands separator.
PLAIN_DECIMAL = re.compile(r"\A[+-]?[0-9]+(?:\.[0-9]+)?\Z")


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by primary key that must be a whole number: DRF would look `1.5` up as 1."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not (data.isascii() and data.isdigit()):
            self.fail("incorrect_type", data_type="str")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """An integer written in ASCII digits: Python's `int` would also read `１` or `٣` as digits."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """A model serializer whose answers carry `pk`; `created_date`/`modified_date` are read-only
    because the model fields are not editable."""

    pk = serializers.IntegerField(read_only=True)
    serializer_related_field = StrictPrimaryKeyRelatedField

    # Sent by the browsable API's HTML forms alongside the fields.
    FORM_KEYS = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - self.FORM_KEYS)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["Unknown field: this resource has no such field."] for key in unknown}
                )
        return super().to_internal_value(data)

    def run_validators(self, value):
        """Check the unique sets; when one is broken, check them all once more. Each set is one
        query, so a concurrent request's row committed between two of them would break only the
        later sets; by the second pass that row is visible to every query, and the answer names
        each set it breaks, as it does for a row stored before.

        An update is first asked of the view's service (`context["service"]`) whether it moves
        the object to another channel: that refusal (406) answers before a unique set that the
        move would break on the other channel (400)."""
        service = self.context.get("service")
        if self.instance is not None and service is not None:
            service.check_channel_unchanged(self.instance, value)
        try:
            super().run_validators(value)
        except serializers.ValidationError:
            super().run_validators(value)
            raise

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        # DRF's SlugField checks the slug itself, and drops Django's ASCII slug validator but
        # not the unicode one, so a bad unicode slug would be reported twice.
        if "validators" in field_kwargs:
            field_kwargs["validators"] = [
                validator
                for validator in field_kwargs["validators"]
                if validator is not validators.validate_unicode_slug
            ]
        # An integer column's range is the one of the database in use: SQLite's backend says
        # 64 bits for every integer field, so `sort_order` 2147483648 was stored there and
        # refused on PostgreSQL. The standard column ranges, PostgreSQL's, apply everywhere.
        column_range = BaseDatabaseOperations.integer_field_ranges.get(
            model_field.get_internal_type()
        )
        if column_range is not None and issubclass(field_class, serializers.IntegerField):
            low, high = column_range
            field_kwargs["min_value"] = max(field_kwargs.get("min_value", low), low)
            field_kwargs["max_value"] = min(field_kwargs.get("max_value", high), high)
        return field_class, field_kwargs


class PlainDecimalField(serializers.DecimalField):
    """A decimal written out in digits (`3.25`, as a string or a JSON number); exponent forms
    such as `1e2` are refused, and so is more precision than the field keeps: nothing is
    rounded silently. A JSON number is judged by its text as sent (`JSONNumber.text`)."""

    def to_internal_value(self, data):
        if isinstance(data, float):
            data = getattr(data, "text", None) or repr(data)
        if isinstance(data, str) and not PLAIN_DECIMAL.match(data.strip()):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONObjectField(serializers.JSONField):
    """A JSON value that must be an object (a dict), as configs are.

    Its text, keys included, may not hold NUL characters, which PostgreSQL's `jsonb` cannot
    store, nor unpaired surrogates; nor may it nest deeper than the JSON parser allows (a form
    field brings its JSON as text that this field decodes itself).
    """

    # Configs are a few keys; a larger value is a mistake that would ride on every list page.
    max_bytes = 64 * 1024

    default_error_messages = {
        "not_an_object": "Must be a JSON object.",
        "too_large": "At most {max_bytes} bytes of JSON are accepted here.",
        "null_characters": "Null characters are not allowed.",
        "unreadable": "Not acceptable JSON: {problem}",
    }

    def to_internal_value(self, data):
        try:
            value = super().to_internal_value(data)
        except RecursionError:
            self.fail("unreadable", problem="nested too deeply.")
        if not isinstance(value, dict):
            self.fail("not_an_object")
        problem = json_value_problem(value)
        if problem:
            self.fail("unreadable", problem=problem)
        if _holds_null_character(value):
            self.fail("null_characters")
        if len(json.dumps(value, ensure_ascii=False).encode()) > self.max_bytes:
            self.fail("too_large", max_bytes=self.max_bytes)
        return value


def _holds_null_character(value):
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, str) and "\x00" in node:
            return True
    return False


class HistoryUserSerializer(serializers.Serializer):
    pk = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="get_username", read_only=True)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Field name; `config.mode` for a key of a JSON field.")
    old = serializers.JSONField(allow_null=True, help_text="Value before; null when unset.")
    new = serializers.JSONField(allow_null=True, help_text="Value after; null when unset.")


class HistoryRecordSerializer(serializers.Serializer):
    """One change of an object: who, when, what kind, and the fields that changed.

    `changes` is filled by the view, which knows the record before this one.
    """

    history_id = serializers.IntegerField(read_only=True)
    history_date = serializers.DateTimeField(read_only=True)
    history_type = serializers.ChoiceField(
        choices=["created", "changed", "deleted"], source="history_type_name", read_only=True
    )
    history_user = HistoryUserSerializer(read_only=True, allow_null=True)
    history_change_reason = serializers.CharField(read_only=True, allow_null=True)
    changes = HistoryChangeSerializer(many=True, read_only=True)
