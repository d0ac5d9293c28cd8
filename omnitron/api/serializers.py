"""The serializer base: every object is answered with its integer `pk` and its timestamps."""

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """A model serializer whose answers carry `pk`; `created_date`/`modified_date` are read-only
    because the model fields are not editable."""

    pk = serializers.IntegerField(read_only=True)


class JSONObjectField(serializers.JSONField):
    """A JSON value that must be an object (a dict), as configs are."""

    default_error_messages = {"not_an_object": "Must be a JSON object."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        return value
