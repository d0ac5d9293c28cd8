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

1. the BIN: the unique index (channel, bin_number) with `bin_number IN (first 8 digits, first 6
   digits)`; the channel's state is an EXISTS that runs once, not a join;
2. the card with its bank, card type and the MultiCurrencyCard of the currency, by primary key;
3. the POS of the chosen set, by primary key;
4. the card's plans, by the unique index (card, installment_count).

Two measured costs shaped this (100,000 BINs, `bench/bin_lookup.py`). PostgreSQL plans every
statement anew, and planning grows fast with the tables joined: one statement joining all twelve
took 10 ms to plan and 0.4 ms to run, the BIN joined to its card, bank, card type and
MultiCurrencyCard 1.1 ms to plan, while these four plan in 0.4 ms together. And Django's ORM
spent several times longer building those statements than the database spent on them, so they
are written out here in SQL (portable: the test suite runs them on SQLite and PostgreSQL) and
read into plain dicts. Nothing is cached: every answer reflects the data as stored.

Card digits are never logged.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.files.storage import default_storage
from django.db import connection

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SHORT_BIN, LONG_BIN = 6, 8
POS_ROLES = ("pos", "installment_pos", "three_d_pos")
# SQLite answers 0 and 1 for these.
BOOLEANS = {"is_commercial", "cash_payment", "installment_payment", "three_d_payment"}

# The longest of the prefixes wins: an 8-digit BIN sorts after the 6-digit BIN it starts with.
MATCH_SQL = """
    SELECT bin_number, card_id
      FROM payments_binnumber
     WHERE channel_id = %s
       AND bin_number IN (%s, %s)
       AND EXISTS (SELECT 1 FROM sales_channels_channel WHERE id = %s AND is_active)
     ORDER BY bin_number DESC
     LIMIT 1
"""

# Column aliases name the answer's keys: `bank__name` is the `name` of the answer's `bank`.
CARD_SQL = """
    SELECT card.id AS card__pk,
           card.name AS card__name,
           card.slug AS card__slug,
           card.card_payment_type AS card__card_payment_type,
           card.is_commercial AS card__is_commercial,
           card.cash_payment AS card__cash_payment,
           card.installment_payment AS card__installment_payment,
           card.three_d_payment AS card__three_d_payment,
           bank.id AS bank__pk,
           bank.name AS bank__name,
           bank.slug AS bank__slug,
           bank.eft_code AS bank__eft_code,
           bank.logo AS bank__logo,
           card_type.id AS card_type__pk,
           card_type.name AS card_type__name,
           card_type.slug AS card_type__slug,
           card_type.logo AS card_type__logo,
           card.pos_id AS card_pos__pos,
           card.installment_pos_id AS card_pos__installment_pos,
           card.three_d_pos_id AS card_pos__three_d_pos,
           currency_card.id AS currency_card__pk,
           currency_card.pos_id AS currency_card__pos,
           currency_card.installment_pos_id AS currency_card__installment_pos,
           currency_card.three_d_pos_id AS currency_card__three_d_pos
      FROM payments_card card
      JOIN payments_bank bank ON bank.id = card.bank_id
      JOIN payments_cardtype card_type ON card_type.id = card.card_type_id
      LEFT JOIN payments_multicurrencycard currency_card
             ON currency_card.card_id = card.id AND currency_card.currency = %s
     WHERE card.id = %s
"""

# Never the config: it holds the gateway credentials.
POS_SQL = """
    SELECT id AS pk, name, slug, gateway
      FROM payments_pos
     WHERE id IN (%s, %s, %s)
"""

PLANS_SQL = """
    SELECT installment_count, label, interest_rate
      FROM payments_installment
     WHERE card_id = %s AND is_active
     ORDER BY installment_count
"""


def lookup_bin(channel_id, card_digits, amount, currency, build_uri=str):
    """The checkout answer for the card whose number starts with `card_digits` (6 to 19 digits)
    on the channel, paying `amount` (a Decimal of at most 2 places) in `currency`; None when no
    BIN of the active channel matches. `build_uri` turns a logo's path into the URL answered."""
    with connection.cursor() as cursor:
        cursor.execute(*match_query(channel_id, card_digits))
        match = cursor.fetchone()
        if match is None:
            return None
        bin_number, card_id = match

        cursor.execute(*card_query(card_id, currency))
        row = cursor.fetchone()
        if row is None:  # the card was deleted since the BIN was read
            return None
        found = _nested(cursor, row)
        currency_card = found["currency_card"]
        pos_ids = currency_card if currency_card["pk"] is not None else found["card_pos"]

        cursor.execute(*pos_query(pos_ids[role] for role in POS_ROLES))
        pos = {row["pk"]: row for row in (_flat(cursor, row) for row in cursor.fetchall())}

        cursor.execute(*plans_query(card_id))
        plans = cursor.fetchall()

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
            _installment(amount, count, label, _decimal(rate))
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
    """SQL and parameters of the longest BIN of the active channel that `card_digits` start
    with: one row `(bin_number, card_id)` or none."""
    short = card_digits[:SHORT_BIN]
    long = card_digits[:LONG_BIN] if len(card_digits) >= LONG_BIN else short
    return MATCH_SQL, [channel_id, long, short, channel_id]


def card_query(card_id, currency):
    """SQL and parameters of the card's row: its bank, card type, POS and those of its
    MultiCurrencyCard for `currency` (nulls without one)."""
    return CARD_SQL, [currency, card_id]


def pos_query(pos_ids):
    """SQL and parameters of the POS of three ids (None matches nothing)."""
    return POS_SQL, list(pos_ids)


def plans_query(card_id):
    """SQL and parameters of the card's active plans, by installment count."""
    return PLANS_SQL, [card_id]


def _installment(amount, count, label, rate):
    installment_amount, total_amount = installment_amounts(amount, rate, count)
    return {
        "installment_count": count,
        "label": label,
        "interest_rate": str(rate),
        "installment_amount": str(installment_amount),
        "total_amount": str(total_amount),
    }


def _flat(cursor, row):
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _nested(cursor, row):
    """A row as dicts by the prefix of its column names: `{"bank": {"name": ...}, ...}`."""
    nested = {}
    for column, value in zip(cursor.description, row, strict=True):
        group, name = column[0].split("__")
        nested.setdefault(group, {})[name] = bool(value) if name in BOOLEANS else value
    return nested


def _decimal(value):
    """A stored rate as a 2-place Decimal: PostgreSQL answers a Decimal, SQLite a number."""
    return Decimal(str(value)).quantize(CENT)


def _with_logo(values, build_uri):
    """A logo's stored name as the URL a browser loads it from, or None without a logo."""
    name = values["logo"]
    values["logo"] = build_uri(default_storage.url(name)) if name else None
    return values
