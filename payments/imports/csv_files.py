"""
A CSV file checked as a whole, then read row by row (the rules are in the package docstring).

`CsvFile` reads its bytes once through at opening, to refuse what is not CSV text before any
row is used, and again from the start each time `rows()` is iterated; the file must therefore
be seekable, as Django's uploaded files and files on disk are. `bank_records` and
`bin_number_values` turn its rows into what each upload needs.
"""

import codecs
import csv
import io
import re

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from omnitron.errors import FileError, FileTooLargeError

CHUNK_BYTES = 64 * 1024
DELIMITERS = (";", ",")  # the first wins a tie; see the package docstring
# C0 control bytes other than tab, LF and CR never occur in CSV text; NUL marks binary files
# (xlsx, images) and UTF-16 text, both of which would otherwise decode as Windows-1254 garbage.
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_SEPARATOR_LINE = re.compile(r"\A\s*sep=(.)\s*\Z", re.IGNORECASE)
BANK_FIELDS = ("name", "slug", "eft_code", "logo")
BANK_REQUIRED = ("name",)
BIN_NUMBER_HEADERS = ("bin_number", "bin")

FILE_NOT_FOUND = "File not found please provide an appropriate file"
MULTIPART_ENVELOPE = 64 * 1024  # boundaries, part headers and other form fields


class CsvFile:
    """The CSV text of the seekable binary file `binary`.

    Opening it refuses, with a `FileError`, a file larger than `max_bytes` (`file_100_3`), one
    that is not UTF-8 or Windows-1254 text, holds binary bytes or has no row (`file_100_2`).
    Afterwards `encoding`, `delimiter`, `size`, `line_count` and `header` (the first non-blank
    row as `(line, cells)`) describe it, and `rows()` reads it.
    """

    def __init__(self, binary, *, max_bytes=None):
        self.binary = binary
        self.size, self.line_count, self.encoding = self._check_bytes(max_bytes)
        self.delimiter, self.separator_line = self._sniff_delimiter()
        self.header = next(self.rows(), None)
        if self.header is None:
            raise FileError("The file is empty: it has no rows.", "file_100_2")

    def rows(self):
        """Yield `(line, cells)` for every row that has a non-blank cell, cells stripped."""
        with self._text() as text:
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                for cells in reader:
                    if reader.line_num == self.separator_line:
                        continue
                    cells = [cell.strip() for cell in cells]
                    if any(cells):
                        yield reader.line_num, cells
            except csv.Error as exc:
                # Only a field over csv.field_size_limit() gets here: the reader is not strict.
                raise FileError(
                    f"The file is not CSV text: line {reader.line_num}: {exc}.", "file_100_2"
                ) from None

    def _check_bytes(self, max_bytes):
        """Read the file through once: its size, line count and encoding, or a refusal."""
        self.binary.seek(0)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        utf8_error = cp1254_error = None
        size = lines = 0
        has_bom = self.binary.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
        self.binary.seek(0)

        while chunk := self.binary.read(CHUNK_BYTES):
            offset, size = size, size + len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise FileTooLargeError(max_bytes)
            control = CONTROL_BYTES.search(chunk)
            if control:
                raise FileError(
                    f"The file is not CSV text: it holds the binary byte "
                    f"0x{control.group()[0]:02x} at offset {offset + control.start()} (is it a "
                    f"spreadsheet, an image or UTF-16 text? Save it as CSV).",
                    "file_100_2",
                )
            lines += chunk.count(b"\n") or chunk.count(b"\r")
            if utf8_error is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8_error = offset + exc.start
            if cp1254_error is None:
                try:
                    chunk.decode("cp1254")
                except UnicodeDecodeError as exc:
                    cp1254_error = offset + exc.start
        if utf8_error is None:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_error = size

        if utf8_error is None:
            return size, lines, "utf-8-sig"
        if has_bom:
            raise FileError(
                f"The file starts as UTF-8 (byte-order mark) but is not valid UTF-8 at offset "
                f"{utf8_error}.",
                "file_100_2",
            )
        if cp1254_error is None:
            return size, lines, "cp1254"
        raise FileError(
            f"The file is not CSV text: it is neither UTF-8 (invalid at offset {utf8_error}) "
            f"nor Windows-1254 (invalid at offset {cp1254_error}).",
            "file_100_2",
        )

    def _sniff_delimiter(self):
        """The delimiter, from the first non-blank line, and the line of a `sep=` line if any."""
        with self._text() as text:
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                named = EXCEL_SEPARATOR_LINE.match(line)
                if named:
                    return named.group(1), number
                widths = {d: len(next(csv.reader([line], delimiter=d))) for d in DELIMITERS}
                return max(DELIMITERS, key=lambda d: widths[d]), None
        return DELIMITERS[0], None

    def _text(self):
        self.binary.seek(0)
        return _Text(self.binary, self.encoding)


