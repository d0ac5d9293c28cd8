"""
A demo data set: one web channel with real Turkish banks (their public EFT codes), the four
card networks of Turkey, real card programmes with BINs that public BIN lists give for their
bank and network, POS on the dummy, Garanti and Nestpay gateways (made-up credentials),
installment plans, bank accounts with valid IBANs and the usual payment options.

`make run` loads it on every start, after the user may have worked on it, so
`load_demo_data()` only ever creates what is missing and never touches what is there:

- an object is *there* when a live row has its natural key (slug and channel; a card's bank,
  card type and payment type, or its slug; BIN and channel; card and installment count; card
  and currency; bank and IBAN, whether the account is active or was deleted, which only
  deactivates it). It is left alone, however the user changed it;
- an object the user deleted (or whose natural key they changed) is not created again: its
  history shows it existed. Neither is anything that needs it (the BINs and plans of a
  deleted card);
- the rest is created through the service layer, as through the API: checked, logged,
  recorded in history, POS secrets encrypted.

So a second run creates nothing, and the answer (`Tally`) says what was created, left alone
and not re-created.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from payments import models, services
from payments.gateways import get_gateway
from payments.text import slug_from_name
from sales_channels.models import Channel, ChannelType
from sales_channels.services import ChannelService

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


CREATED = "created"
LEFT_ALONE = "left alone"
NOT_RECREATED = "not re-created"


class Tally:
    """Counts, per model, the demo objects a load created, left alone and did not re-create."""

    def __init__(self):
        self.counts = {}

    def add(self, model, outcome):
        outcomes = self.counts.setdefault(model._meta.verbose_name_plural, {})
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    def total(self, outcome):
        return sum(outcomes.get(outcome, 0) for outcomes in self.counts.values())

    def lines(self):
        for name, outcomes in self.counts.items():
            detail = ", ".join(f"{count} {outcome}" for outcome, count in outcomes.items())
            yield f"{name}: {detail}"


@transaction.atomic
def load_demo_data():
    """Create what is missing of the demo data set; return a `Tally` of what it did."""
    tally = Tally()
    channel = _ensure(
        tally,
        ChannelService,
        Channel,
        [{"name": CHANNEL_NAME}],
        {"channel_type": ChannelType.WEB, "is_active": True},
    )
    if channel is not None:
        _load_channel(tally, channel)
    logger.info(
        "Demo data loaded: %s objects created, %s left alone, %s not re-created",
        tally.total(CREATED),
        tally.total(LEFT_ALONE),
        tally.total(NOT_RECREATED),
    )
    return tally


def _load_channel(tally, channel):
    banks = {
        eft_code: _ensure(
            tally,
            services.BankService,
            models.Bank,
            [{"slug": slug_from_name(name), "channel": channel}],
            {"name": name, "eft_code": eft_code},
        )
        for name, eft_code in BANKS
    }
    card_types = {
        name: _ensure(
            tally,
            services.CardTypeService,
            models.CardType,
            [{"slug": slug_from_name(name), "channel": channel}],
            {"name": name},
        )
        for name in CARD_TYPES
    }
    pos = {
        name: _ensure(
            tally,
            services.PosService,
            models.Pos,
            [{"slug": slug_from_name(name), "channel": channel}],
            {
                "name": name,
                "gateway": get_gateway(gateway_key).value,
                "config": config,
                "resource_url": resource_url,
                "three_d_resource_url": three_d_resource_url,
            },
        )
        for name, gateway_key, config, resource_url, three_d_resource_url in POS
    }

    for demo in CARDS:
        _load_card(tally, channel, demo, banks, card_types, pos)

    for order, (eft_code, holder, iban) in enumerate(BANK_ACCOUNTS):
        bank = banks[eft_code]
        if bank is None:
            continue
        _ensure(
            tally,
            services.BankAccountService,
            models.BankAccount,
            # Deleting an account only deactivates it: an inactive one is still there.
            [{"bank": bank, "iban": iban}, {"channel": channel, "iban": iban, "is_active": True}],
            {"channel": channel, "holder_name": holder, "sort_order": order, "is_active": True},
        )

    for order, (name, payment_type, config) in enumerate(PAYMENT_OPTIONS):
        _ensure(
            tally,
            services.PaymentOptionService,
            models.PaymentOption,
            [{"slug": slug_from_name(name), "channel": channel}],
            {
                "name": name,
                "payment_type": payment_type,
                "config": config,
                "sort_order": order,
                "is_active": True,
            },
        )


def _load_card(tally, channel, demo, banks, card_types, pos):
    bank, card_type = banks[demo.eft_code], card_types[demo.card_type]
    card_pos = pos[BANK_POS.get(demo.eft_code, "Dummy POS")]
    if bank is None or card_type is None or card_pos is None:
        return
    slug = slug_from_name(demo.name)
    card = _ensure(
        tally,
        services.CardService,
        models.Card,
        # Both unique sets of a card: either one taken means the card is there.
        [
            {"bank": bank, "card_type": card_type, "card_payment_type": demo.payment_type},
            {"slug": slug, "channel": channel, "bank": bank, "card_type": card_type},
        ],
        {
            "name": demo.name,
            "slug": slug,
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
    if card is None:
        return
    for bin_number in demo.bins:
        _ensure(
            tally,
            services.BinNumberService,
            models.BinNumber,
            [{"channel": channel, "bin_number": bin_number}],
            {"card": card},
        )
    for count, rate in demo.plans:
        _ensure(
            tally,
            services.InstallmentService,
            models.Installment,
            [{"card": card, "installment_count": count}],
            {
                "interest_rate": Decimal(rate),
                "label": "Tek çekim" if count == 1 else f"{count} taksit",
                "is_active": True,
            },
        )
    dummy = pos["Dummy POS"]
    for currency in demo.currencies if dummy is not None else ():
        _ensure(
            tally,
            services.MultiCurrencyCardService,
            models.MultiCurrencyCard,
            [{"card": card, "currency": currency}],
            {"pos": dummy, "installment_pos": dummy, "three_d_pos": None},
        )


def _ensure(tally, service_class, model, keys, values):
    """The object that one of `keys` (lookups of natural keys, the first one the object's own)
    finds, left as it is; else a new one made of the first key and `values` through the
    service, unless history shows that one existed and was deleted or changed since (then
    None: nothing is re-created)."""
    for key in keys:
        found = model.objects.filter(**key).first()
        if found is not None:
            tally.add(model, LEFT_ALONE)
            return found
    if model.history.filter(**keys[0]).exists():
        tally.add(model, NOT_RECREATED)
        return None
    tally.add(model, CREATED)
    return service_class().create({**keys[0], **values})
