"""
Reading the CSV files that banks and BIN lists arrive in.

People export these files from Excel and from bank portals, so the reader takes them as they
come rather than as a CSV library would like them:

- **Encoding.** UTF-8, with or without a byte-order mark. A file that is not valid UTF-8 is read
  as Windows-1254 (Turkish Excel's "CSV" is in that code page). Bytes that are neither, and
  control bytes other than tab, CR and LF (NUL, as in binary files and UTF-16 text), refuse the
  whole file as not CSV text (`file_100_2`).
- **Delimiter.** `;` or `,`, decided once from the first non-blank line: the one that splits it
  into more fields (quotes respected) wins, `;` on a tie, because commas are common inside
  Turkish bank names ("... BANKASI, A.S.") and semicolons are not. A first line `sep=;` (which
  Excel writes and reads) names the delimiter itself.
- **Lines.** CRLF, LF and CR line ends; quoted fields may hold delimiters, quotes (`""`) and
  line breaks. Every cell is stripped of surrounding whitespace, and a row whose cells are all
  empty is skipped, so blank and whitespace-only lines cost nothing.
- **Line numbers** are the file's physical lines, counting from 1 with the header; an answer or
  a message that names a line means that one.
- **Size.** An upload larger than `settings.UPLOAD_MAX_BYTES` is refused whole (`file_100_3`),
  from the request's declared length when it tells, before the body is read.
- **Columns.** A bank file starts with a header naming Bank fields (`name` required; `slug`,
  `eft_code`, `logo` optional); other columns are ignored, so a wider spreadsheet uploads as it
  is. A BIN file may be one bare column of BINs, or any spreadsheet whose first line names a
  `bin_number` or `BIN` column, which is then read; with no such header every row is data and
  the BIN is its first column (the rest is ignored). Header names match case-insensitively,
  with spaces and hyphens read as underscores (`BIN Number` is `bin_number`).

Whole-file checks (size, encoding, binary content, the header) all happen in `open_upload` /
`CsvFile`, before a single row reaches a service, so a refused file writes nothing. The rows
themselves are streamed: the file is read through an incremental decoder, never held whole
in memory, and a spooled upload stays on disk.
"""

from payments.imports.csv_files import (
    CsvFile,
    bank_records,
    bin_number_values,
    open_upload,
    refuse_oversized_request,
)
from payments.imports.report import ImportTally, UploadReport

__all__ = [
    "CsvFile",
    "ImportTally",
    "UploadReport",
    "bank_records",
    "bin_number_values",
    "open_upload",
    "refuse_oversized_request",
]
