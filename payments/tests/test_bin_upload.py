"""Uploading a card's BINs from CSV files: the real public BIN list, and hand-made files with
each defect real files have."""

import threading

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.parsers import MultiPartParser

from conftest import grant, token_client
from payments.models import BinNumber
from payments.tests.factories import BinNumberFactory, CardFactory

pytestmark = pytest.mark.django_db

INVALID = "A BIN is exactly 6 or 8 digits (0-9)."


def upload_url(card):
    return f"/api/v1/cards/{card.pk}/bin_numbers/bulk_create/"


def upload(client, card, content, name="bins.csv"):
    return client.post(
        upload_url(card),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
    )


def stored(card):
    return sorted(BinNumber.objects.filter(card=card).values_list("bin_number", flat=True))


@pytest.fixture
def card():
    return CardFactory(slug="bonus-credit")


@pytest.fixture
def real_bin_list(shared_data):
    return (shared_data / "data/turkey_bin_list.csv").read_bytes()


class TestRealBinList:
    def test_every_row_of_the_public_turkish_bin_list_is_created(self, api, card, real_bin_list):
        response = upload(api, card, real_bin_list)

        assert response.status_code == 200
        answer = response.json()
        assert len(answer) == 1875
        assert set(answer.values()) == {"created"}
        assert list(answer)[:3] == ["405040", "410431", "413791"]
        assert BinNumber.objects.filter(card=card).count() == 1875
        assert BinNumber.objects.filter(bin_number="979206", card=card).exists()

    def test_the_created_bins_are_recorded_in_history_with_the_uploader(
        self, api, admin_user, card, real_bin_list
    ):
        upload(api, card, real_bin_list)

        history = BinNumber.history.filter(card=card)
        assert history.count() == 1875
        assert set(history.values_list("history_type", "history_user__username")) == {("+", "root")}
        assert set(history.values_list("history_change_reason", flat=True)) == {"CSV upload"}

    def test_a_second_upload_reports_every_row_as_already_on_the_card(
        self, api, card, real_bin_list
    ):
        upload(api, card, real_bin_list)

        answer = upload(api, card, real_bin_list).json()

        assert len(answer) == 1875
        assert answer["405040"] == "BIN 405040 is already on this card."
        assert all(status.endswith("is already on this card.") for status in answer.values())
        assert BinNumber.objects.filter(card=card).count() == 1875

    def test_bins_on_another_card_of_the_channel_are_refused_with_that_card(
        self, api, card, real_bin_list
    ):
        other = CardFactory(channel=card.channel, slug="world", card_payment_type="debit")
        upload(api, other, real_bin_list)

        answer = upload(api, card, real_bin_list).json()

        assert answer["554960"] == (
            f"BIN 554960 already belongs to card world (pk {other.pk}) on this channel."
        )
        assert list(answer.values()).count("created") == 0
        assert BinNumber.objects.filter(card=card).count() == 0

    def test_the_same_bins_on_another_channel_are_created(self, api, card, real_bin_list):
        upload(api, CardFactory(), real_bin_list)

        answer = upload(api, card, real_bin_list).json()

        assert set(answer.values()) == {"created"}


class TestBatches:
    def test_six_thousand_rows_are_written_in_batches_not_row_by_row(self, api, card):
        content = "".join(f"{40000000 + n}\n" for n in range(6000)).encode()

        with CaptureQueriesContext(connection) as queries:
            response = upload(api, card, content)

        assert response.status_code == 200
        assert BinNumber.objects.filter(card=card).count() == 6000
        # Row by row would be 6,000 inserts and as many history rows. PostgreSQL needs 20
        # queries (5 a batch of 2,000); SQLite 110, its bulk inserts split at 999 parameters.
        assert len(queries) <= 120


