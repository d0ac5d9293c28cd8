"""
The checkout's BIN lookup: from the first digits of a card number to everything a checkout needs
to take the payment on one sales channel.

**Longest prefix wins.** BIN lists hold 6-digit and 8-digit BINs, and an 8-digit BIN often starts
with a 6-digit BIN of another bank (`45710536` of one bank inside `457105` of another). Given at
least 8 digits the lookup asks for both prefixes and keeps the 8-digit one when it exists; given 6
or 7 digits only the 6-digit prefix can match.

**Active data.** The channel must be active and only active installment plans are offered. A card
has no active flag of its own: it is offered as long as it exists, and its payment flags decide
which plans it offers (the single payment, `installment_count` 1, only with `cash_payment`; plans
of 2 and more only with `installment_payment`).

**POS for the currency.** A card's MultiCurrencyCard for the requested currency replaces the card's
three POS as a set (its null 3-D POS means: no 3-D Secure in that currency); without one, the
card's own POS are used.

**Money.** Decimal throughout, 2 places, rounding half-up:
`total_amount = amount × (1 + interest_rate / 100)`, and `installment_amount = total_amount /
installment_count`. The total is what the card is charged; the issuing bank splits it into the
installments, so `installment_amount × installment_count` may differ from the total by up to half a
cent per installment (100.00 in 3: 33.33 each, total 100.00), exactly as a gateway's installment
table shows it.

**Speed.** It runs on every card entry of every checkout, in two queries whatever the data size:
the BIN with its card, bank, card type and both POS sets (the card's, and a LEFT JOIN to the
MultiCurrencyCard of the currency), found through the unique index (channel, bin_number) with
`bin_number IN (first 8 digits, first 6 digits)`; then the card's installment plans, through the
unique index (card, installment_count). Rows come back as plain values, not model instances, and
nothing is cached: every answer reflects the data as stored.

Card digits are never logged.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.files.storage import default_storage
from django.db.models import FilteredRelation, Q

from payments.models import BinNumber, Installment

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SHORT_BIN, LONG_BIN = 6, 8

CARD_FIELDS = (
    "pk",
    "name",
    "slug",
    "card_payment_type",
    "is_commercial",
    "cash_payment",
    "installment_payment",
    "three_d_payment",
)
BANK_FIELDS = ("pk", "name", "slug", "eft_code", "logo")
CARD_TYPE_FIELDS = ("pk", "name", "slug", "logo")
POS_FIELDS = ("pk", "name", "slug", "gateway")
POS_ROLES = ("pos", "installment_pos", "three_d_pos")
# The MultiCurrencyCard of the requested currency, joined to the BIN's card.
CURRENCY_CARD = "currency_card"


def lookup_bin(channel_id, card_digits, amount, currency, build_uri=str):
    """The checkout answer for the card whose number starts with `card_digits` (6 to 19 digits)
    on the channel, paying `amount` (a Decimal of at most 2 places) in `currency`; None when no
    BIN of the active channel matches. `build_uri` turns a logo's path into the URL answered."""
    row = bin_query(channel_id, card_digits, currency).first()
    if row is None:
        return None

    card = {name: row[f"card__{name}"] for name in CARD_FIELDS}
    plans = installment_query(card["pk"])
    currency_card = row[f"{CURRENCY_CARD}__pk"]
    pos_owner = "card" if currency_card is None else CURRENCY_CARD

    return {
        "bin_number": row["bin_number"],
        "bin_number_length": len(row["bin_number"]),
        "amount": str(amount.quantize(CENT)),
        "currency": currency,
        "card": card,
        "bank": _with_logo(_pick(row, "card__bank__", BANK_FIELDS), build_uri),
        "card_type": _with_logo(_pick(row, "card__card_type__", CARD_TYPE_FIELDS), build_uri),
        "multi_currency_card": currency_card,
        **{role: _pos(row, f"{pos_owner}__{role}__") for role in POS_ROLES},
        "installments": [
            _installment(amount, count, label, rate)
            for count, label, rate in plans
            if (card["cash_payment"] if count == 1 else card["installment_payment"])
        ],
    }


def installment_amounts(amount, interest_rate, installment_count):
    """`(installment_amount, total_amount)` of paying `amount` in `installment_count`
    installments at `interest_rate` percent, both rounded half-up to cents; the installment is
    the rounded total divided by the count."""
    total = (amount * (HUNDRED + interest_rate) / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    return (total / installment_count).quantize(CENT, ROUND_HALF_UP), total


def bin_query(channel_id, card_digits, currency):
    """The BIN of the active channel matching the longest prefix of `card_digits`, as one row of
    values with its card, bank, card type, the card's POS and the currency's POS."""
    prefixes = [card_digits[:SHORT_BIN]]
    if len(card_digits) >= LONG_BIN:
        prefixes.insert(0, card_digits[:LONG_BIN])

    fields = [
        "bin_number",
        *(f"card__{name}" for name in CARD_FIELDS),
        *(f"card__bank__{name}" for name in BANK_FIELDS),
        *(f"card__card_type__{name}" for name in CARD_TYPE_FIELDS),
        f"{CURRENCY_CARD}__pk",
    ]
    for prefix in ("card__", f"{CURRENCY_CARD}__"):
        fields += [f"{prefix}{role}__{name}" for role in POS_ROLES for name in POS_FIELDS]

    return (
        BinNumber.objects.filter(
            channel_id=channel_id, channel__is_active=True, bin_number__in=prefixes
        )
        .alias(
            **{
                CURRENCY_CARD: FilteredRelation(
                    "card__currencies", condition=Q(card__currencies__currency=currency)
                )
            }
        )
        # An 8-digit BIN sorts after the 6-digit BIN it starts with: descending puts it first.
        .order_by("-bin_number")
        .values(*fields)
    )


def installment_query(card_id):
    """`(installment_count, label, interest_rate)` of the card's active plans, by count."""
    return (
        Installment.objects.filter(card_id=card_id, is_active=True)
        .order_by("installment_count")
        .values_list("installment_count", "label", "interest_rate")
    )


def _installment(amount, count, label, rate):
    installment_amount, total_amount = installment_amounts(amount, rate, count)
    return {
        "installment_count": count,
        "label": label,
        "interest_rate": str(rate),
        "installment_amount": str(installment_amount),
        "total_amount": str(total_amount),
    }


def _pick(row, prefix, names):
    return {name: row[f"{prefix}{name}"] for name in names}


def _pos(row, prefix):
    pos = _pick(row, prefix, POS_FIELDS)
    return pos if pos["pk"] is not None else None


def _with_logo(values, build_uri):
    """A logo's stored name as the URL a browser loads it from, or None without a logo."""
    name = values["logo"]
    values["logo"] = build_uri(default_storage.url(name)) if name else None
    return values
