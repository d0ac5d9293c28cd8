"""
A demo data set: one web channel with real Turkish banks (their public EFT codes), the four
card networks of Turkey, real card programmes with BINs that public BIN lists give for their
bank and network, POS on the dummy, Garanti and Nestpay gateways (made-up credentials),
installment plans, bank accounts with valid IBANs and the usual payment options.

`load_demo_data()` is idempotent: objects are found by their natural keys (slug and channel,
BIN and channel...), created when missing, updated only when they differ, so a second run
changes nothing. Everything is written through the service layer, so POS secrets end up
encrypted exactly as through the API.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from payments import models, services
from payments.gateways import get_gateway
from payments.text import slug_from_name
from sales_channels.models import Channel, ChannelType

logger = logging.getLogger(__name__)

CHANNEL_NAME = "Demo Web Shop"

BANKS = [
    # name, EFT code
    ("Akbank T.A.Ş.", "0046"),
    ("Türkiye Garanti Bankası A.Ş.", "0062"),
    ("Türkiye İş Bankası A.Ş.", "0064"),
    ("Yapı ve Kredi Bankası A.Ş.", "0067"),
    ("Türkiye Cumhuriyeti Ziraat Bankası A.Ş.", "0010"),
    ("Türkiye Halk Bankası A.Ş.", "0012"),
    ("Türkiye Vakıflar Bankası T.A.O.", "0015"),
    ("QNB Finansbank A.Ş.", "0111"),
    ("Denizbank A.Ş.", "0134"),
]

CARD_TYPES = ["Visa", "Mastercard", "Troy", "American Express"]

POS = [
    # name, gateway key, config, resource URL, 3-D resource URL
    ("Dummy POS", "dummy", {"merchant_id": "demo"}, "https://dummy.example/api", None),
    (
        "Garanti Sanal POS",
        "garanti",
        {
            "merchant_id": "7000679",
            "terminal_id": "30691297",
            "provision_user_id": "PROVAUT",
            "provision_password": "demo-provision-password",
            "store_key": "demo-store-key",
            "mode": "TEST",
        },
        "https://sanalposprovtest.garantibbva.com.tr/VPServlet",
        "https://sanalposprovtest.garantibbva.com.tr/servlet/gt3dengine",
    ),
    (
        "Akbank Nestpay",
        "nestpay",
        {
            "client_id": "100100000",
            "username": "demoapi",
            "password": "demo-api-password",
            "store_key": "demo-store-key",
        },
        "https://entegrasyon.asseco-see.com.tr/fim/api",
        "https://entegrasyon.asseco-see.com.tr/fim/est3Dgate",
    ),
]

BANK_POS = {"0062": "Garanti Sanal POS", "0046": "Akbank Nestpay"}

CREDIT_PLANS = [(1, "0.00"), (2, "1.85"), (3, "2.79"), (6, "5.74"), (9, "8.85"), (12, "12.10")]
AMEX_PLANS = [(1, "0.00"), (3, "2.79"), (6, "5.74")]
SINGLE_PAYMENT = [(1, "0.00")]


@dataclass
class DemoCard:
    name: str
    eft_code: str
    card_type: str
    payment_type: str
    bins: list
    plans: list = field(default_factory=lambda: CREDIT_PLANS)
    currencies: tuple = ()


CARDS = [
    DemoCard("Axess", "0046", "Visa", "credit", ["413252", "432071"]),
    DemoCard("Axess", "0046", "Mastercard", "credit", ["512754", "520932", "521807"]),
    DemoCard("Bonus", "0062", "Visa", "credit", ["404308", "428220"]),
    DemoCard(
        "Bonus",
        "0062",
        "Mastercard",
        "credit",
        ["554960", "514915", "520097", "520940"],
        currencies=("USD", "EUR"),
    ),
    DemoCard(
        "Garanti American Express",
        "0062",
        "American Express",
        "credit",
        ["374421", "374422"],
        plans=AMEX_PLANS,
    ),
    DemoCard("Maximum", "0064", "Visa", "credit", ["418342", "418343", "406456"]),
    DemoCard("Maximum", "0064", "Mastercard", "credit", ["510152", "525382"]),
    DemoCard("World", "0067", "Mastercard", "credit", ["521400"]),
    DemoCard("World", "0067", "Visa", "credit", ["409021", "409022", "404809"]),
    DemoCard("Bankkart", "0010", "Visa", "credit", ["404591", "413226"]),
    DemoCard("Paraf", "0012", "Mastercard", "credit", ["510056", "521378"]),
    DemoCard("VakıfBank Worldcard", "0015", "Visa", "credit", ["402940", "409084", "411724"]),
    DemoCard(
        "VakıfBank Troy Banka Kartı",
        "0015",
        "Troy",
        "debit",
        ["979209", "979256"],
        plans=SINGLE_PAYMENT,
    ),
    DemoCard("CardFinans", "0111", "Visa", "credit", ["401072", "402563", "413583"]),
    DemoCard("DenizBank Bonus", "0134", "Mastercard", "credit", ["510063"]),
]

BANK_ACCOUNTS = [
    # EFT code, holder, IBAN (valid: TR, bank code 0 + EFT code, mod-97 checked)
    ("0062", "Demo Mağazacılık A.Ş.", "TR880006200000006298765432"),
    ("0064", "Demo Mağazacılık A.Ş.", "TR670006400000012345678901"),
    ("0046", "Demo Mağazacılık A.Ş.", "TR390004600000004455667788"),
    ("0010", "Demo Mağazacılık A.Ş.", "TR910001000000009988776655"),
]

PAYMENT_OPTIONS = [
    ("Kredi Kartı", "credit_card", {}),
    ("Havale / EFT", "funds_transfer", {}),
    ("Kapıda Ödeme", "pay_on_delivery", {"fee": "9.90"}),
    ("Mağazada Ödeme", "cash_register", {}),
]


class Tally:
    """Counts what a load did, per model."""

    def __init__(self):
        self.counts = {}

    def add(self, model, outcome):
        self.counts.setdefault(model._meta.verbose_name_plural, {}).setdefault(outcome, 0)
        self.counts[model._meta.verbose_name_plural][outcome] += 1

    def changed(self):
        return sum(
            count
            for outcomes in self.counts.values()
            for outcome, count in outcomes.items()
            if outcome != "unchanged"
        )

    def lines(self):
        for name, outcomes in self.counts.items():
            detail = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
            yield f"{name}: {detail}"


@transaction.atomic
def load_demo_data():
    """Create or update the demo data set; returns a `Tally` of what changed."""
    tally = Tally()
    channel = _upsert(
        tally,
        None,
        Channel,
        {"name": CHANNEL_NAME},
        {"channel_type": ChannelType.WEB, "is_active": True},
    )

    banks = {
        eft_code: _upsert(
            tally,
            services.BankService,
            models.Bank,
            {"slug": slug_from_name(name), "channel": channel},
            {"name": name, "eft_code": eft_code},
        )
        for name, eft_code in BANKS
    }
    card_types = {
        name: _upsert(
            tally,
            services.CardTypeService,
            models.CardType,
            {"slug": slug_from_name(name), "channel": channel},
            {"name": name},
        )
        for name in CARD_TYPES
    }
    pos = {name: _upsert_pos(tally, channel, name, *rest) for name, *rest in POS}

    for demo in CARDS:
        _load_card(tally, channel, demo, banks, card_types, pos)

    for eft_code, holder, iban in BANK_ACCOUNTS:
        _upsert(
            tally,
            services.BankAccountService,
            models.BankAccount,
            {"channel": channel, "iban": iban, "is_active": True},
            {
                "bank": banks[eft_code],
                "holder_name": holder,
                "sort_order": BANK_ACCOUNTS.index((eft_code, holder, iban)),
            },
        )

    for order, (name, payment_type, config) in enumerate(PAYMENT_OPTIONS):
        _upsert(
            tally,
            services.PaymentOptionService,
            models.PaymentOption,
            {"slug": slug_from_name(name), "channel": channel},
            {
                "name": name,
                "payment_type": payment_type,
                "config": config,
                "sort_order": order,
                "is_active": True,
            },
        )

    logger.info("Demo data loaded: %s objects created or updated", tally.changed())
    return tally


def _load_card(tally, channel, demo, banks, card_types, pos):
    bank = banks[demo.eft_code]
    card_pos = pos[BANK_POS.get(demo.eft_code, "Dummy POS")]
    card = _upsert(
        tally,
        services.CardService,
        models.Card,
        {
            "bank": bank,
            "card_type": card_types[demo.card_type],
            "card_payment_type": demo.payment_type,
        },
        {
            "name": demo.name,
            "slug": slug_from_name(demo.name),
            "channel": channel,
            "pos": card_pos,
            "installment_pos": card_pos,
            "three_d_pos": card_pos,
            "is_commercial": False,
            "cash_payment": True,
            "installment_payment": len(demo.plans) > 1,
            "three_d_payment": True,
        },
    )
    for bin_number in demo.bins:
        _upsert(
            tally,
            services.BinNumberService,
            models.BinNumber,
            {"channel": channel, "bin_number": bin_number},
            {"card": card},
        )
    for count, rate in demo.plans:
        _upsert(
            tally,
            services.InstallmentService,
            models.Installment,
            {"card": card, "installment_count": count},
            {
                "interest_rate": Decimal(rate),
                "label": "Tek çekim" if count == 1 else f"{count} taksit",
                "is_active": True,
            },
        )
    for currency in demo.currencies:
        _upsert(
            tally,
            services.MultiCurrencyCardService,
            models.MultiCurrencyCard,
            {"card": card, "currency": currency},
            {"pos": pos["Dummy POS"], "installment_pos": pos["Dummy POS"], "three_d_pos": None},
        )


def _upsert(tally, service_class, model, lookup, values):
    """Find by `lookup`; create with `values`, or update the fields that differ."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        data = {**lookup, **values}
        instance = service_class().create(data) if service_class else model.objects.create(**data)
        tally.add(model, "created")
        return instance

    changes = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if not changes:
        tally.add(model, "unchanged")
    elif service_class:
        service_class().update(instance, changes)
        tally.add(model, "updated")
    else:
        model.objects.filter(pk=instance.pk).update(**changes)
        tally.add(model, "updated")
    return instance


def _upsert_pos(tally, channel, name, gateway_key, config, resource_url, three_d_resource_url):
    service = services.PosService()
    slug = slug_from_name(name)
    gateway = get_gateway(gateway_key).value
    values = {
        "name": name,
        "gateway": gateway,
        "resource_url": resource_url,
        "three_d_resource_url": three_d_resource_url,
    }
    instance = models.Pos.objects.filter(slug=slug, channel=channel).first()
    if instance is None:
        tally.add(models.Pos, "created")
        return service.create({**values, "slug": slug, "channel": channel, "config": config})

    changes = {key: value for key, value in values.items() if getattr(instance, key) != value}
    if instance.gateway != gateway or service.plain_config(instance) != config:
        changes["config"] = config
    if changes:
        tally.add(models.Pos, "updated")
        return service.update(instance, changes)
    tally.add(models.Pos, "unchanged")
    return instance