class TestRowDefects:
    def test_leading_zeros_are_kept(self, api, card):
        answer = upload(api, card, b"bin_number\n012345\n00123456\n").json()

        assert answer == {"012345": "created", "00123456": "created"}
        assert stored(card) == ["00123456", "012345"]

    def test_a_bin_of_the_wrong_length_is_refused_and_the_good_rows_are_stored(self, api, card):
        answer = upload(api, card, b"405040\n12345\n1234567\n123456789\n40504012\n").json()

        assert answer == {
            "405040": "created",
            "12345": INVALID,
            "1234567": INVALID,
            "123456789": INVALID,
            "40504012": "created",
        }
        assert stored(card) == ["405040", "40504012"]

    def test_non_ascii_digits_are_refused(self, api, card):
        content = "٥٥٤٩٦٠\n５５４９６０\n554960\n".encode()

        answer = upload(api, card, content).json()

        assert answer == {"٥٥٤٩٦٠": INVALID, "５５４９６０": INVALID, "554960": "created"}
        assert stored(card) == ["554960"]

    def test_letters_and_spreadsheet_numbers_are_refused(self, api, card):
        answer = upload(api, card, b"40504O\n405040.0\n4.0504E+05\n").json()

        assert answer == {"40504O": INVALID, "405040.0": INVALID, "4.0504E+05": INVALID}

    def test_a_duplicate_in_the_file_is_reported_on_its_second_occurrence(self, api, card):
        answer = upload(api, card, b"bin_number\n405040\n405041\n405040\n").json()

        assert answer == {
            "405040": "created",
            "405041": "created",
            "405040 (line 4)": "Duplicate: the same BIN is on line 2 of this file.",
        }
        assert stored(card) == ["405040", "405041"]

    def test_a_duplicate_in_another_batch_of_the_file_is_reported(self, api, card):
        rows = [f"{400000 + n}" for n in range(2500)] + ["400001"]
        content = ("\n".join(rows) + "\n").encode()

        answer = upload(api, card, content).json()

        assert answer["400001 (line 2501)"] == "Duplicate: the same BIN is on line 2 of this file."
        assert BinNumber.objects.filter(card=card).count() == 2500

    def test_blank_and_whitespace_only_lines_are_skipped(self, api, card):
        content = b"405040\r\n\r\n   \r\n\t\r\n 405041 \r\n;;\r\n"

        answer = upload(api, card, content).json()

        assert answer == {"405040": "created", "405041": "created"}

    def test_cr_only_line_ends_are_lines(self, api, card):
        assert upload(api, card, b"405040\r405041\r").json() == {
            "405040": "created",
            "405041": "created",
        }

    def test_quoted_fields_may_hold_the_delimiter(self, api, card):
        content = (
            b'BIN;Network;Issuer\r\n"405040";"VISA";"GARANTI; A.S."\r\n'
            b'405041;VISA;"IS BANKASI, A.S."\r\n'
        )

        answer = upload(api, card, content).json()

        assert answer == {"405040": "created", "405041": "created"}

    def test_a_comma_separated_file_with_quoted_commas_is_read_by_its_first_column(self, api, card):
        content = b'405040,VISA,"TURKIYE IS BANKASI, A.S."\n405041,VISA,"AKBANK, T.A.S."\n'

        answer = upload(api, card, content).json()

        assert answer == {"405040": "created", "405041": "created"}

    def test_a_bin_column_named_in_the_header_is_read_wherever_it_stands(self, api, card):
        content = b"Bank,BIN Number,Network\nAkbank,405040,VISA\nGaranti,405041,VISA\n"

        answer = upload(api, card, content).json()

        assert answer == {"405040": "created", "405041": "created"}

    def test_a_header_that_names_no_bin_column_is_reported_as_a_row(self, api, card):
        answer = upload(api, card, b"Kart No;Banka\n405040;Akbank\n").json()

        assert answer == {"Kart No": INVALID, "405040": "created"}

    def test_a_windows_1254_file_with_turkish_bank_names_is_read(self, api, card):
        content = "BIN;Banka\r\n405040;Türkiye İş Bankası\r\n405041;Şekerbank\r\n".encode("cp1254")

        answer = upload(api, card, content).json()

        assert answer == {"405040": "created", "405041": "created"}

    def test_an_excel_separator_line_names_the_delimiter(self, api, card):
        content = b"sep=,\nBIN,Issuer\n405040,GARANTI; A.S.\n"

        assert upload(api, card, content).json() == {"405040": "created"}

    def test_a_bin_of_this_card_and_one_of_another_card_are_told_apart(self, api, card):
        BinNumberFactory(card=card, bin_number="405040")
        other = BinNumberFactory(
            card=CardFactory(channel=card.channel, slug="axess", card_payment_type="debit"),
            bin_number="405041",
        )

        answer = upload(api, card, b"405040\n405041\n405042\n").json()

        assert answer == {
            "405040": "BIN 405040 is already on this card.",
            "405041": f"BIN 405041 already belongs to card axess (pk {other.card_id}) on this "
            "channel.",
            "405042": "created",
        }


