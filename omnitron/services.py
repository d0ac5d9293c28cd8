"""
The base of every service class.

A service creates, updates and deletes the objects of one model and owns the rules that a
serializer cannot see because they involve other rows or the database itself:

- an object's sales channel never changes after creation (`channel_change_code`);
- what an object refers to belongs to its own channel (`check`, with `check_same_channel`);
- a delete that other objects still prevent is refused with a count of them
  (`protected_delete_code`);
- a unique constraint broken by a concurrent request is reported like any other broken unique
  set, never as a database error;
- an update that changes no value writes nothing, so history holds only real changes.

Views and admin pages call `create`, `update` and `delete`, which log each write with the
object's pk; subclasses override `check` and, where the model has its own ways,
`create`/`update`/`delete` themselves (or `remove`, the deletion proper).
"""

import logging

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import FileField, ProtectedError
from django.db.models.fields.files import FieldFile

from omnitron.errors import ChannelChangeError, CrossChannelError, ProtectedDeleteError

logger = logging.getLogger(__name__)


class ModelService:
    model = None
    label = None
    channel_change_code = None
    protected_delete_code = None
    cross_channel_code = None

    def __init__(self, user=None):
        assert self.model is not None, f"{type(self).__name__} must set `model`."
        self.user = user

    def create(self, data, instance=None):
        """Create the object of `data`; `instance`, when given, is the unsaved object to fill
        with it and save (the admin's form object, which its inline rows already point at)."""
        if instance is None:
            instance = self.model(**data)
        else:
            for field, value in data.items():
                setattr(instance, field, value)
        with transaction.atomic():
            self.check(instance)
            self.save(instance)
        logger.info("Created %s pk=%s", self.model._meta.model_name, instance.pk)
        return instance

    def update(self, instance, data):
        """Apply `data` to `instance` and save it; when no value of `data` differs from the
        stored one, write nothing (no history record, the same `modified_date`)."""
        self.check_channel_unchanged(instance, data)
        changed = {field: value for field, value in data.items() if differs(instance, field, value)}
        if not changed:
            return instance
        for field, value in changed.items():
            setattr(instance, field, value)
        with transaction.atomic():
            self.check(instance)
            self.save(instance)
        logger.info("Updated %s pk=%s", self.model._meta.model_name, instance.pk)
        return instance

    def delete(self, instance):
        pk = instance.pk
        self.sign(instance)
        try:
            self._delete(instance)
        except ProtectedError as exc:
            logger.warning(
                "Refused to delete %s pk=%s: still referenced", self.model._meta.model_name, pk
            )
            raise ProtectedDeleteError(
                f"{self.label}: {self.name_of(instance)} cannot be deleted: it is used by "
                f"{count_by_kind(exc.protected_objects)}.",
                self.protected_delete_code,
            ) from None
        logger.info("Deleted %s pk=%s", self.model._meta.model_name, pk)

    def _delete(self, instance):
        """Delete, once more when a reference was added between Django's check for references
        and the DELETE: the database refuses the DELETE then, and the second try finds the new
        reference and refuses as protected."""
        try:
            with transaction.atomic():
                self.remove(instance)
        except ProtectedError:
            raise
        except IntegrityError:
            with transaction.atomic():
                self.remove(instance)

    def remove(self, instance):
        """Delete `instance` and what cascades from it, in the delete's transaction; a model
        whose delete cascades to many rows deletes them its own way."""
        instance.delete()

    def check(self, instance):
        """Rules involving other rows; raise a `ServiceError` to refuse. Runs in the write's
        transaction, before the save."""

    def save(self, instance):
        """Save, turning a unique set broken by a concurrent write into the usual 400."""
        self.sign(instance)
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            self.explain_integrity_error(instance)
            raise

    def sign(self, instance):
        """Name the service's user as the author of the change in the object's history, with or
        without a request for the history middleware to read it from."""
        if self.user is not None and self.user.is_authenticated:
            instance._history_user = self.user

    def explain_integrity_error(self, instance):
        """Raise the error a client should see for a constraint the save broke, if one can be
        found; the row that broke it was committed meanwhile, so it is visible now."""
        instance.validate_constraints()

    def check_channel_unchanged(self, instance, data):
        new_channel = data.get("channel")
        if (
            self.channel_change_code
            and new_channel is not None
            and (new_channel.pk != instance.channel_id)
        ):
            raise ChannelChangeError(
                f"Channel: {instance.channel.name} of {self.label}: "
                f"{self.name_of(instance)} cannot change.",
                self.channel_change_code,
            )

    def check_same_channel(self, instance, channel, fields):
        """Refuse when any of `fields` of `instance` refers to an object of another channel."""
        wrong = []
        for field in fields:
            related = getattr(instance, field)
            if related is not None and related.channel_id != channel.pk:
                wrong.append(
                    f"{field}: {type(related).__name__} {self.name_of(related)} belongs to "
                    f"channel {related.channel.name}, not {channel.name}"
                )
        if wrong:
            raise CrossChannelError("; ".join(wrong) + ".", self.cross_channel_code)

    @staticmethod
    def name_of(instance):
        return getattr(instance, "slug", None) or str(instance)


def differs(instance, name, value):
    """Whether setting field `name` of `instance` to `value` changes what is stored: a foreign
    key by the id it stores, a file by its name (a file not stored yet always differs)."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    if field.many_to_one or field.one_to_one:
        return getattr(value, "pk", value) != getattr(instance, field.attname)
    if isinstance(field, FileField):
        stored = getattr(instance, name).name or ""
        if isinstance(value, FieldFile):
            return not value._committed or (value.name or "") != stored
        if value is None or isinstance(value, str):
            return (value or "") != stored
        return True
    return value != getattr(instance, name)


def count_by_kind(objects):
    """'3 cards and 1 multi-currency card' for a collection of model instances."""
    counts = {}
    for obj in objects:
        meta = obj._meta
        counts.setdefault(meta.label, [meta, 0])[1] += 1
    parts = [
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in sorted(counts.values(), key=lambda item: item[0].label)
    ]
    return " and ".join(parts) if len(parts) < 3 else ", ".join(parts[:-1]) + " and " + parts[-1]
