"""
Writing uploaded rows in batches, safely beside concurrent writers of the same data.

A bulk import checks each batch against the database with one query (what is taken already),
then inserts the rest with one `bulk_create` and records their history. Two things can get in
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
"""

import hashlib
import logging
from itertools import islice

from django.db import IntegrityError, OperationalError, connection, transaction

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
