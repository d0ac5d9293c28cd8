"""`manage.py import_bin_numbers`: a card's BINs from a file on disk, with a progress bar."""

import io

import pytest
from django.core.management import CommandError, call_command

from payments.models import BinNumber
from payments.services import bin_numbers
from payments.tests.factories import BinNumberFactory, CardFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bin_numbers", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_public_turkish_bin_list_is_imported_with_a_progress_bar(shared_data):
    card = CardFactory()
    path = shared_data / "data/turkey_bin_list.csv"

    out, err = run("--card", card.pk, path)

    assert out == f"{path}: 1875 rows: 1875 created, 0 refused.\n"
    assert "1876/1876" in err
    assert BinNumber.objects.filter(card=card).count() == 1875


def test_refused_rows_are_printed_and_the_good_ones_imported(tmp_path, admin_user):
    card = CardFactory()
    BinNumberFactory(card=card, bin_number="405041")
    path = tmp_path / "bins.csv"
    path.write_bytes(b"BIN;Issuer\r\n405040;AKBANK\r\n12345;X\r\n405041;Y\r\n405040;Z\r\n")

    out, _err = run("--card", card.pk, "--user", "root", path)

    assert out == (
        "line 3: 12345: A BIN is exactly 6 or 8 digits (0-9).\n"
        "line 4: 405041: BIN 405041 is already on this card.\n"
        "line 5: 405040: Duplicate: the same BIN is on line 2 of this file.\n"
        f"{path}: 4 rows: 1 created, 3 refused.\n"
    )
    created = BinNumber.history.get(bin_number="405040")
    assert (created.history_user, created.history_change_reason) == (admin_user, "CSV upload")


def test_a_bin_repeated_in_a_later_batch_is_refused_as_already_on_the_card(tmp_path, monkeypatch):
    # Batches of 2 rows: the command keeps no BIN beyond its batch, the database check finds it.
    monkeypatch.setattr(bin_numbers, "BATCH_SIZE", 2)
    card = CardFactory()
    path = tmp_path / "bins.csv"
    # Lines 1-2, 3-4 and 5 are the batches.
    path.write_bytes(b"405040\n405041\n405042\n405042\n405040\n")

    out, _err = run("--card", card.pk, path)

    assert out == (
        "line 4: 405042: Duplicate: the same BIN is on line 3 of this file.\n"
        "line 5: 405040: BIN 405040 is already on this card.\n"
        f"{path}: 5 rows: 3 created, 2 refused.\n"
    )
    assert sorted(BinNumber.objects.filter(card=card).values_list("bin_number", flat=True)) == [
        "405040",
        "405041",
        "405042",
    ]


def test_a_file_that_is_not_csv_text_is_refused(tmp_path):
    path = tmp_path / "bins.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00")

    with pytest.raises(CommandError) as caught:
        run("--card", CardFactory().pk, path)

    assert str(caught.value) == (
        f"{path}: The file is not CSV text: it holds the binary byte 0x03 at offset 2 (is it a "
        "spreadsheet, an image or UTF-16 text? Save it as CSV)."
    )


def test_an_unknown_card_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"There is no card with id 999999\."):
        run("--card", 999999, tmp_path / "bins.csv")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(
        CommandError, match=r"Cannot read .*missing\.csv: No such file or directory\."
    ):
        run("--card", CardFactory().pk, tmp_path / "missing.csv")
