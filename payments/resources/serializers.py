"""
Serializers of payment data: which fields each resource shows and accepts, and the checks that
need nothing but the request itself (formats, ranges, unique sets). Rules that involve other
rows live in `payments.services`.
"""

from decimal import Decimal

from rest_framework import serializers

from omnitron.api.queries import QuerySerializer
from omnitron.api.serializers import (
    JSONObjectField,
    ModelSerializer,
    PlainDecimalField,
    StrictPrimaryKeyRelatedField,
    WholeNumberField,
)
from payments import models, secrets, validators
from payments.gateways import GATEWAYS, get_gateway
from payments.validators import normalize_iban, validate_currency
from sales_channels.models import Channel

TIMESTAMPS = ["created_date", "modified_date"]


class GatewayField(serializers.ChoiceField):
    """A gateway's dotted value; its short key (`nestpay`) is accepted as an alias."""

    def __init__(self, **kwargs):
        super().__init__(choices=[(g.value, g.name) for g in GATEWAYS], **kwargs)

    def to_internal_value(self, data):
        gateway = get_gateway(data)
        if gateway is None:
            self.fail("invalid_choice", input=data)
        return gateway.value


class PosSerializer(ModelSerializer):
    gateway = GatewayField()
    gateway_display = serializers.CharField(source="get_gateway_display", read_only=True)
    config = JSONObjectField(required=False)

    class Meta:
        model = models.Pos
        fields = [
            "pk",
            "name",
            "slug",
            "gateway",
            "gateway_display",
            "config",
            "resource_url",
            "three_d_resource_url",
            "channel",
            *TIMESTAMPS,
        ]

    def validate_three_d_resource_url(self, value):
        # A POS without 3-D Secure has no 3-D URL: an empty form input means null, as answered.
        return value or None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        gateway = get_gateway(instance.gateway)
        request = self.context.get("request")
        if gateway is not None and secrets.can_view_secrets(getattr(request, "user", None)):
            data["config"] = secrets.decrypt_config(gateway, instance.config)
        elif gateway is not None:
            data["config"] = secrets.mask_config(gateway, instance.config)
        return data


class BankSerializer(ModelSerializer):
    class Meta:
        model = models.Bank
        fields = ["pk", "name", "slug", "logo", "eft_code", "channel", *TIMESTAMPS]


class CardTypeSerializer(ModelSerializer):
    class Meta:
        model = models.CardType
        fields = ["pk", "name", "slug", "logo", "channel", *TIMESTAMPS]


class CardSerializer(ModelSerializer):
    class Meta:
        model = models.Card
        fields = [
            "pk",
            "name",
            "slug",
            "channel",
            "bank",
            "card_type",
            "card_payment_type",
            "pos",
            "installment_pos",
            "three_d_pos",
            "is_commercial",
            "cash_payment",
            "installment_payment",
            "three_d_payment",
            *TIMESTAMPS,
        ]


class MultiCurrencyCardSerializer(ModelSerializer):
    class Meta:
        model = models.MultiCurrencyCard
        fields = [
            "pk",
            "card",
            "currency",
            "pos",
            "installment_pos",
            "three_d_pos",
            *TIMESTAMPS,
        ]


class BinNumberSerializer(ModelSerializer):
    class Meta:
        model = models.BinNumber
        fields = ["pk", "bin_number", "card", *TIMESTAMPS]


class InstallmentSerializer(ModelSerializer):
    interest_rate = PlainDecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), required=False
    )

    class Meta:
        model = models.Installment
        fields = [
            "pk",
            "card",
            "installment_count",
            "label",
            "interest_rate",
            "is_active",
            *TIMESTAMPS,
        ]


class BankAccountSerializer(ModelSerializer):
    # Wider than the 34 characters stored: an IBAN is often pasted in print form, with a space
    # every four characters; it is checked and stored in electronic form.
    iban = serializers.CharField(
        max_length=64,
        validators=[validators.validate_iban],
        help_text="Any spacing and case; answered in electronic form (no spaces, upper case).",
    )

    class Meta:
        model = models.BankAccount
        fields = [
            "pk",
            "bank",
            "channel",
            "holder_name",
            "iban",
            "sort_order",
            "is_active",
            *TIMESTAMPS,
        ]

    def validate_iban(self, value):
        return normalize_iban(value)


class PaymentOptionSerializer(ModelSerializer):
    config = JSONObjectField(required=False)

    class Meta:
        model = models.PaymentOption
        fields = [
            "pk",
            "name",
            "slug",
            "channel",
            "payment_type",
            "is_active",
            "sort_order",
            "config",
            *TIMESTAMPS,
        ]


class UploadSerializer(serializers.Serializer):
    """The multipart body of a CSV upload (for the OpenAPI document; views read the file)."""

    file = serializers.FileField(help_text="A CSV file; see the README's CSV uploads section.")


class BankUploadQuerySerializer(QuerySerializer):
    """The query of a bank upload: the channel the banks are created on."""

    channel = StrictPrimaryKeyRelatedField(queryset=Channel.objects.all())


class BinLookupQuerySerializer(QuerySerializer):
    """The query of `GET /api/v1/bin_numbers/lookup/`. An amount is a plain decimal of at most 2
    places (more is a 400, never rounded); error messages never repeat the card digits."""

    channel = WholeNumberField(
        min_value=1, max_value=2**63 - 1, help_text="The sales channel's id."
    )
    bin = serializers.RegexField(
        r"\A[0-9]{6,19}\Z",
        error_messages={"invalid": "Give the first 6 to 19 digits (0-9) of the card number."},
        help_text="The first 6 to 19 digits of the card number.",
    )
    amount = PlainDecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="The price to pay, e.g. 1234.50: at most 2 decimal places.",
    )
    currency = serializers.CharField(
        validators=[validate_currency], help_text="ISO 4217 code of the price: TRY, USD, EUR..."
    )