class TestWholeFileRefusals:
    def test_no_file_is_file_100_1(self, api, card):
        response = api.post(upload_url(card), {}, format="multipart")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "File not found please provide an appropriate file",
            "error_code": "file_100_1",
        }

    def test_a_text_field_instead_of_a_file_is_file_100_1(self, api, card):
        response = api.post(upload_url(card), {"file": "405040"}, format="multipart")

        assert response.status_code == 406
        assert response.json()["error_code"] == "file_100_1"

    @pytest.mark.parametrize("body", [{"file": "405040"}, ["405040"]], ids=["object", "list"])
    def test_a_json_body_is_file_100_1(self, api, card, body):
        response = api.post(upload_url(card), body, format="json")

        assert response.status_code == 406
        assert response.json()["error_code"] == "file_100_1"

    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the binary byte 0x1a at offset 6"),
            (b"PK\x03\x04\x14\x00\x06\x00", "the binary byte 0x03 at offset 2"),
            ("405040\n".encode("utf-16"), "the binary byte 0x00 at offset 3"),
        ],
        ids=["png", "xlsx", "utf-16"],
    )
    def test_binary_content_is_file_100_2(self, api, card, content, reason):
        response = upload(api, card, content + b"405040\n")

        assert response.status_code == 406
        assert response.json()["error_code"] == "file_100_2"
        assert reason in response.json()["non_field_errors"]
        assert stored(card) == []

    def test_text_in_neither_utf8_nor_windows_1254_is_file_100_2(self, api, card):
        response = upload(api, card, b"405040\n405041 \x81\x8d\n")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The file is not CSV text: it is neither UTF-8 (invalid at "
            "offset 14) nor Windows-1254 (invalid at offset 14).",
            "error_code": "file_100_2",
        }
        assert stored(card) == []

    def test_a_utf8_byte_order_mark_before_invalid_utf8_is_file_100_2(self, api, card):
        response = upload(api, card, b"\xef\xbb\xbf405040\n\xfe\n")

        assert response.status_code == 406
        assert response.json()["non_field_errors"] == (
            "The file starts as UTF-8 (byte-order mark) but is not valid UTF-8 at offset 10."
        )

    @pytest.mark.parametrize("content", [b"", b"\r\n  \r\n\t\n", b"\xef\xbb\xbf"])
    def test_a_file_without_rows_is_file_100_2(self, api, card, content):
        response = upload(api, card, content)

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The file is empty: it has no rows.",
            "error_code": "file_100_2",
        }

    def test_a_field_too_long_for_csv_refuses_the_file_and_writes_nothing(self, api, card):
        content = b"405040\n405041\n" + b'"' + b"4" * 200_000 + b'"\n'

        response = upload(api, card, content)

        assert response.status_code == 406
        assert response.json()["error_code"] == "file_100_2"
        assert "line 3" in response.json()["non_field_errors"]
        assert stored(card) == []

    @override_settings(UPLOAD_MAX_BYTES=20)
    def test_a_file_over_the_size_limit_is_file_100_3(self, api, card):
        response = upload(api, card, b"405040\n405041\n405042\n")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The file is larger than the upload limit of 20 bytes.",
            "error_code": "file_100_3",
        }
        assert stored(card) == []

    @override_settings(UPLOAD_MAX_BYTES=1000)
    def test_a_request_far_over_the_size_limit_is_refused_before_its_body_is_read(
        self, api, card, monkeypatch
    ):
        def parse(*args, **kwargs):
            raise AssertionError("the body was parsed")

        monkeypatch.setattr(MultiPartParser, "parse", parse)

        response = upload(api, card, b"405040\n" * 20_000)

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The file is larger than the upload limit of 1,000 bytes.",
            "error_code": "file_100_3",
        }

    @override_settings(UPLOAD_MAX_BYTES=2000, DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_a_file_over_what_any_request_may_carry_is_file_100_3_too(self, api, card):
        # 50 KB is over the 3,000 bytes any multipart request may bring (the upload limit and
        # the form allowance): refused before the view, with the upload endpoint's answer.
        response = upload(api, card, b"405040\n" * 7_000)

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The file is larger than the upload limit of 2,000 bytes.",
            "error_code": "file_100_3",
        }
        assert stored(card) == []

    @override_settings(UPLOAD_MAX_BYTES=21)
    def test_a_file_of_exactly_the_size_limit_is_accepted(self, api, card):
        response = upload(api, card, b"405040\n405041\n405042\n")

        assert response.status_code == 200
        assert stored(card) == ["405040", "405041", "405042"]


