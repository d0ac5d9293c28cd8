"""BIN numbers: a BIN identifies at most one card per channel.

`BinNumberService.bulk_create` imports a card's BINs from an upload in batches: per batch, one
query finds which BINs the channel has already, and one statement inserts the others with their
history (see `payments.services.bulk`).
"""

import logging

from django.core.exceptions import ValidationError

from omnitron.errors import ConflictError
from omnitron.services import ModelService
from payments.imports.report import CREATED
from payments.models import BinNumber, Card
from payments.services.bulk import (
    existing_keys,
    import_in_batches,
    insert_with_history,
    write_batch,
)
from payments.validators import validate_bin_number

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


class BinNumberService(ModelService):
    model = BinNumber
    label = "BinNumber"

    def check(self, instance):
        instance.channel_id = instance.card.channel_id
        taken = (
            BinNumber.objects.filter(channel_id=instance.channel_id, bin_number=instance.bin_number)
            .exclude(pk=instance.pk)
            .select_related("card")
            .first()
        )
        if taken is not None and taken.card_id == instance.card_id:
            raise ValidationError(
                {"bin_number": [f"BIN {instance.bin_number} is already on this card."]}
            )
        if taken is not None:
            raise ConflictError(
                taken_message(instance.bin_number, taken.card.slug, taken.card_id),
                "bin_number_100_1",
            )

    def explain_integrity_error(self, instance):
        self.check(instance)

    def bulk_create(self, card, rows, report, *, atomic=True, remember_lines=True):
        """Add to `card` the BINs of `rows` (`(line, value)` pairs) and tell `report` each row's
        outcome (`report.add(line, bin_number, status)`, in file order); return `report`.

        A row is `created`, or refused with a message: not 6 or 8 ASCII digits, already on an
        earlier line of the file, already on this card, or on another card of the channel.
        With `atomic` the whole import is one transaction, so an import that fails half-way
        leaves nothing; without it each batch commits on its own (the management command, whose
        files may be too large for one transaction, and which can simply be run again).

        With `remember_lines` every BIN's first line is kept for the whole file, to be named in
        a repeat's message; that costs memory per distinct BIN, as an upload's answer costs per
        row anyway. Without it only the batch's own lines are kept, so memory stays flat
        whatever the file's length: a BIN repeated in a later batch is then found on the card
        by that batch's query and refused as already on this card.
        """
        whole_file = {}  # BIN -> the line it was first met on
        seconds = import_in_batches(
            rows,
            BATCH_SIZE,
            lambda batch: self._create_batch(card, batch, whole_file if remember_lines else {}),
            report,
            atomic=atomic,
        )
        logger.info(
            "Imported BINs of card pk=%s: %s created, %s refused, in %.1f s",
            card.pk,
            report.created,
            report.refused,
            seconds,
        )
        return report

    def _create_batch(self, card, batch, seen):
        """The `(line, bin_number, status)` of every row of `batch`, after writing the new ones."""
        results = []
        fresh = {}  # BIN -> its index in results
        # The validator's pattern is compiled lazily, behind a proxy that costs more than the
        # match itself when reached once per row.
        is_bin_number = validate_bin_number.regex.search
        for line, value in batch:
            if not is_bin_number(value):
                status = validate_bin_number.message
            elif value in seen:
                status = f"Duplicate: the same BIN is on line {seen[value]} of this file."
            else:
                seen[value] = line
                fresh[value] = len(results)
                status = CREATED
            results.append((line, value, status))

        if fresh:
            taken = write_batch(
                lambda: self._insert_new(card, fresh), lock=f"bin_numbers:{card.channel_id}"
            )
            other_cards = set(taken.values()) - {card.pk}
            slugs = dict(Card.objects.filter(pk__in=other_cards).values_list("pk", "slug"))
            for bin_number, card_id in taken.items():
                index = fresh[bin_number]
                status = (
                    f"BIN {bin_number} is already on this card."
                    if card_id == card.pk
                    else taken_message(bin_number, slugs[card_id], card_id)
                )
                results[index] = (results[index][0], bin_number, status)
        return results

    def _insert_new(self, card, fresh):
        """Insert the BINs of `fresh` that the channel lacks; return the others, as
        `{bin_number: card_id}`."""
        taken = self._taken(card, fresh)
        new = [bin_number for bin_number in fresh if bin_number not in taken]
        if new:
            insert_with_history(
                BinNumber,
                "bin_number",
                new,
                {"card": card, "channel": card.channel},
                user=self.user,
            )
        return taken

    def _taken(self, card, bin_numbers):
        """`{bin_number: card_id}` of those of `bin_numbers` the card's channel has already."""
        return existing_keys(
            BinNumber, "bin_number", bin_numbers, {"channel": card.channel_id}, value_of="card"
        )


def taken_message(bin_number, card_slug, card_pk):
    return f"BIN {bin_number} already belongs to card {card_slug} (pk {card_pk}) on this channel."
