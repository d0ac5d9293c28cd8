"""
Query-string filters of payment resources, exactly those of the reference API.

Every FilterSet gets `id` and `id__in` from the base; timestamp filters take `exact`, `gt`,
`gte`, `lt` and `lte`. A value that does not parse is a 400 naming the parameter.
"""

import django_filters
from django.db.models.functions import Length

from omnitron.api.filters import TIMESTAMP_LOOKUPS, FilterSet
from payments import models
from payments.choices import BIN_NUMBER_LENGTHS
from payments.validators import normalize_iban, validate_currency


class PosFilter(FilterSet):
    class Meta:
        model = models.Pos
        fields = {"channel": ["exact"], "modified_date": TIMESTAMP_LOOKUPS}


class BankFilter(FilterSet):
    class Meta:
        model = models.Bank
        fields = {
            "channel": ["exact"],
            "name": ["exact"],
            "slug": ["exact"],
            "modified_date": TIMESTAMP_LOOKUPS,
        }


class CardTypeFilter(FilterSet):
    class Meta:
        model = models.CardType
        fields = {"channel": ["exact"], "modified_date": TIMESTAMP_LOOKUPS}


class CardFilter(FilterSet):
    class Meta:
        model = models.Card
        fields = {
            "channel": ["exact"],
            "slug": ["exact"],
            "name": ["exact"],
            "bank": ["exact"],
            "card_type": ["exact"],
            "card_payment_type": ["exact"],
            "is_commercial": ["exact"],
            "cash_payment": ["exact"],
            "installment_payment": ["exact"],
            "three_d_payment": ["exact"],
            "modified_date": TIMESTAMP_LOOKUPS,
        }


class MultiCurrencyCardFilter(FilterSet):
    currency = django_filters.CharFilter(
        validators=[validate_currency], label="ISO 4217 currency code (TRY, USD, EUR...)"
    )

    class Meta:
        model = models.MultiCurrencyCard
        fields = {"card": ["exact"], "currency": ["exact"]}


class BinNumberFilter(FilterSet):
    bin_number_length = django_filters.TypedChoiceFilter(
        choices=[(str(length), str(length)) for length in BIN_NUMBER_LENGTHS],
        coerce=int,
        method="filter_bin_number_length",
        label="BIN length (6 or 8)",
    )

    class Meta:
        model = models.BinNumber
        fields = {
            "bin_number": ["exact"],
            "card": ["exact"],
            "created_date": TIMESTAMP_LOOKUPS,
            "modified_date": TIMESTAMP_LOOKUPS,
        }

    def filter_bin_number_length(self, queryset, name, value: int):
        return queryset.alias(bin_number_length=Length("bin_number")).filter(
            bin_number_length=value
        )


class InstallmentFilter(FilterSet):
    class Meta:
        model = models.Installment
        fields = {
            "card": ["exact"],
            "installment_count": ["exact"],
            "interest_rate": ["exact"],
            "is_active": ["exact"],
        }


class BankAccountFilter(FilterSet):
    iban = django_filters.CharFilter(method="filter_iban", label="IBAN, with or without spaces")

    class Meta:
        model = models.BankAccount
        fields = {"bank": ["exact"], "channel": ["exact"], "is_active": ["exact"]}

    def filter_iban(self, queryset, name, value):
        return queryset.filter(iban=normalize_iban(value))


class PaymentOptionFilter(FilterSet):
    class Meta:
        model = models.PaymentOption
        fields = {
            "channel": ["exact"],
            "slug": ["exact"],
            "name": ["exact"],
            "payment_type": ["exact"],
            "is_active": ["exact"],
        }