class _Text(io.TextIOWrapper):
    """The decoded, line-by-line view of a binary file that leaves the file open when done.

    `newline=""` splits lines at CRLF, LF or CR alike and hands them to the csv reader as they
    are, which is what the csv module asks for (quoted fields may hold line breaks).
    """

    def __init__(self, binary, encoding):
        super().__init__(binary, encoding=encoding, newline="")

    def __exit__(self, *exc_info):
        # A request that failed may have closed its upload before a row generator is finalized.
        if not self.buffer.closed:
            self.detach()


def refuse_oversized_request(request):
    """Refuse (`file_100_3`) a request whose declared length is over the upload limit by more
    than a multipart envelope could explain, before its body is read: Django would otherwise
    spool all of it to disk first, and only then could the file's size be checked."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > settings.UPLOAD_MAX_BYTES + MULTIPART_ENVELOPE:
        raise FileTooLargeError(settings.UPLOAD_MAX_BYTES)


def open_upload(upload, *, max_bytes=None):
    """The `CsvFile` of the uploaded file `upload` (from `request.FILES`, maybe None).

    A missing file, or a form field that is not a file, is `file_100_1`. The size is checked
    from the upload's length before a byte is read.
    """
    if not isinstance(upload, UploadedFile):
        raise FileError(FILE_NOT_FOUND, "file_100_1")
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if upload.size is not None and upload.size > max_bytes:
        raise FileTooLargeError(max_bytes)
    return CsvFile(upload.file, max_bytes=max_bytes)


def bank_records(csv_file):
    """Yield `(line, {field: value})` for every row of a bank file, by its header.

    The header must name `name`; `slug`, `eft_code` and `logo` are read when present (a field
    left out is an empty string) and other columns are ignored. A file without such a header is
    refused as a whole (`file_100_2`) before any row is read.
    """
    header_line, header = csv_file.header
    columns = {}
    for position, cell in enumerate(header):
        columns.setdefault(column_name(cell), position)
    missing = [field for field in BANK_REQUIRED if field not in columns]
    if missing:
        raise FileError(
            f"The first line must be a header naming the columns {', '.join(BANK_FIELDS)} "
            f"(only {', '.join(BANK_REQUIRED)} required); it has: {', '.join(header)}.",
            "file_100_2",
        )
    positions = {field: columns[field] for field in BANK_FIELDS if field in columns}
    return (
        (line, {field: cell_at(cells, position) for field, position in positions.items()})
        for line, cells in csv_file.rows()
        if line != header_line
    )


def bin_number_values(csv_file):
    """Yield `(line, value)` for every row of a BIN file: the value of its BIN column.

    When the first row names a `bin_number` or `BIN` column it is a header and that column is
    read; otherwise every row is data and the first column is read.
    """
    header_line, header = csv_file.header
    names = [column_name(cell) for cell in header]
    column = next((i for i, name in enumerate(names) if name in BIN_NUMBER_HEADERS), None)
    if column is None:
        header_line, column = None, 0
    return (
        (line, cell_at(cells, column)) for line, cells in csv_file.rows() if line != header_line
    )


def column_name(cell):
    """A header cell as a field name: `BIN Number` and `bin-number` are `bin_number`."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def cell_at(cells, position):
    return cells[position] if position < len(cells) else ""
