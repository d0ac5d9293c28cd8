"""
Payment configuration of a sales channel.

A channel takes card payments through virtual POS accounts (`Pos`). Shoppers' cards are grouped
into card programmes (`Card`): one bank's card of one card type (Visa, Troy...), naming the POS
that charges it for a single payment, for installments and for 3-D Secure. A card is recognised
at checkout by its BINs (`BinNumber`), offers installment plans (`Installment`) and may use other
POS for other currencies (`MultiCurrencyCard`). Shoppers paying by bank transfer see the
channel's `BankAccount`s; the checkout offers the channel's `PaymentOption`s.

Everything belongs to one channel, and rules that involve other rows (channel immutability,
cross-channel references, protected deletes, BIN conflicts) live in `payments.services`.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from omnitron.db import TimeStampedModel
from payments import secrets, validators
from payments.choices import MAX_INSTALLMENT_COUNT, CardPaymentType, PaymentType
from payments.gateways import gateway_choices, get_gateway


def unique_set(*fields, name):
    """A named unique constraint that words its violation the way the reference API does."""
    return models.UniqueConstraint(
        fields=fields,
        name=name,
        violation_error_message=f"The fields {', '.join(fields)} must make a unique set.",
    )


class Pos(TimeStampedModel):
    """A virtual POS account: a payment gateway and the credentials the channel uses with it."""

    name = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, allow_unicode=True)
    gateway = models.CharField(max_length=128, choices=gateway_choices)
    config = models.JSONField(
        default=dict,
        blank=True,
        help_text="Gateway settings; secret keys are stored encrypted.",
    )
    resource_url = models.URLField(max_length=255)
    # The reference answers null for a POS without 3-D Secure, so the column is nullable.
    three_d_resource_url = models.URLField(max_length=255, null=True, blank=True)  # noqa: DJ001
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="pos_set"
    )

    history = HistoricalRecords(verbose_name="historical POS")

    class Meta:
        ordering = ["pk"]
        verbose_name = "POS"
        verbose_name_plural = "POS"
        constraints = [unique_set("slug", "channel", name="unique_pos_slug_channel")]
        permissions = [("view_pos_secrets", "Can view POS secrets in plain text")]

    def __str__(self):
        return self.name

    def history_secrets(self):
        """The config's secrets as history shows them: masked, compared by plain value."""
        gateway = get_gateway(self.gateway)
        return secrets.hidden_secrets(gateway, self.config, "config") if gateway else {}


class Bank(TimeStampedModel):
    """A bank that issues cards or holds the channel's accounts for transfers."""

    name = models.CharField(max_length=128)
    slug = models.SlugField(max_length=128, allow_unicode=True)
    logo = models.ImageField(
        upload_to="banks/", null=True, blank=True, validators=[validators.validate_logo_size]
    )
    eft_code = models.CharField(
        "EFT code",
        max_length=4,
        blank=True,
        default="",
        validators=[validators.validate_eft_code],
        help_text="4-digit national bank code, leading zeros kept (e.g. 0062).",
    )
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="banks"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [unique_set("slug", "channel", name="unique_bank_slug_channel")]

    def __str__(self):
        return self.name


class CardType(TimeStampedModel):
    """A card network or brand: Visa, Mastercard, Troy, American Express..."""

    name = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, allow_unicode=True)
    logo = models.ImageField(
        upload_to="card_types/", null=True, blank=True, validators=[validators.validate_logo_size]
    )
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="card_types"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "card type"
        constraints = [unique_set("slug", "channel", name="unique_card_type_slug_channel")]

    def __str__(self):
        return self.name


class Card(TimeStampedModel):
    """A bank's card programme on a channel (e.g. a bank's Mastercard credit card) and its POS."""

    name = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, allow_unicode=True)
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="cards"
    )
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="cards")
    card_type = models.ForeignKey(CardType, on_delete=models.PROTECT, related_name="cards")
    card_payment_type = models.CharField(
        max_length=16, choices=CardPaymentType.choices, default=CardPaymentType.CREDIT
    )
    pos = models.ForeignKey(
        Pos,
        on_delete=models.PROTECT,
        related_name="cards",
        verbose_name="POS",
        help_text="Charges single payments.",
    )
    installment_pos = models.ForeignKey(
        Pos,
        on_delete=models.PROTECT,
        related_name="installment_cards",
        verbose_name="installment POS",
        help_text="Charges payments in installments.",
    )
    three_d_pos = models.ForeignKey(
        Pos,
        on_delete=models.PROTECT,
        related_name="three_d_cards",
        null=True,
        blank=True,
        verbose_name="3-D POS",
        help_text="Charges 3-D Secure payments.",
    )
    is_commercial = models.BooleanField("commercial", default=False)
    cash_payment = models.BooleanField("single payment", default=True)
    installment_payment = models.BooleanField("installments", default=False)
    three_d_payment = models.BooleanField("3-D Secure", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            unique_set(
                "slug", "channel", "bank", "card_type", name="unique_card_slug_channel_bank_type"
            ),
            unique_set(
                "bank", "card_type", "card_payment_type", name="unique_card_bank_type_payment_type"
            ),
        ]

    def __str__(self):
        return self.name


