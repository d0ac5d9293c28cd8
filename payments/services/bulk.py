"""
Writing uploaded rows in batches, safely beside concurrent uploads of the same data.

A bulk import checks each batch against the database with one query (what is taken already),
then inserts the rest with one `bulk_create` and records their history. Between that query and
the insert another upload may commit the same rows: the insert then breaks a unique
constraint, or PostgreSQL picks the batch as a deadlock victim when two uploads insert the
same keys in a different order. `write_batch` runs the batch in a savepoint and, on such a
conflict, rolls the savepoint back and runs the batch again; its query then sees the other
upload's rows and reports them as taken. A batch therefore is written whole or not at all,
and every row of it is reported as what really happened.
"""

import logging
from itertools import islice

from django.db import IntegrityError, OperationalError, transaction

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


def write_batch(write):
    """Run `write()` in a savepoint, again after a concurrent write got in its way; return what
    it returns. `write` must read what is taken afresh on each call."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return write()
        except (IntegrityError, OperationalError) as exc:
            if attempt == ATTEMPTS or not is_conflict(exc):
                raise
            logger.info("A batch met a concurrent write (%s); writing it again", type(exc).__name__)


def is_conflict(exc):
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_STATES
