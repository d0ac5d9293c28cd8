"""`manage.py import_bin_numbers --card <id> <path>`: import a card's BINs from a CSV file on disk.

For files too large to upload: no size limit, a progress bar, and each batch committed as it
is written, so an import that stops half-way can simply be run again (the BINs it wrote are
then reported as already on the card). Memory stays flat however long the file: a BIN that
repeats one from an earlier batch of 2,000 rows is reported as already on the card rather
than by the line it repeats. The file is read by the same rules as an upload (see
`payments.imports`) and written by the same service.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from omnitron.errors import FileError
from payments import imports
from payments.imports.report import CREATED
from payments.models import Card
from payments.services import BinNumberService


class Command(BaseCommand):
    help = "Import a card's BINs from a CSV file (one BIN per row, or a bin_number/BIN column)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file")
        parser.add_argument("--card", type=int, required=True, help="the card's id (pk)")
        parser.add_argument("--user", help="the user name the history records the import under")

    def handle(self, *args, path, card, user, **options):
        card = self._card(card)
        user = self._user(user)
        try:
            with path.open("rb") as binary:
                csv_file = imports.CsvFile(binary)
                with tqdm(
                    total=csv_file.line_count, unit=" rows", file=self.stderr, mininterval=0.5
                ) as progress:
                    report = _PrintedTally(self.stdout, progress)
                    rows = _counted(imports.bin_number_values(csv_file), progress)
                    BinNumberService(user=user).bulk_create(
                        card, rows, report, atomic=False, remember_lines=False
                    )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except FileError as exc:
            raise CommandError(f"{path}: {exc.message}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {report.rows} rows: {report.created} created, {report.refused} refused."
            )
        )

    def _card(self, pk):
        try:
            return Card.objects.select_related("channel").get(pk=pk)
        except Card.DoesNotExist:
            raise CommandError(f"There is no card with id {pk}.") from None

    def _user(self, username):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {username}.") from None


class _PrintedTally(imports.ImportTally):
    """Counts, and one printed line per refused row (above the progress bar)."""

    def __init__(self, stdout, progress):
        super().__init__()
        self.stdout = stdout
        self.progress = progress

    def record(self, line, key, status):
        if status != CREATED:
            with self.progress.external_write_mode(file=self.stdout):
                self.stdout.write(f"line {line}: {key}: {status}")


def _counted(rows, progress):
    """`rows`, moving the progress bar to each row's line as it is read."""
    for line, value in rows:
        progress.update(line - progress.n)
        yield line, value
    progress.update(max(progress.total - progress.n, 0))
