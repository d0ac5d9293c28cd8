"""The serializer base: every object is answered with its integer `pk` and its timestamps."""

from django.core import validators
from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """A model serializer whose answers carry `pk`; `created_date`/`modified_date` are read-only
    because the model fields are not editable."""

    pk = serializers.IntegerField(read_only=True)

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
        return field_class, field_kwargs


class JSONObjectField(serializers.JSONField):
    """A JSON value that must be an object (a dict), as configs are."""

    default_error_messages = {"not_an_object": "Must be a JSON object."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        return value