class TestAccess:
    def test_adding_bins_needs_the_add_binnumber_permission_only(self, card):
        user = grant(User.objects.create_user("uploader"), "payments.add_binnumber")

        response = upload(token_client(user), card, b"405040\n")

        assert response.status_code == 200
        assert stored(card) == ["405040"]

    def test_a_user_without_add_binnumber_is_refused(self, card):
        user = grant(User.objects.create_user("viewer"), "payments.view_card", "payments.add_card")

        response = upload(token_client(user), card, b"405040\n")

        assert response.status_code == 403
        assert stored(card) == []

    def test_an_anonymous_upload_is_refused(self, anonymous, card):
        assert upload(anonymous, card, b"405040\n").status_code == 401

    def test_an_unknown_card_is_404(self, api):
        response = api.post(
            "/api/v1/cards/999999/bin_numbers/bulk_create/",
            {"file": SimpleUploadedFile("bins.csv", b"405040\n")},
            format="multipart",
        )

        assert response.status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestConcurrentUploads:
    def upload_at_once(self, admin_user, card, contents):
        """Upload each of `contents` from its own thread, all released together."""
        start = threading.Barrier(len(contents))
        answers = [None] * len(contents)

        def run(index):
            try:
                start.wait()
                response = upload(token_client(admin_user), card, contents[index])
                answers[index] = (response.status_code, response.json())
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(contents))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    @pytest.mark.parametrize("order", ["same", "reversed"])
    def test_two_uploads_of_the_same_bins_create_each_bin_once(self, admin_user, order):
        card = CardFactory()
        bins = [f"{500000 + n}" for n in range(6000)]
        first = ("\n".join(bins) + "\n").encode()
        second = ("\n".join(bins if order == "same" else reversed(bins)) + "\n").encode()

        answers = self.upload_at_once(admin_user, card, [first, second])

        assert [status for status, _answer in answers] == [200, 200]
        created = [b for _s, a in answers for b, status in a.items() if status == "created"]
        assert sorted(created) == bins
        already = [
            b
            for _s, a in answers
            for b, status in a.items()
            if status == f"BIN {b} is already on this card."
        ]
        assert sorted(already) == bins
        assert BinNumber.objects.filter(card=card).count() == 6000
        assert BinNumber.history.filter(card=card).count() == 6000
