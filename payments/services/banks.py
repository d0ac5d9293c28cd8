"""Banks, card types and the bank accounts shown for transfers.

`BankService.bulk_create` imports a channel's banks from an upload (see `bulk_create`).
"""

import logging
import re
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from omnitron.services import ModelService
from payments.imports.logos import LogoError, download_logo
from payments.imports.report import CREATED
from payments.models import Bank, BankAccount, CardType
from payments.services.bulk import CHANGE_REASON, import_in_batches, write_batch
from payments.text import slug_from_name

logger = logging.getLogger(__name__)

BANK_BATCH_SIZE = 100
LOGO_DOWNLOADS_AT_ONCE = 4
SHORT_EFT_CODE = re.compile(r"\A[0-9]{1,3}\Z")


class BankService(ModelService):
    model = Bank
    label = "Bank"
    channel_change_code = "bank_100_2"
    protected_delete_code = "bank_100_1"

    def delete(self, instance):
        # Deactivated accounts are history, not use: they go with the bank. Active ones protect it.
        with transaction.atomic():
            instance.accounts.filter(is_active=False).delete()
            super().delete(instance)

    def bulk_create(self, channel, records, report):
        """Create on `channel` the banks of `records` (`(line, {field: value})` pairs with the
        fields name, slug, eft_code, logo) and tell `report` each row's outcome, keyed by the
        bank's name; return `report`. All in one transaction.

        A missing slug is derived from the name (Turkish letters transliterated); an EFT code
        that lost its leading zeros in a spreadsheet (`46`) gets them back (`0046`); a logo URL
        is downloaded (see `payments.imports.logos`) and a logo that cannot be had refuses its
        row. A slug already on the channel, or on an earlier line of the file, refuses the row.

        Logos are fetched inside the transaction, four at a time, before their batch is
        inserted; bank files are short, and each download is bounded by
        `LOGO_DOWNLOAD_TIMEOUT`, but a file of many slow logos keeps the transaction open that
        long.
        """
        seen = {}  # slug -> the line it was first met on
        stored = []  # the logo files this import put in storage
        try:
            seconds = import_in_batches(
                records,
                BANK_BATCH_SIZE,
                lambda batch: self._create_batch(channel, batch, seen, stored),
                report,
            )
        except BaseException:
            # The rows are rolled back; their logos must not stay behind in storage.
            for logo in stored:
                logo.delete(save=False)
            raise
        logger.info(
            "Imported banks of channel pk=%s: %s created, %s refused, in %.1f s",
            channel.pk,
            report.created,
            report.refused,
            seconds,
        )
        return report

    def _create_batch(self, channel, batch, seen, stored):
        results = []
        fresh = {}  # slug -> (index in results, Bank, logo URL)
        for line, record in batch:
            bank, status = self._bank_of(channel, record)
            if status is None and bank.slug in seen:
                status = (
                    f"Duplicate: the slug {bank.slug} is on line {seen[bank.slug]} of this file."
                )
            if status is None:
                seen[bank.slug] = line
                fresh[bank.slug] = (len(results), bank, record.get("logo", ""))
                status = CREATED
            results.append((line, bank.name, status))

        def refuse(slug, status):
            index = fresh.pop(slug)[0]
            results[index] = (results[index][0], results[index][1], status)

        # Known before any logo is fetched, so that no download is made for a taken slug.
        for slug in self._taken_slugs(channel, fresh):
            refuse(slug, taken_message(slug))
        for slug, failure in self._fetch_logos(fresh, stored).items():
            refuse(slug, f"logo: {failure}")
        if fresh:
            taken = write_batch(
                lambda: self._insert_new(channel, fresh), lock=f"banks:{channel.pk}"
            )
            for slug in taken:
                fresh[slug][1].logo.delete(save=False)
                refuse(slug, taken_message(slug))
        return results

    def _bank_of(self, channel, record):
        """The unsaved Bank a row describes, and the row's error if its fields are invalid."""
        name = record["name"]
        eft_code = record.get("eft_code", "")
        if SHORT_EFT_CODE.match(eft_code):
            eft_code = eft_code.zfill(4)
        bank = Bank(
            name=name,
            slug=record.get("slug") or slug_from_name(name),
            eft_code=eft_code,
            channel=channel,
        )
        try:
            # Fields only: uniqueness is checked for the whole batch in one query, and the
            # channel is known to exist.
            bank.full_clean(
                exclude=["logo", "channel"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            return bank, " ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
        return bank, None

    def _taken_slugs(self, channel, fresh):
        return set(
            Bank.objects.filter(channel=channel, slug__in=list(fresh)).values_list(
                "slug", flat=True
            )
        )

    def _fetch_logos(self, fresh, stored):
        """Download the logos of `fresh` into their banks, listing their files in `stored`;
        return `{slug: failure}`.

        The files land in storage before the rows are inserted; a row that is refused after
        all has its file deleted, and so has every file of an upload that fails as a whole.
        """
        wanted = [(slug, url) for slug, (_index, _bank, url) in fresh.items() if url]
        failures = {}
        if not wanted:
            return failures
        with ThreadPoolExecutor(max_workers=LOGO_DOWNLOADS_AT_ONCE) as pool:
            outcomes = pool.map(lambda item: _download(*item), wanted)
            for (slug, _url), outcome in zip(wanted, outcomes, strict=True):
                if isinstance(outcome, LogoError):
                    failures[slug] = str(outcome)
                else:
                    fresh[slug][1].logo.save(outcome.name, outcome, save=False)
                    stored.append(fresh[slug][1].logo)
        return failures

    def _insert_new(self, channel, fresh):
        """Insert the banks of `fresh` whose slug the channel lacks; return the other slugs."""
        taken = self._taken_slugs(channel, fresh)
        new = [bank for slug, (_index, bank, _url) in fresh.items() if slug not in taken]
        if new:
            bulk_create_with_history(
                new, Bank, default_user=self.user, default_change_reason=CHANGE_REASON
            )
        return taken


class CardTypeService(ModelService):
    model = CardType
    label = "CardType"
    channel_change_code = "card_type_100_2"
    protected_delete_code = "card_type_100_1"


class BankAccountService(ModelService):
    """Bank accounts are never removed through the API: deleting one deactivates it."""

    model = BankAccount
    label = "BankAccount"
    channel_change_code = "bank_account_100_2"
    cross_channel_code = "bank_account_100_1"

    def check(self, instance):
        self.check_same_channel(instance, instance.channel, ["bank"])

    def delete(self, instance):
        instance.is_active = False
        self.sign(instance)
        instance.save(update_fields=["is_active", "modified_date"])
        logger.info("Deactivated bankaccount pk=%s", instance.pk)


def _download(slug, url):
    try:
        return download_logo(url, slug)
    except LogoError as exc:
        return exc


def taken_message(slug):
    return f"A bank with the slug {slug} already exists on this channel."
