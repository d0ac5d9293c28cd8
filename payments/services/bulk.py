"""
Bulk writes: uploaded rows in batches, safely beside concurrent writers of the same data, and
the deletion of many rows with their history.

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
their history in SQL alone (one statement on PostgreSQL, two on SQLite); building a model
instance per row and per history row, as `bulk_create_with_history` does, costs several times
the database's own work (a 100,000-row BIN upload on SQLite took about 20 s that way).
`delete_with_history` is its reverse, for the rows a card takes with it when it is deleted
(see `payments.services.cards`): they are deleted and their deletion recorded in SQL, without
loading them.
"""

import hashlib
import json
import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
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


def existing_keys(model, column, values, constants, *, value_of):
    """`{key: value}` for the rows of `model` whose field `column` is one of `values` and whose
    other fields equal `constants` (field name -> value): the row's `column` and its field
    `value_of`. For BINs, `{bin_number: card_id}` of a channel's BINs among a batch.

    `constants` and `column` must be a unique index's fields, in its order (the channel and
    the BIN): on PostgreSQL and SQLite the query looks each value up in that index, one probe
    per value. Asked for `column IN (...)` instead, both may read every row of the channel
    through the index on its first column when the table has no statistics, as after a large
    first import, whose rows no statistics can see before it commits: each batch then costs
    more than the one before (on PostgreSQL, 53 of the 104 s of a 1,165,000-row upload).
    """
    meta = model._meta
    quote = connection.ops.quote_name
    fixed = [(meta.get_field(name), value) for name, value in constants.items()]
    params = [
        field.get_db_prep_value(getattr(value, "pk", value), connection) for field, value in fixed
    ]
    key, wanted = quote(meta.get_field(column).column), quote(meta.get_field(value_of).column)
    table = quote(meta.db_table)

    def matching(alias):
        equal = [f"{alias}.{quote(field.column)} = %s" for field, _ in fixed]
        return " AND ".join([*equal, f"{alias}.{key} = source.value"])

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # OFFSET 0 keeps the subquery from being flattened into a join, which the planner
            # could run by reading the channel whole, as above.
            array_type = meta.get_field(column).db_type(connection)
            cursor.execute(
                f"SELECT source.value, found.{wanted} "
                f"FROM unnest(%s::{array_type}[]) AS source(value) CROSS JOIN LATERAL ("
                f"SELECT stored.{wanted} FROM {table} AS stored WHERE {matching('stored')} "
                f"OFFSET 0) AS found",
                [list(values), *params],
            )
        elif connection.vendor == "sqlite":
            # SQLite's CROSS JOIN keeps its order: the values outside, the index probed inside.
            cursor.execute(
                f"SELECT source.value, found.{wanted} FROM json_each(%s) AS source "
                f"CROSS JOIN {table} AS found ON {matching('found')}",
                [json.dumps(list(values)), *params],
            )
        else:
            return dict(
                model.objects.filter(**{f"{column}__in": values}, **constants)
                .order_by()
                .values_list(column, value_of)
            )
        return dict(cursor.fetchall())


def insert_with_history(model, column, values, constants, *, user):
    """Insert one `model` row per item of `values`, as its field `column`, the other fields
    being `constants` (field name -> value) or their defaults; record each row's creation in
    its history under `user`, with the change reason `CHANGE_REASON`. `values` are as the
    database stores them (text, numbers).

    The rows come from one array parameter and their history from the rows inserted, without
    a Python object per row: on PostgreSQL in one statement (`unnest` and a data-modifying
    WITH), on SQLite in two (`json_each`, then the history of the ids the insert returned).
    On another database, or when a model has a column that this cannot fill, simple_history's
    `bulk_create_with_history` does the same work.
    """
    plan = _insert_plan(model, column, constants, user) if writes_history_in_sql() else None
    if plan is None:
        rows = [model(**constants, **{column: value}) for value in values]
        bulk_create_with_history(
            rows, model, default_user=user, default_change_reason=CHANGE_REASON
        )
        return

    insert = (
        f"INSERT INTO {plan.table} ({', '.join(plan.row_columns)}) "
        f"SELECT {', '.join(plan.row_values)}"
    )
    record = (
        f"INSERT INTO {plan.history_table} ({', '.join(plan.history_columns)}) "
        f"SELECT {', '.join(plan.history_values)}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH inserted AS ({insert} FROM unnest(%s::{plan.array_type}[]) AS source(value) "
                f"RETURNING *) {record} FROM inserted",
                [*plan.row_params, list(values), *plan.history_params],
            )
            return
        cursor.execute(
            f"{insert} FROM json_each(%s) AS source RETURNING {plan.pk}",
            [*plan.row_params, json.dumps(list(values))],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"{record} FROM {plan.table} AS inserted "
            f"WHERE inserted.{plan.pk} IN (SELECT value FROM json_each(%s))",
            [*plan.history_params, json.dumps(ids)],
        )


