"""Batches of an import are written whole, and again when a concurrent write got in the way."""

import pytest
from django.db import IntegrityError, OperationalError
from simple_history.utils import bulk_create_with_history

from payments.imports import UploadReport
from payments.models import BinNumber, Card
from payments.services import BinNumberService
from payments.services.bulk import (
    delete_with_history,
    existing_keys,
    insert_with_history,
    write_batch,
)
from payments.tests.factories import BinNumberFactory, CardFactory

pytestmark = pytest.mark.django_db


def test_a_batch_that_broke_a_unique_constraint_is_rolled_back_and_written_again():
    card = CardFactory()
    attempts = []

    def write():
        attempts.append(len(attempts) + 1)
        BinNumber.objects.create(card=card, bin_number=f"40504{len(attempts)}")
        if len(attempts) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return "written"

    assert write_batch(write, lock="test") == "written"
    assert attempts == [1, 2]
    assert list(BinNumber.objects.values_list("bin_number", flat=True)) == ["405042"]


def test_an_error_that_is_not_a_conflict_is_not_retried():
    attempts = []

    def write():
        attempts.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        write_batch(write, lock="test")
    assert attempts == [1]


def test_a_bin_created_between_the_check_and_the_insert_is_reported_as_taken(monkeypatch):
    """Another request adds 405041 after the batch looked for taken BINs: the insert breaks the
    unique constraint, and the batch, written again, reports the BIN instead of failing."""
    card = CardFactory()
    other = BinNumberFactory(
        bin_number="405041",
        card=CardFactory(channel=card.channel, slug="world", card_payment_type="debit"),
    )
    real_taken = BinNumberService._taken
    looks = []

    def taken_without_the_newcomer_at_first(self, card, bin_numbers):
        looks.append(sorted(bin_numbers))
        found = real_taken(self, card, bin_numbers)
        return {} if len(looks) == 1 else found

    monkeypatch.setattr(BinNumberService, "_taken", taken_without_the_newcomer_at_first)

    report = BinNumberService().bulk_create(card, [(1, "405040"), (2, "405041")], UploadReport())

    assert looks == [["405040", "405041"], ["405040", "405041"]]
    assert report.answer == {
        "405040": "created",
        "405041": f"BIN 405041 already belongs to card world (pk {other.card_id}) on this channel.",
    }
    assert BinNumber.objects.filter(card=card).count() == 1


def test_the_sql_insert_records_history_as_simple_history_does(admin_user):
    """BIN rows and their history go in by SQL alone (one statement on PostgreSQL, two on
    SQLite); what it records must stay what simple_history's `bulk_create_with_history`
    records."""
    card = CardFactory()
    insert_with_history(
        BinNumber,
        "bin_number",
        ["111111"],
        {"card": card, "channel": card.channel},
        user=admin_user,
    )
    bulk_create_with_history(
        [BinNumber(bin_number="222222", card=card, channel=card.channel)],
        BinNumber,
        default_user=admin_user,
        default_change_reason="CSV upload",
    )

    varying = {"id", "history_id", "history_date", "created_date", "modified_date", "bin_number"}
    ours, theirs = (
        {key: value for key, value in row.items() if key not in varying}
        for row in BinNumber.history.order_by("bin_number").values()
    )
    assert ours == theirs
    assert ours["history_type"] == "+"
    assert ours["history_user_id"] == admin_user.pk


def test_existing_keys_gives_the_card_of_each_bin_the_channel_has_among_those_asked():
    card = CardFactory()
    other = CardFactory(channel=card.channel, slug="world", card_payment_type="debit")
    BinNumberFactory(card=card, bin_number="405040")
    BinNumberFactory(card=other, bin_number="40504012")
    BinNumberFactory(card=CardFactory(), bin_number="554960")  # another channel's

    found = existing_keys(
        BinNumber,
        "bin_number",
        ["405040", "40504012", "554960", "000000"],
        {"channel": card.channel},
        value_of="card",
    )

    assert found == {"405040": card.pk, "40504012": other.pk}


def test_the_sql_delete_records_history_as_simple_history_does(admin_user):
    """A card's BINs are deleted and recorded by SQL alone; what it records must stay what
    simple_history records when one BIN is deleted on its own."""
    card = CardFactory()
    alone, with_others = (BinNumberFactory(card=card) for _ in range(2))
    BinNumberService(user=admin_user).delete(alone)

    deleted = delete_with_history(BinNumber.objects.filter(pk=with_others.pk), user=admin_user)

    varying = {"id", "history_id", "history_date", "created_date", "modified_date", "bin_number"}
    theirs, ours = (
        {key: value for key, value in row.items() if key not in varying}
        for row in BinNumber.history.filter(history_type="-").order_by("history_id").values()
    )
    assert deleted == 1
    assert ours == theirs
    assert ours["history_user_id"] == admin_user.pk


def test_rows_others_refer_to_are_not_deleted_behind_the_collectors_back():
    with pytest.raises(AssertionError, match="Card rows are referred to by"):
        delete_with_history(Card.objects.all(), user=None)
