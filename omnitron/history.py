"""
What changed between two history records.

Every model keeps its history with django-simple-history: each create, update and delete
stores a record with the object's values, who made the change (`history_user`), when
(`history_date`) and how (`history_type`: `+` created, `~` changed, `-` deleted). The API and
the admin both show a record as the list of fields whose value differs from the record before:

    [{"field": "name", "old": "Bonus", "new": "Bonus Plus"},
     {"field": "config.mode", "old": "TEST", "new": "LIVE"}]

A JSON object field is compared key by key (`config.mode`), so that one changed setting does
not show as a whole new config. A model hides values from history by defining
`history_secrets()`, which returns `{"<field>.<key>": Hidden(...)}` for the values to hide: a
hidden value is shown masked and compared by the value it hides, so history says *that* a
secret changed without saying what it was.
"""

import datetime
import hashlib
import hmac
import uuid
from decimal import Decimal

from django.db.models import FileField
from django.db.models.fields.files import FieldFile

TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Not worth a line in history: it changes on every save.
IGNORED_FIELDS = {"modified_date"}


class Hidden:
    """A value shown as `shown`, equal to another `Hidden` when the values they hide are equal.

    Only a digest of the hidden value is kept, and `repr` shows the mask, so a `Hidden` that
    ends up in a log line or a traceback reveals nothing.
    """

    __slots__ = ("_digest", "shown")

    def __init__(self, shown, value):
        self.shown = shown
        text = value if isinstance(value, str) else repr(value)
        self._digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()

    def __eq__(self, other):
        return isinstance(other, Hidden) and hmac.compare_digest(self._digest, other._digest)

    def __hash__(self):
        return hash(self._digest)

    def __repr__(self):
        return self.shown


def changes(record, previous):
    """`[{"field", "old", "new"}]` for what differs between `previous` (None: nothing before,
    so every value set is listed) and `record`, sorted by field, values ready for JSON."""
    new = snapshot(record)
    old = snapshot(previous) if previous is not None else {}
    return [
        {"field": name, "old": display(old.get(name)), "new": display(new.get(name))}
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]


def snapshot(record):
    """`{field: value}` of a history record: editable fields by attribute name (a foreign key
    is its id), JSON objects flattened to `field.key` leaves, hidden values in place."""
    values = {}
    for field in record.tracked_fields:
        if field.primary_key or not field.editable or field.name in IGNORED_FIELDS:
            continue
        value = getattr(record, field.attname)
        if isinstance(field, FileField):
            # History keeps a file's name as text, "" when there is none.
            value = str(value or "") or None
        if isinstance(value, dict):
            values.update(_leaves(value, field.name))
        else:
            values[field.name] = value
    secrets_of = getattr(record.instance_type, "history_secrets", None)
    if secrets_of is not None:
        values.update(secrets_of(record.instance))
    return values


def display(value):
    """A value as JSON shows it: decimals as strings (`"2.50"`), times in ISO 8601 with `Z`,
    files by name, hidden values masked."""
    if isinstance(value, Hidden):
        return value.shown
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def type_of(record):
    return TYPES.get(record.history_type, record.history_type)


def _leaves(value, prefix):
    leaves = {}
    for key, item in value.items():
        name = f"{prefix}.{key}"
        if isinstance(item, dict) and item:
            leaves.update(_leaves(item, name))
        else:
            leaves[name] = item
    return leaves