def delete_with_history(queryset, *, user):
    """Delete the rows of `queryset` and record each one's deletion in its history under `user`
    as simple_history does one by one (type `-`, the row's last values, no change reason);
    return how many were deleted.

    The rows are not loaded. On PostgreSQL one statement deletes them and records them (a
    data-modifying WITH over the rows deleted); on SQLite two, the records from the rows and
    then the delete, which the transaction's write lock keeps together. Elsewhere the
    queryset's own delete does it, one row at a time. Django's collector is skipped, and with
    it the signals of each row: nothing but history may refer to the rows or listen to their
    deletion.
    """
    model = queryset.model
    referrers = [relation.name for relation in model._meta.related_objects]
    assert not referrers, (
        f"{model.__name__} rows are referred to by {', '.join(referrers)}; delete them with "
        f"queryset.delete(), whose collector follows those references."
    )
    history = None
    if writes_history_in_sql():
        history = _history_values(model, "deleted", timezone.now(), "-", None, user)
    if history is None:
        return queryset.delete()[0]

    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    history_table = quote(get_history_model_for_model(model)._meta.db_table)
    columns, values, params = history
    chosen, chosen_params = queryset.order_by().values("pk").query.sql_with_params()
    record = f"INSERT INTO {history_table} ({', '.join(columns)}) SELECT {', '.join(values)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH deleted AS (DELETE FROM {table} WHERE {pk} IN ({chosen}) RETURNING *) "
                f"{record} FROM deleted",
                [*chosen_params, *params],
            )
            return cursor.rowcount
        cursor.execute(
            f"{record} FROM {table} AS deleted WHERE deleted.{pk} IN ({chosen})",
            [*params, *chosen_params],
        )
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({chosen})", chosen_params)
        return cursor.rowcount


def history_user(instance):
    """The user simple_history records as the author of a change of `instance`: the one a
    service signed it with (`_history_user`), else the request's (`HistoryRequestMiddleware`)
    when logged in, else none."""
    user = getattr(instance, "_history_user", None)
    if user is None:
        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def writes_history_in_sql():
    """Whether rows and their history can be written here by SQL alone: on PostgreSQL, and on
    SQLite from 3.35 (RETURNING), while simple_history is enabled."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return False
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.features.can_return_rows_from_bulk_insert
    )


@dataclass
class _InsertPlan:
    """The pieces of the SQL of `insert_with_history` for one model, column and constants:
    quoted names, and the values of each column of a row (`source.value` for the varying
    column, `%s` for the others) and of its history record (read from the row `inserted`)."""

    table: str
    pk: str
    array_type: str
    row_columns: list
    row_values: list
    row_params: list
    history_table: str
    history_columns: list
    history_values: list
    history_params: list


def _insert_plan(model, column, constants, user):
    """The `_InsertPlan` of `insert_with_history`, or None when a column of the model or of
    its history has neither a value given nor a default."""
    quote = connection.ops.quote_name
    now = timezone.now()
    row_columns, row_values, row_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        row_columns.append(quote(field.column))
        if field.name == column:
            row_values.append("source.value")
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

    history = _history_values(model, "inserted", now, "+", CHANGE_REASON, user)
    if history is None:
        return None
    history_model = get_history_model_for_model(model)
    return _InsertPlan(
        quote(model._meta.db_table),
        quote(model._meta.pk.column),
        model._meta.get_field(column).db_type(connection),
        row_columns,
        row_values,
        row_params,
        quote(history_model._meta.db_table),
        *history,
    )


def _history_values(model, source, date, history_type, change_reason, user):
    """`(columns, SQL values, params)` of the history records of rows of `model` read from the
    table alias `source`: the row's own values, then `date`, `history_type`, `change_reason`
    and `user` where simple_history records them; None when a history column has no value."""
    quote = connection.ops.quote_name
    copied = {field.column for field in model._meta.concrete_fields}
    recorded = {
        "history_date": date,
        "history_type": history_type,
        "history_change_reason": change_reason,
        "history_user": getattr(user, "pk", None),
    }
    columns, values, params = [], [], []
    for field in get_history_model_for_model(model)._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.column in copied:
            values.append(f"{source}.{quote(field.column)}")
            continue
        if field.name in recorded:
            value = recorded[field.name]
        elif field.has_default() or field.null:
            value = field.get_default()
        else:
            return None
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    return columns, values, params