class MultiCurrencyCard(TimeStampedModel):
    """The POS a card uses for payments in one currency, instead of the card's own."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="currencies")
    currency = models.CharField(
        max_length=3,
        validators=[validators.validate_currency],
        help_text="ISO 4217 code: TRY, USD, EUR...",
    )
    pos = models.ForeignKey(
        Pos,
        on_delete=models.PROTECT,
        related_name="multi_currency_cards",
        verbose_name="POS",
    )
    installment_pos = models.ForeignKey(
        Pos,
        on_delete=models.PROTECT,
        related_name="multi_currency_installment_cards",
        verbose_name="installment POS",
    )
    three_d_pos = models.ForeignKey(
        Pos,
        on_delete=models.PROTECT,
        related_name="multi_currency_three_d_cards",
        null=True,
        blank=True,
        verbose_name="3-D POS",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "multi-currency card"
        constraints = [unique_set("card", "currency", name="unique_multi_currency_card_currency")]

    def __str__(self):
        return f"{self.card} ({self.currency})"


class BinNumber(TimeStampedModel):
    """A card-number prefix (6 or 8 digits) that identifies the card programme of a card.

    `channel` repeats the card's channel so that the database itself keeps a BIN to one card
    per channel and the checkout lookup is one index probe.
    """

    bin_number = models.CharField("BIN", max_length=8, validators=[validators.validate_bin_number])
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="bin_numbers")
    channel = models.ForeignKey(
        "sales_channels.Channel",
        on_delete=models.PROTECT,
        related_name="bin_numbers",
        editable=False,
    )

    history = HistoricalRecords(verbose_name="historical BIN number")

    class Meta:
        ordering = ["pk"]
        verbose_name = "BIN number"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "bin_number"],
                name="unique_bin_number_channel",
                violation_error_message="This BIN already belongs to a card of this channel.",
            ),
            models.CheckConstraint(
                condition=models.Q(bin_number__regex=r"^([0-9]{6}|[0-9]{8})$"),
                name="bin_number_six_or_eight_digits",
                violation_error_message="A BIN is exactly 6 or 8 digits (0-9).",
            ),
        ]
        indexes = [models.Index(Length("bin_number"), "card", name="bin_number_length_card")]

    def __str__(self):
        return self.bin_number

    def save(self, *args, **kwargs):
        if self.card_id is not None:
            self.channel_id = self.card.channel_id
        super().save(*args, **kwargs)


class Installment(TimeStampedModel):
    """An installment plan a card allows: the number of installments and the interest added."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="installments")
    installment_count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INSTALLMENT_COUNT)],
        help_text="1 is the single payment.",
    )
    label = models.CharField(max_length=64, blank=True, default="")
    interest_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Percent added to the price, e.g. 3.25.",
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["card", "installment_count"]
        constraints = [
            unique_set("card", "installment_count", name="unique_installment_card_count"),
            models.CheckConstraint(
                condition=models.Q(installment_count__gte=1)
                & models.Q(installment_count__lte=MAX_INSTALLMENT_COUNT),
                name="installment_count_in_range",
                violation_error_message=f"Installments are from 1 to {MAX_INSTALLMENT_COUNT}.",
            ),
            models.CheckConstraint(
                condition=models.Q(interest_rate__gte=0),
                name="installment_interest_rate_not_negative",
                violation_error_message="The interest rate cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.label or f"{self.installment_count} installments"


class BankAccount(TimeStampedModel):
    """An account shown to shoppers who pay by bank transfer. Deleting one only deactivates it."""

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="accounts")
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="bank_accounts"
    )
    holder_name = models.CharField(max_length=128)
    iban = models.CharField(
        "IBAN",
        max_length=34,
        validators=[validators.validate_iban],
        help_text="Stored in electronic form: no spaces, upper case.",
    )
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "bank account"
        constraints = [
            models.UniqueConstraint(
                fields=["iban", "channel"],
                condition=models.Q(is_active=True),
                name="unique_active_bank_account_iban_channel",
                violation_error_message="The fields iban, channel must make a unique set.",
            )
        ]
        indexes = [
            models.Index(fields=["channel", "sort_order"], name="bank_account_channel_order")
        ]

    def __str__(self):
        return f"{self.bank} {self.iban}"

    def save(self, *args, **kwargs):
        self.iban = validators.normalize_iban(self.iban)
        super().save(*args, **kwargs)


class PaymentOption(TimeStampedModel):
    """A payment method the channel's checkout offers: card, transfer, cash on delivery..."""

    name = models.CharField(max_length=128)
    slug = models.SlugField(max_length=128, allow_unicode=True)
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="payment_options"
    )
    payment_type = models.CharField(max_length=32, choices=PaymentType.choices)
    is_active = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)
    config = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "payment option"
        constraints = [unique_set("slug", "channel", name="unique_payment_option_slug_channel")]

    def __str__(self):
        return self.name
