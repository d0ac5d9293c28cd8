"""
Admin pages of payment data, laid out for a payment team's daily work: cards filterable the
way a panel filters them, BINs and installment plans edited on their card, bank accounts on
their bank, and POS configs with their secrets masked.

A card's BINs are edited on the card while it has at most `ROWS_SHOWN_INLINE` of them; a real
BIN list gives a card thousands, and then the card's page shows their count and links to the
BIN list filtered to the card instead (see `omnitron.admin`). The same holds for a card's
per-currency POS and a bank's accounts (deleted accounts stay, inactive, so they only grow).
Installment plans need no limit: a card has at most one per count, 36 in all.
"""

import json

from django.contrib import admin
from django.db.models import Count

from omnitron.admin import (
    ChosenRelatedFilter,
    ServiceModelAdmin,
    ServiceModelForm,
    ServiceTabularInline,
)
from omnitron.errors import InvalidConfigError
from payments import models, secrets, services
from payments.gateways import get_gateway
from payments.services.cards import CARD_PARTS

# More rows than this of one parent are listed on their own page, not edited on the parent's.
ROWS_SHOWN_INLINE = 50


class PosAdminForm(ServiceModelForm):
    """Shows the config with secrets masked (plain to holders of `view_pos_secrets`, but never
    on a history page); a masked secret sent back keeps its stored value. Restoring a past
    version from history therefore keeps the current secrets unless they are typed again.

    The form only checks the config against the gateway; it keeps the config as sent, masks
    and all, for `PosService` to merge with the stored secrets and encrypt when it saves."""

    reveal_secrets = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gateway = get_gateway(self.instance.gateway) if self.instance.pk else None
        if gateway is not None and "config" in self.fields:
            if self.reveal_secrets:
                self.initial["config"] = secrets.decrypt_config(gateway, self.instance.config)
            else:
                self.initial["config"] = secrets.mask_config(gateway, self.instance.config)

    def clean(self):
        cleaned = super().clean()
        if "gateway" in cleaned and "config" in cleaned:
            if not isinstance(cleaned["config"], dict):
                self.add_error("config", "Enter a JSON object.")
                return cleaned
            # None for a new POS, and for a deleted one restored from its history.
            existing = models.Pos.objects.filter(pk=self.instance.pk).first()
            gateway, config = cleaned["gateway"], cleaned["config"]
            try:
                services.PosService().prepare_config(existing, gateway, config)
            except InvalidConfigError as exc:
                for field, problems in json.loads(exc.message).items():
                    self.add_error("config", f"{field}: {' '.join(problems)}")
        return cleaned


