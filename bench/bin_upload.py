"""
Benchmark: a 100,000-row BIN file uploaded through the real endpoint, on PostgreSQL or SQLite.

    make bench-upload                                   # a throwaway database, dropped after
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/bin_upload.py
    .venv/bin/python bench/bin_upload.py --sqlite       # a throwaway SQLite file instead

It generates a BIN file shaped like the real Turkish list (UTF-8 with a BOM, CRLF, `;`, BIN
first, an issuer name with a comma), uploads it with Django's test client in this process
(authentication, multipart parsing, the view, the reader, the service and PostgreSQL; no web
server or network in between) and prints rows per second and memory:

- the upload timed on its own (no tracemalloc, which slows Python down);
- the process's peak RSS (`ru_maxrss`) before and after it;
- the peak of Python allocations during a second, traced upload of the same size (the answer
  itself, one entry per row, is part of it);
- the service alone as `manage.py import_bin_numbers` calls it (a counting report, batches
  committed on their own, no BIN kept beyond its batch) at a fifth of the rows and at all of
  them: the two peaks should be about the same, because the file is streamed and nothing is
  kept per row. (An upload keeps each BIN's first line for the whole file, to name it in a
  repeat's message, on top of its answer.)

Without `DATABASE_URL` it creates the database `bench_bin_upload_<pid>` on
postgres://postgres@127.0.0.1:5432 and drops it at the end; with it, the database is created
when missing and kept. With `--sqlite` it runs on an SQLite file in a temporary folder, with
the service's SQLite options (`make run`'s default database). Target: 100,000 rows in under
10 s on PostgreSQL on a 2-core machine.
"""

import argparse
import contextlib
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgres://postgres@127.0.0.1:5432"
ISSUERS = ["TURKIYE GARANTI BANKASI, A.S.", "AKBANK T.A.S.", "TURKIYE IS BANKASI, A.S."]
NETWORKS = ["VISA", "MASTERCARD", "TROY"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="on a throwaway SQLite file")
    arguments = parser.parse_args()

    with bench_database("bench_bin_upload", sqlite=arguments.sqlite) as database_url:
        run(database_url, arguments.rows)


def run(database_url, rows):
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(
        f"BIN upload benchmark: {database_version(connection)}, database "
        f"{connection.settings_dict['NAME']}, {os.cpu_count()} CPUs, Django test client in "
        f"process"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bins.csv"
        write_bin_file(path, rows)
        print(
            f"file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB "
            f"(UTF-8 with BOM, CRLF, ';', 5 columns)"
        )

        rss_before = max_rss_mb()
        seconds, created, _peak = upload(path, rows)
        rss_after = max_rss_mb()
        print(f"upload: {seconds:.2f} s, {rows / seconds:,.0f} rows/s, {created:,} created")
        print(
            f"peak RSS of the process: {rss_before:.0f} MB before, {rss_after:.0f} MB after "
            f"the upload"
        )

        _seconds, _created, peak = upload(path, rows, traced=True)
        print(
            f"peak Python allocations during an upload: {peak:.1f} MB (the test client's "
            f"request body and the answer included)"
        )

        for count in (rows // 5, rows):
            part = Path(folder) / f"bins-{count}.csv"
            write_bin_file(part, count)
            print(
                f"service alone, as the import command, {count:,} rows: peak Python allocations "
                f"{traced_service_import(part):.1f} MB"
            )


def upload(path, rows, traced=False):
    """Upload `path` for a fresh card: (seconds, rows created, peak MB of Python allocations
    during the request when `traced`, else None)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from payments.models import BinNumber

    card, user = fresh_card()
    client = APIClient()
    client.force_authenticate(user)
    with path.open("rb") as handle:
        upload_file = SimpleUploadedFile("bins.csv", handle.read(), "text/csv")
    peak = None
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.post(
        f"/api/v1/cards/{card.pk}/bin_numbers/bulk_create/",
        {"file": upload_file},
        format="multipart",
    )
    seconds = time.perf_counter() - started
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert response.status_code == 200, response.content[:500]
    created = sum(1 for status in response.json().values() if status == "created")
    assert created == rows == BinNumber.objects.filter(card=card).count()
    return seconds, created, peak


def traced_service_import(path):
    from payments import imports
    from payments.services import BinNumberService

    card, _user = fresh_card()
    tracemalloc.start()
    with path.open("rb") as binary:
        values = imports.bin_number_values(imports.CsvFile(binary))
        BinNumberService().bulk_create(
            card, values, imports.ImportTally(), atomic=False, remember_lines=False
        )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def fresh_card():
    """A card on a channel of its own (so every run starts with no BIN), and a superuser."""
    from django.contrib.auth import get_user_model

    from payments import models, secrets
    from payments.gateways import get_gateway
    from sales_channels.models import Channel

    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    channel = Channel.objects.create(name=f"Bench {tag}", channel_type="web")
    dummy = get_gateway("dummy")
    pos = models.Pos.objects.create(
        name="Bench POS",
        slug="bench-pos",
        gateway=dummy.value,
        config=secrets.encrypt_config(dummy, {}),
        resource_url="https://pos.example.com/",
        channel=channel,
    )
    card = models.Card.objects.create(
        name="Bench card",
        slug="bench-card",
        channel=channel,
        pos=pos,
        installment_pos=pos,
        bank=models.Bank.objects.create(name="Bench bank", slug="bench-bank", channel=channel),
        card_type=models.CardType.objects.create(name="Visa", slug="visa", channel=channel),
    )
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    return card, user


def write_bin_file(path, rows):
    """`rows` distinct BINs, one in three of 6 digits and the others of 8, in random order."""
    generator = random.Random(rows)
    six = rows // 3
    bins = [str(n) for n in generator.sample(range(100_000, 1_000_000), six)]
    bins += [str(n) for n in generator.sample(range(10_000_000, 100_000_000), rows - six)]
    generator.shuffle(bins)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("BIN;Network;Type;Category;Issuer\r\n")
        for index, bin_number in enumerate(bins):
            handle.write(
                f"{bin_number};{NETWORKS[index % 3]};CREDIT;CLASSIC;{ISSUERS[index % 3]}\r\n"
            )


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["READ_DOT_ENV"] = "0"
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("CONFIG_ENCRYPTION_KEYS", "YmVuY2gtb25seS1rZXktbm90LWZvci1yZWFsLXVzZSE=")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnitron.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]


@contextlib.contextmanager
def bench_database(prefix, *, sqlite=False):
    """The URL of the database a benchmark runs on: a throwaway SQLite file with `sqlite`, else
    `DATABASE_URL` (created when missing, kept), else a PostgreSQL database `<prefix>_<pid>`
    on the local server, dropped at the end."""
    if sqlite:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    database_url = os.environ.get("DATABASE_URL")
    throwaway = database_url is None
    if throwaway:
        database_url = f"{SERVER}/{prefix}_{os.getpid()}"
    name = create_database(database_url)
    try:
        yield database_url
    finally:
        if throwaway:
            drop_database(database_url, name)


def create_database(database_url):
    import psycopg

    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(database_url, name):
    import psycopg
    from django.db import connections

    connections.close_all()
    server = database_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def database_version(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
