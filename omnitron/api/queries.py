"""
Query strings taken literally: a parameter the endpoint does not know, or one given twice, is
a 400 naming it.

Django's `QueryDict.get` answers the last of repeated values, so `?channel=1&channel=2` would
quietly mean channel 2, and a misspelt or unsupported parameter would quietly mean nothing;
either way the answer looks like the one asked for and is not. Lists check their query with
their FilterSet (`omnitron.api.filters.FilterBackend`), other endpoints with a
`QuerySerializer`.
"""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings


def check_parameters(query_params, known, unknown_message):
    """Refuse, in one 400, every parameter of `query_params` not in `known` (with
    `unknown_message`) and every one given more than once."""
    errors = {}
    for name in query_params:
        if name not in known:
            errors[name] = [unknown_message]
        elif len(query_params.getlist(name)) > 1:
            errors[name] = ["Given more than once; give it once."]
    if errors:
        raise ValidationError(dict(sorted(errors.items())))


class QuerySerializer(serializers.Serializer):
    """The query string of an endpoint that is not a list (a lookup, an upload's options):
    its fields, each once, and the response `format`."""

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            known = [*self.fields, api_settings.URL_FORMAT_OVERRIDE]
            check_parameters(
                data, known, f"Not a parameter here. The parameters: {', '.join(self.fields)}."
            )
        return super().to_internal_value(data)