@admin.register(models.Pos)
class PosAdmin(ServiceModelAdmin):
    # URLs typed without a scheme are taken as https (Django 6's default).
    formfield_overrides = {models.models.URLField: {"assume_scheme": "https"}}
    service_class = services.PosService
    form = PosAdminForm
    list_display = ["name", "slug", "gateway_name", "channel", "resource_url", "modified_date"]
    list_filter = ["channel", "gateway"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_date", "modified_date"]

    @admin.display(description="gateway", ordering="gateway")
    def gateway_name(self, obj):
        return obj.get_gateway_display()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.reveal_secrets = secrets.can_view_secrets(request.user) and not getattr(
            request, "showing_history", False
        )
        return form


class BankAccountInline(ServiceTabularInline):
    model = models.BankAccount
    service_class = services.BankAccountService
    shown_at_most = ROWS_SHOWN_INLINE
    fields = ["holder_name", "iban", "channel", "sort_order", "is_active"]
    extra = 0


@admin.register(models.Bank)
class BankAdmin(ServiceModelAdmin):
    service_class = services.BankService
    list_display = ["name", "slug", "eft_code", "channel", "card_count", "modified_date"]
    list_filter = ["channel"]
    search_fields = ["name", "slug", "eft_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_date", "modified_date"]
    inlines = [BankAccountInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(card_count=Count("cards"))

    @admin.display(description="cards", ordering="card_count")
    def card_count(self, obj):
        return obj.card_count


@admin.register(models.CardType)
class CardTypeAdmin(ServiceModelAdmin):
    service_class = services.CardTypeService
    list_display = ["name", "slug", "channel", "modified_date"]
    list_filter = ["channel"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_date", "modified_date"]


class BinNumberInline(ServiceTabularInline):
    model = models.BinNumber
    service_class = services.BinNumberService
    shown_at_most = ROWS_SHOWN_INLINE
    fields = ["bin_number"]
    extra = 1


class InstallmentInline(ServiceTabularInline):
    model = models.Installment
    service_class = services.InstallmentService
    fields = ["installment_count", "label", "interest_rate", "is_active"]
    extra = 0


class MultiCurrencyCardInline(ServiceTabularInline):
    model = models.MultiCurrencyCard
    service_class = services.MultiCurrencyCardService
    shown_at_most = ROWS_SHOWN_INLINE
    fields = ["currency", "pos", "installment_pos", "three_d_pos"]
    extra = 0


@admin.register(models.Card)
class CardAdmin(ServiceModelAdmin):
    service_class = services.CardService
    list_display = [
        "name",
        "bank",
        "card_type",
        "card_payment_type",
        "is_commercial",
        "cash_payment",
        "installment_payment",
        "three_d_payment",
        "channel",
    ]
    list_filter = [
        "channel",
        "bank",
        "card_type",
        "card_payment_type",
        "is_commercial",
        "cash_payment",
        "installment_payment",
        "three_d_payment",
    ]
    search_fields = ["name", "slug", "bank__name", "bin_numbers__bin_number"]
    list_select_related = ["bank", "card_type", "channel"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_date", "modified_date"]
    inlines = [BinNumberInline, InstallmentInline, MultiCurrencyCardInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "channel", "bank", "card_type", "card_payment_type"]}),
        ("POS", {"fields": ["pos", "installment_pos", "three_d_pos"]}),
        (
            "Payments allowed",
            {"fields": ["is_commercial", "cash_payment", "installment_payment", "three_d_payment"]},
        ),
        ("Dates", {"fields": ["created_date", "modified_date"], "classes": ["collapse"]}),
    ]

    def get_deleted_objects(self, objs, request):
        """What the delete page lists. Django loads and lists every object a delete takes with
        it, one line each: for cards with more than `ROWS_SHOWN_INLINE` BINs it counts them
        instead (a card with 100,000 BINs made 8.6 MB of HTML, in 7 s)."""
        cards = list(objs)
        if models.BinNumber.objects.filter(card__in=cards).count() <= ROWS_SHOWN_INLINE:
            return super().get_deleted_objects(cards, request)
        counts = {model: model.objects.filter(card__in=cards).count() for model in CARD_PARTS}
        counts = {model: count for model, count in counts.items() if count}
        lines = [f"Card: {card}" for card in cards] + [
            f"{count:,} {_kind(model, count)}" for model, count in counts.items()
        ]
        model_count = {
            models.Card._meta.verbose_name_plural: len(cards),
            **{model._meta.verbose_name_plural: count for model, count in counts.items()},
        }
        perms_needed = {
            model._meta.verbose_name
            for model in (models.Card, *counts)
            if not self.admin_site.get_model_admin(model).has_delete_permission(request)
        }
        return lines, model_count, perms_needed, []


@admin.register(models.MultiCurrencyCard)
class MultiCurrencyCardAdmin(ServiceModelAdmin):
    service_class = services.MultiCurrencyCardService
    list_display = ["card", "currency", "pos", "installment_pos", "three_d_pos"]
    list_filter = [("card", ChosenRelatedFilter), "currency", "card__channel", "card__bank"]
    search_fields = ["card__name", "currency"]
    list_select_related = ["card", "pos", "installment_pos", "three_d_pos"]


@admin.register(models.BinNumber)
class BinNumberAdmin(ServiceModelAdmin):
    service_class = services.BinNumberService
    list_display = ["bin_number", "card", "card_bank", "channel", "modified_date"]
    list_filter = [("card", ChosenRelatedFilter), "channel", "card__bank", "card__card_type"]
    search_fields = ["=bin_number", "card__name"]
    list_select_related = ["card__bank", "channel"]
    autocomplete_fields = ["card"]

    @admin.display(description="bank", ordering="card__bank__name")
    def card_bank(self, obj):
        return obj.card.bank


@admin.register(models.Installment)
class InstallmentAdmin(ServiceModelAdmin):
    service_class = services.InstallmentService
    list_display = ["card", "installment_count", "label", "interest_rate", "is_active"]
    list_filter = ["is_active", "installment_count", "card__channel", "card__bank"]
    search_fields = ["card__name", "label"]
    list_select_related = ["card"]
    autocomplete_fields = ["card"]


@admin.register(models.BankAccount)
class BankAccountAdmin(ServiceModelAdmin):
    service_class = services.BankAccountService
    list_display = ["holder_name", "iban", "bank", "channel", "sort_order", "is_active"]
    list_filter = ["channel", "bank", "is_active"]
    search_fields = ["holder_name", "iban"]
    list_select_related = ["bank", "channel"]
    list_editable = ["sort_order", "is_active"]


@admin.register(models.PaymentOption)
class PaymentOptionAdmin(ServiceModelAdmin):
    service_class = services.PaymentOptionService
    list_display = ["name", "slug", "payment_type", "channel", "sort_order", "is_active"]
    list_filter = ["channel", "payment_type", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_editable = ["sort_order", "is_active"]


def _kind(model, count):
    return model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
