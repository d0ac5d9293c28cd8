"""
`manage.py rotate_config_keys`: re-encrypt every stored POS secret under the newest key.

Rotating the key that protects gateway credentials takes three steps:

1. put a new key first in `CONFIG_ENCRYPTION_KEYS` (keep the old one after it) and restart:
   new secrets use the new key, old ones are still read with the old key;
2. run this command: every secret of every POS, and of every POS history record, that the
   newest key cannot read is re-encrypted under it;
3. drop the old key from `CONFIG_ENCRYPTION_KEYS` and restart.

The command works in one transaction: it changes everything or, when some secret can be read
by no key of the list, nothing. Running it again changes nothing. It reports counts, never
values, and it does not add history records: a re-encryption changes no value.
"""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from payments import secrets
from payments.gateways import get_gateway
from payments.models import Pos

BATCH_SIZE = 500


class Command(BaseCommand):
    help = "Re-encrypt every stored POS secret (history included) under the newest key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be re-encrypted; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            current = self.rotate(Pos.objects.all(), "pk", "POS")
            past = self.rotate(Pos.history.all(), "history_id", "POS history record")
            if dry_run:
                transaction.set_rollback(True)

        verb = "Would re-encrypt" if dry_run else "Re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {current.secrets} secrets of {current.rows} POS and "
                f"{past.secrets} secrets of {past.rows} POS history records under the newest key."
            )
        )
        if current.unknown or past.unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"Left as they are: {current.unknown} POS and {past.unknown} history records "
                    "whose gateway is no longer known."
                )
            )

    def rotate(self, queryset, key, label):
        """Re-encrypt the configs of `queryset` (locked until the transaction ends)."""
        tally = Tally()
        changed = []
        rows = queryset.select_for_update().only(key, "gateway", "config").order_by(key)
        for row in rows.iterator(chunk_size=BATCH_SIZE):
            gateway = get_gateway(row.gateway)
            if gateway is None:
                tally.unknown += 1
                continue
            try:
                row.config, count = secrets.rotate_config(gateway, row.config)
            except InvalidToken:
                raise CommandError(
                    f"A secret of {label} {key}={getattr(row, key)} cannot be decrypted with any "
                    "key of CONFIG_ENCRYPTION_KEYS; nothing was changed. Put back the key it was "
                    "encrypted with, then run the command again."
                ) from None
            if count:
                tally.rows += 1
                tally.secrets += count
                changed.append(row)
            if len(changed) >= BATCH_SIZE:
                queryset.model.objects.bulk_update(changed, ["config"])
                changed = []
        queryset.model.objects.bulk_update(changed, ["config"])
        return tally


class Tally:
    def __init__(self):
        self.rows = 0
        self.secrets = 0
        self.unknown = 0
