"""
Writing uploaded rows in batches, safely beside concurrent writers of the same data.

A bulk import checks each batch against the database with one query (what is taken already),
then inserts the rest and records their history in bulk. Two things can get in
the way between that query and the insert:

- **Another import into the same table and channel.** Imports take a lock named after both
  (`lock_imports`; a transaction-level advisory lock on PostgreSQL, where SQLite serializes
  writers by itself) before their first query and keep it to their end, so they run one after
  the other: the second sees what the first wrote and reports it as taken. Without the lock,
  two long imports inserting the same keys in different orders could deadlock across batches,
  which no retry of one batch resolves.
- **A single write through the API or the admin** committing the same key meanwhile. The
  insert then breaks a unique constraint; `write_batch` rolls its savepoint back and runs the
  batch again, and the fresh query reports the row as taken.

So a batch is written whole or not at all, and every row of it is reported as what happened.

`insert_with_history` writes a batch of rows that differ in one column (BINs of one card) and
their history in a single PostgreSQL statement; building a model instance per row and per
history row, as `bulk_create_with_history` does, costs several times the database's own work.
"""

import hashlib
import logging
import time
from contextlib import nullcontext
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Lookup
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

logger = logging.getLogger(__name__)

ATTEMPTS = 5
# SQLSTATEs of a transaction that lost to a concurrent one and may simply be retried.
RETRYABLE_STATES = {"40001", "40P01"}  # serialization failure, deadlock detected
CHANGE_REASON = "CSV upload"


def batched(iterable, size):
    """Lists of `size` items of `iterable` (the last one shorter), read lazily."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def import_in_batches(rows, size, create_batch, report, *, atomic=True):
    """Hand `rows` to `create_batch` `size` at a time and tell `report` the
    `(line, key, status)` outcomes it returns; return the seconds it took.

    With `atomic` the whole import is one transaction, so an import that fails half-way leaves
    nothing; without it each batch commits on its own.
    """
    started = time.monotonic()
    with transaction.atomic() if atomic else nullcontext():
        for batch in batched(rows, size):
            for line, key, status in create_batch(batch):
                report.add(line, key, status)
    return time.monotonic() - started


def write_batch(write, *, lock):
    """Run `write()` in a savepoint holding the import lock `lock`, and again after a concurrent
    write got in its way; return what it returns. `write` must read what is taken afresh on
    each call."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                lock_imports(lock)
                return write()
        except (IntegrityError, OperationalError) as exc:
            if attempt == ATTEMPTS or not is_conflict(exc):
                raise
            logger.info("A batch met a concurrent write (%s); writing it again", type(exc).__name__)


def lock_imports(name):
    """Wait for, then hold until the end of the transaction, the import lock called `name`.

    Taken again in the same transaction it is simply held; an import that is one transaction
    therefore holds it from its first batch to its commit.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def is_conflict(exc):
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_STATES


class AnyOf(Lookup):
    """`AnyOf(F("field"), values)`: the field equals one of `values`, like `field__in`, but sent
    to PostgreSQL as `= ANY(%s)` with one array parameter instead of one parameter per value,
    which for a batch of 2,000 BINs halves the query's time. Elsewhere it is `IN (...)`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


def insert_with_history(model, column, values, constants, *, user):
    """Insert one `model` row per item of `values`, as its field `column`, the other fields
    being `constants` (field name -> value) or their defaults; record each row's creation in
    its history under `user`, with the change reason `CHANGE_REASON`.

    On PostgreSQL this is one statement: the rows come from an array, their history from the
    rows inserted (a data-modifying WITH). Elsewhere, or when a model has a column that this
    cannot fill, simple_history's `bulk_create_with_history` does the same work.
    """
    statement = None
    if connection.vendor == "postgresql" and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        statement = _insert_statement(model, column, values, constants, user)
    if statement is None:
        rows = [model(**constants, **{column: value}) for value in values]
        bulk_create_with_history(
            rows, model, default_user=user, default_change_reason=CHANGE_REASON
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(*statement)


def _insert_statement(model, column, values, constants, user):
    """`(sql, params)` of the PostgreSQL statement of `insert_with_history`, or None."""
    quote = connection.ops.quote_name
    now = timezone.now()
    row_columns, row_values, row_params = [], [], []
    array_type = None
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        row_columns.append(quote(field.column))
        if field.name == column:
            row_values.append("new.value")
            array_type = field.db_type(connection)
            continue
        if field.name in constants:
            value = constants[field.name]
            value = getattr(value, "pk", value) if field.is_relation else value
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or field.null:
            value = field.get_default()
        else:
            return None
        row_values.append("%s")
        row_params.append(field.get_db_prep_save(value, connection))

    history = get_history_model_for_model(model)
    inserted = {field.column for field in model._meta.concrete_fields}
    recorded = {
        "history_date": now,
        "history_type": "+",
        "history_change_reason": CHANGE_REASON,
        "history_user": getattr(user, "pk", None),
    }
    history_columns, history_values, history_params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        history_columns.append(quote(field.column))
        if field.column in inserted:
            history_values.append(f"inserted.{quote(field.column)}")
            continue
        if field.name in recorded:
            value = recorded[field.name]
        elif field.has_default() or field.null:
            value = field.get_default()
        else:
            return None
        history_values.append("%s")
        history_params.append(field.get_db_prep_save(value, connection))

    sql = (
        f"WITH inserted AS ("
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(row_columns)}) "
        f"SELECT {', '.join(row_values)} FROM unnest(%s::{array_type}[]) AS new(value) "
        f"RETURNING *) "
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(history_columns)}) "
        f"SELECT {', '.join(history_values)} FROM inserted"
    )
    return sql, [*row_params, list(values), *history_params]
