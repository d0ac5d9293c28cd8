"""The CSV reader of uploads: encodings, delimiters, lines, headers, and the answer's keys."""

import io

import pytest

from omnitron.errors import FileError, FileTooLargeError
from payments.imports import CsvFile, UploadReport, bank_records, bin_number_values
from payments.imports.csv_files import column_name


def read(content, **kwargs):
    return CsvFile(io.BytesIO(content), **kwargs)


class TestCsvFile:
    def test_the_real_bin_list_is_utf8_with_semicolons(self, shared_data):
        with (shared_data / "data/turkey_bin_list.csv").open("rb") as binary:
            csv_file = CsvFile(binary)

            assert (csv_file.encoding, csv_file.delimiter) == ("utf-8-sig", ";")
            assert csv_file.header == (1, ["BIN", "Network", "Type", "Category", "Issuer"])
            assert csv_file.line_count == 1876
            assert list(csv_file.rows())[-1][0] == 1876

    def test_bytes_that_are_not_utf8_are_read_as_windows_1254(self):
        csv_file = read("name\nTürkiye İş Bankası\n".encode("cp1254"))

        assert csv_file.encoding == "cp1254"
        assert list(csv_file.rows()) == [(1, ["name"]), (2, ["Türkiye İş Bankası"])]

    @pytest.mark.parametrize(
        ("first_line", "delimiter"),
        [
            (b"name,slug,eft_code", ","),
            (b"BIN;Network;Issuer", ";"),
            (b"405040;VISA;GARANTI BANKASI, A.S.", ";"),
            (b'"BANK; A.S.",name,slug', ","),
            (b"a,b;c", ";"),
            (b"405040", ";"),
        ],
    )
    def test_the_delimiter_is_the_one_that_splits_the_first_line_more(self, first_line, delimiter):
        assert read(first_line + b"\n").delimiter == delimiter

    def test_the_first_line_counted_is_the_first_non_blank_one(self):
        assert read(b"\r\n  \r\nname,slug\r\n").delimiter == ","

    def test_rows_carry_their_physical_line_numbers(self):
        content = b'name;note\r\n\r\nAkbank;"two\r\nlines"\r\n   \r\nGaranti;x\r\n'

        assert list(read(content).rows()) == [
            (1, ["name", "note"]),
            (4, ["Akbank", "two\r\nlines"]),
            (6, ["Garanti", "x"]),
        ]

    def test_rows_can_be_read_again_and_the_file_stays_open(self):
        binary = io.BytesIO(b"405040\n405041\n")
        csv_file = CsvFile(binary)

        assert list(csv_file.rows()) == list(csv_file.rows()) == [(1, ["405040"]), (2, ["405041"])]
        assert not binary.closed

    def test_the_size_limit_is_checked_while_reading(self):
        with pytest.raises(FileError) as caught:
            read(b"405040\n" * 10, max_bytes=69)

        assert (caught.value.code, caught.value.message) == (
            "file_100_3",
            "The file is larger than the upload limit of 69 bytes.",
        )

    def test_a_limit_in_megabytes_is_also_given_in_megabytes(self):
        assert FileTooLargeError(10 * 1024 * 1024).message == (
            "The file is larger than the upload limit of 10,485,760 bytes (10 MB)."
        )


class TestColumns:
    @pytest.mark.parametrize(
        "cell", ["bin_number", "BIN Number", " bin-number ", "Bin  Number", "BIN_NUMBER"]
    )
    def test_header_names_match_whatever_their_case_spaces_and_hyphens(self, cell):
        assert column_name(cell) == "bin_number"

    def test_bank_records_give_every_field_named_and_ignore_other_columns(self):
        csv_file = read(b"source_id,Name,EFT Code,web\n1,Akbank,0046,http://akbank.com\n2,Ziraat\n")

        assert list(bank_records(csv_file)) == [
            (2, {"name": "Akbank", "eft_code": "0046"}),
            (3, {"name": "Ziraat", "eft_code": ""}),
        ]

    def test_bin_values_come_from_the_first_column_without_a_bin_header(self):
        csv_file = read(b"405040;VISA\n;VISA\n405041\n")

        assert list(bin_number_values(csv_file)) == [(1, "405040"), (2, ""), (3, "405041")]


class TestUploadReport:
    def test_a_key_met_again_is_suffixed_with_its_line(self):
        report = UploadReport()
        report.add(2, "405040", "created")
        report.add(5, "405040", "Duplicate: the same BIN is on line 2 of this file.")
        report.add(6, "12345", "A BIN is exactly 6 or 8 digits (0-9).")

        assert report.answer == {
            "405040": "created",
            "405040 (line 5)": "Duplicate: the same BIN is on line 2 of this file.",
            "12345": "A BIN is exactly 6 or 8 digits (0-9).",
        }
        assert (report.rows, report.created, report.refused) == (3, 1, 2)
