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

**Speed.** It runs on every card entry of every checkout, in four small queries whatever the data
size, each one cheap to plan and served by an index:

1. the BIN: one probe of the unique index (channel, bin_number) for the first 6 digits and one
   for the first 8, in one statement (`match_query` says why not `IN`), each joined to the
   channel's primary key for its active flag;
2. the card with its bank, card type and the MultiCurrencyCard of the currency, by primary key;
3. the POS of the chosen set, by primary key;
4. the card's plans, by the unique index (card, installment_count).

Splitting the work so was measured (100,000 BINs, `bench/bin_lookup.py`): PostgreSQL plans
every statement anew, and planning grows fast with the tables joined; one statement joining all
twelve took 10 ms to plan and 0.4 ms to run, these four plan in well under a millisecond
together. Each answers plain values (`values()`), not model instances. Nothing is cached: every
answer reflects the data as stored.

Card digits are never logged.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.files.storage import default_storage
from django.db.models import FilteredRelation, Q

from payments.models import BinNumber, Card, Installment, Pos

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SHORT_BIN, LONG_BIN = 6, 8
POS_ROLES = ("pos", "installment_pos", "three_d_pos")

# The values read of the card, grouped as the answer groups them: `bank__name` is the `name`
# of the answer's `bank`; `card_pos` and `currency_card` hold POS ids.
CARD_VALUES = {
    "pk": ("card", "pk"),
    "name": ("card", "name"),
    "slug": ("card", "slug"),
    "card_payment_type": ("card", "card_payment_type"),
    "is_commercial": ("card", "is_commercial"),
    "cash_payment": ("card", "cash_payment"),
    "installment_payment": ("card", "installment_payment"),
    "three_d_payment": ("card", "three_d_payment"),
    "bank__pk": ("bank", "pk"),
    "bank__name": ("bank", "name"),
    "bank__slug": ("bank", "slug"),
    "bank__eft_code": ("bank", "eft_code"),
    "bank__logo": ("bank", "logo"),
    "card_type__pk": ("card_type", "pk"),
    "card_type__name": ("card_type", "name"),
    "card_type__slug": ("card_type", "slug"),
    "card_type__logo": ("card_type", "logo"),
    "pos": ("card_pos", "pos"),
    "installment_pos": ("card_pos", "installment_pos"),
    "three_d_pos": ("card_pos", "three_d_pos"),
    "currency_card__pk": ("currency_card", "pk"),
    "currency_card__pos": ("currency_card", "pos"),
    "currency_card__installment_pos": ("currency_card", "installment_pos"),
    "currency_card__three_d_pos": ("currency_card", "three_d_pos"),
}


def lookup_bin(channel_id, card_digits, amount, currency, build_uri=str):
    """The checkout answer for the card whose number starts with `card_digits` (6 to 19 digits)
    on the channel, paying `amount` (a Decimal of at most 2 places) in `currency`; None when no
    BIN of the active channel matches. `build_uri` turns a logo's path into the URL answered."""
    matches = list(match_query(channel_id, card_digits))
    if not matches:
        return None
    bin_number, card_id = max(matches, key=lambda match: len(match[0]))

    row = next(iter(card_query(card_id, currency)), None)
    if row is None:  # the card was deleted since the BIN was read
        return None
    found = {}
    for key, (group, name) in CARD_VALUES.items():
        found.setdefault(group, {})[name] = row[key]
    currency_card = found["currency_card"]
    pos_ids = currency_card if currency_card["pk"] is not None else found["card_pos"]

    pos = {values["pk"]: values for values in pos_query(pos_ids[role] for role in POS_ROLES)}
    plans = plans_query(card_id)

    card = found["card"]
    return {
        "bin_number": bin_number,
        "bin_number_length": len(bin_number),
        "amount": str(amount.quantize(CENT)),
        "currency": currency,
        "card": card,
        "bank": _with_logo(found["bank"], build_uri),
        "card_type": _with_logo(found["card_type"], build_uri),
        "multi_currency_card": currency_card["pk"],
        **{role: pos.get(pos_ids[role]) for role in POS_ROLES},
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


def match_query(channel_id, card_digits):
    """The BINs of the active channel that `card_digits` start with, as `(bin_number,
    card_id)`: at most two, the 8-digit and the 6-digit prefix, of which the caller keeps the
    longer.

    One probe of the unique index (channel, bin_number) per prefix, whatever the statistics
    say: each prefix is its own equality (`UNION ALL`), for which PostgreSQL knows that the
    unique index yields at most one row. With `bin_number IN (...)` it does not apply that
    knowledge, and with `ORDER BY bin_number DESC LIMIT 1` on top, statistics that wrongly
    call a BIN value common (taken before a large import) made it walk the channel's whole
    range of the index backwards: 0.4 s for 2 million BINs instead of 0.1 ms."""
    prefixes = [card_digits[:SHORT_BIN]]
    if len(card_digits) >= LONG_BIN:
        prefixes.append(card_digits[:LONG_BIN])
    queries = [
        BinNumber.objects.filter(channel_id=channel_id, channel__is_active=True, bin_number=prefix)
        .order_by()
        .values_list("bin_number", "card_id")
        for prefix in prefixes
    ]
    return queries[0].union(*queries[1:], all=True)


def card_query(card_id, currency):
    """The card's values (`CARD_VALUES`): its bank, card type, POS and those of its
    MultiCurrencyCard for `currency` (None without one)."""
    return (
        Card.objects.filter(pk=card_id)
        .annotate(
            currency_card=FilteredRelation("currencies", condition=Q(currencies__currency=currency))
        )
        .values(*CARD_VALUES)
    )


def pos_query(pos_ids):
    """Name, slug and gateway of the POS of these ids (None matches nothing); never the config,
    which holds the gateway credentials."""
    return Pos.objects.filter(pk__in=[pk for pk in pos_ids if pk is not None]).values(
        "pk", "name", "slug", "gateway"
    )


def plans_query(card_id):
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


def _with_logo(values, build_uri):
    """A logo's stored name as the URL a browser loads it from, or None without a logo."""
    name = values["logo"]
    values["logo"] = build_uri(default_storage.url(name)) if name else None
    return values
