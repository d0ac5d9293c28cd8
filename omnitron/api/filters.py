"""
Query-string filtering and sorting that refuse what they do not understand.

django-filter already answers an invalid value with a 400 naming the parameter; this module
closes the gaps where it would quietly drop a filter instead: booleans (`?is_active=maybe`),
sort keys (`?sort=no_such_field`), parameters that name no filter of the resource at all
(`?slug=` on POS, which the reference does not filter by) and parameters given twice: each is a
400 naming it, because a list that is silently not filtered looks like the answer asked for
(see `omnitron.api.queries`). Integer filters take whole
numbers that a column can hold, decimals are written out in digits, and date-times are compared
in UTC, so no odd value reaches the database as an error.
"""

import datetime

import django_filters
from django import forms
from django.db import models
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings

from omnitron.api.queries import check_parameters
from omnitron.api.serializers import PLAIN_DECIMAL

TIMESTAMP_LOOKUPS = ["exact", "gt", "gte", "lt", "lte"]
TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


class StrictBooleanField(forms.Field):
    """`true`/`false` (or 1/0, yes/no); anything else is an error, not "no filter"."""

    default_error_messages = {"invalid": "Enter true or false."}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class UTCDateTimeField(forms.DateTimeField):
    """A date-time compared in UTC. Python accepts offsets up to ±24 hours
    (`2024-01-01T00:00:00+18:22`), PostgreSQL only up to ±15:59, so the value is converted
    before it reaches the database."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return result.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UTCDateTimeFilter(django_filters.DateTimeFilter):
    field_class = UTCDateTimeField


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class BigIntegerField(forms.IntegerField):
    """A whole number that fits the widest integer column (64 bits)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class PlainDecimalField(forms.DecimalField):
    """A decimal written out in digits: `1e2` is refused as the API's decimal fields refuse it."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not PLAIN_DECIMAL.match(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PlainDecimalFilter(django_filters.NumberFilter):
    field_class = PlainDecimalField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number. django-filter's NumberFilter takes any decimal (`1.5`, `-3e51`), which an
    integer column then truncates or cannot even hold (a database error, not a 400)."""

    field_class = BigIntegerField


class NumberInFilter(django_filters.BaseInFilter, IntegerFilter):
    """`?id__in=1,2,3`."""


class FilterSet(filters.FilterSet):
    """The base of every resource's FilterSet: strict booleans and `id`/`id__in`."""

    id = IntegerFilter(field_name="pk")
    id__in = NumberInFilter(field_name="pk")

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.DateTimeField: {"filter_class": UTCDateTimeFilter},
        models.DecimalField: {"filter_class": PlainDecimalFilter},
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.AutoField,
                models.BigAutoField,
                models.SmallAutoField,
                models.IntegerField,
                models.BigIntegerField,
                models.SmallIntegerField,
                models.PositiveIntegerField,
                models.PositiveBigIntegerField,
                models.PositiveSmallIntegerField,
            )
        },
    }


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, refusing a query parameter that is neither a filter of the
    resource nor one of pagination, sorting or the response format."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            check_parameters(
                request.query_params,
                {*filterset.filters, *_other_parameters(view)},
                f"Not a filter of this resource. Its filters: {', '.join(filterset.filters)}.",
            )
        return filterset


def _other_parameters(view):
    """The query parameters that a list understands besides its filters."""
    names = {api_settings.URL_FORMAT_OVERRIDE, SortFilter.ordering_param}
    paginator = getattr(view, "paginator", None)
    for attribute in ("page_query_param", "page_size_query_param"):
        names.add(getattr(paginator, attribute, None))
    return names


class SortFilter(OrderingFilter):
    """`?sort=field` or `?sort=-field` (comma-separated for several); unknown fields are a 400."""

    ordering_param = "sort"

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)

        terms = [term.strip() for term in params.split(",") if term.strip()]
        valid = self.sortable_fields(queryset, view, request)
        ordering, unknown = [], []
        for term in terms:
            descending, name = term.startswith("-"), term.removeprefix("-")
            name = "pk" if name == "id" else name  # filters call the identifier `id`
            if name not in valid:
                unknown.append(term)
            ordering.append(f"-{name}" if descending else name)
        if unknown:
            message = (
                f"Cannot sort by {', '.join(unknown)}. Choose from: {', '.join(sorted(valid))} "
                f"(a leading - sorts in descending order)."
            )
            raise ValidationError({self.ordering_param: [message]})

        if not any(term.lstrip("-") == "pk" for term in ordering):
            ordering.append("pk")
        return ordering

    def sortable_fields(self, queryset, view, request):
        """The serializer's fields that are stored columns of the model, and `pk`."""
        columns = {field.name for field in queryset.model._meta.concrete_fields} | {"pk"}
        declared = self.get_valid_fields(queryset, view, {"request": request})
        return {name for name, _label in declared if name in columns}
