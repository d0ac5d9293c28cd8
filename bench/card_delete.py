"""
Benchmark: deleting a card with 100,000 BINs, on PostgreSQL or SQLite.

    .venv/bin/python bench/card_delete.py                # a throwaway PostgreSQL database
    .venv/bin/python bench/card_delete.py --sqlite       # a throwaway SQLite file
    .venv/bin/python bench/card_delete.py --rows 300000

A card's BINs, installment plans and per-currency POS go with it, and each gets a deletion
record in its history. The script gives a card that many BINs (imported as an upload does),
three installment plans and a multi-currency card, deletes it through `CardService` as
`DELETE /api/v1/cards/{id}/` does, and prints how long that took, how many queries it made,
and the deletion records written. Databases are made as in `bench/bin_upload.py`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bin_upload import (  # noqa: E402 - after the path is set
    bench_database,
    database_version,
    fresh_card,
    setup_django,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="on a throwaway SQLite file")
    arguments = parser.parse_args()

    with bench_database("bench_card_delete", sqlite=arguments.sqlite) as database_url:
        run(database_url, arguments.rows)


def run(database_url, rows):
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from payments import models
    from payments.services import CardService

    call_command("migrate", verbosity=0)
    print(
        f"Card delete benchmark: {database_version(connection)}, database "
        f"{connection.settings_dict['NAME']}, {os.cpu_count()} CPUs"
    )
    card, user = card_with_bins(rows)
    pk = card.pk

    queries = []  # counted, not logged: a debug cursor's logging would be timed too

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        CardService(user=user).delete(card)
    seconds = time.perf_counter() - started

    print(f"delete of a card with {rows:,} BINs: {seconds:.2f} s, {len(queries):,} queries")
    deleted = {
        model._meta.verbose_name_plural: model.history.filter(card_id=pk, history_type="-").count()
        for model in (models.BinNumber, models.Installment, models.MultiCurrencyCard)
    }
    print("deletion records: " + ", ".join(f"{name} {n:,}" for name, n in deleted.items()))


def card_with_bins(rows):
    """A fresh card with `rows` BINs, three installment plans and a multi-currency card."""
    from payments import imports, models
    from payments.services import BinNumberService

    card, user = fresh_card()
    values = ((line, str(10_000_000 + line)) for line in range(1, rows + 1))
    BinNumberService(user=user).bulk_create(card, values, imports.ImportTally())
    for count in (1, 3, 6):
        models.Installment.objects.create(card=card, installment_count=count)
    models.MultiCurrencyCard.objects.create(
        card=card, currency="USD", pos=card.pos, installment_pos=card.pos
    )
    return card, user


if __name__ == "__main__":
    main()
