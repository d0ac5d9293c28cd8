"""The service on an SQLite file, as `make run` serves it to several gunicorn workers: the
settings' SQLite options apply, a read answers while a long write is under way, concurrent
writers queue instead of failing, and a writer that outwaits the busy timeout gets a 503.

pytest-django's SQLite test database lives in memory, where connections share one cache and
never lock a file as the service's workers do; so these tests move the default database, for
this module, to an SQLite file of its own. Each request runs in a thread of its own, with its
own connection, as in a worker of its own. They are SQLite's behaviour only: the `sqlite`
marker deselects them on PostgreSQL.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction

from conftest import token_client
from payments.models import BinNumber
from payments.services import BinNumberService
from payments.tests.factories import BankFactory, BinNumberFactory, CardFactory

pytestmark = pytest.mark.sqlite

# Large enough for the upload to overflow SQLite's page cache (2 MB by default): a writer in a
# rollback journal then locks the file against readers until it commits.
UPLOAD_ROWS = 20_000
# Bounds the waits of a broken test; a passing one never reaches them.
WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def file_database(tmp_path_factory, django_db_blocker):
    """The default database, for this module, on a migrated SQLite file with the service's
    options; data made here is committed, as in a running service."""
    configured = connections.settings["default"]
    path = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    usual = connections["default"]
    with django_db_blocker.unblock():
        connections.settings["default"] = {
            **configured,
            "NAME": str(path),
            "OPTIONS": {**configured["OPTIONS"]},
        }
        connections["default"] = connections.create_connection("default")
        try:
            call_command("migrate", verbosity=0)
            yield path
        finally:
            connections["default"].close()
            connections["default"] = usual
            connections.settings["default"] = configured


@pytest.fixture
def superuser(file_database):
    # Not pytest-django's `django_user_model`: it asks for `db`, which would wrap the test in a
    # transaction, holding the file's write lock.
    user, _created = get_user_model().objects.get_or_create(
        username="sqlite-root", defaults={"is_superuser": True, "is_staff": True}
    )
    user.set_password("root-pass-123")
    user.save()
    return user


def in_thread(call):
    """Run `call()` in a thread of its own, with its own database connection (closed when it
    is done); the future's `result()` is what `call()` returned, or raises what it raised."""

    def run():
        try:
            return call()
        finally:
            connections.close_all()

    executor = ThreadPoolExecutor(max_workers=1)
    try:
        return executor.submit(run)
    finally:
        executor.shutdown(wait=False)


def result_of(future):
    return future.result(WAIT_SECONDS)


def wait_for(event, future):
    """Wait until `event` is set by the thread of `future`; if it never is, raise what the
    thread raised."""
    if not event.wait(WAIT_SECONDS):
        result_of(future)
        raise AssertionError("the thread finished without setting the event")


def bin_file(rows, first):
    """A BIN file of `rows` distinct 8-digit BINs from `first` on."""
    content = "".join(f"{first + n}\n" for n in range(rows)).encode()
    return SimpleUploadedFile("bins.csv", content, "text/csv")


def upload(user, card, rows, first):
    response = token_client(user).post(
        f"/api/v1/cards/{card.pk}/bin_numbers/bulk_create/",
        {"file": bin_file(rows, first)},
        format="multipart",
    )
    return response.status_code, list(response.json().values()).count("created")


@pytest.fixture
def held_upload(monkeypatch):
    """Make BIN uploads keep their transaction open, rows written, until `release` is set;
    `holding` is set once one does."""
    holding, release = threading.Event(), threading.Event()
    real_bulk_create = BinNumberService.bulk_create

    def bulk_create_held_open(self, *args, **kwargs):
        with transaction.atomic():
            report = real_bulk_create(self, *args, **kwargs)
            holding.set()
            release.wait(WAIT_SECONDS)
        return report

    monkeypatch.setattr(BinNumberService, "bulk_create", bulk_create_held_open)
    yield holding, release
    release.set()


class TestOptions:
    def test_a_file_database_is_in_wal_mode_with_normal_synchronous_writes(self, file_database):
        with connection.cursor() as cursor:
            journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]

        assert (journal_mode, synchronous) == ("wal", 1)  # 1 is NORMAL

    def test_transactions_take_the_write_lock_when_they_begin(self, file_database):
        assert connection.transaction_mode == "IMMEDIATE"

    def test_a_writer_waits_twenty_seconds_for_the_lock(self, file_database):
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000


class TestConcurrency:
    def test_a_checkout_lookup_during_a_long_upload_answers_200(self, superuser, held_upload):
        holding, release = held_upload
        card = CardFactory()
        BinNumberFactory(card=card, bin_number="55496000")
        uploading = in_thread(lambda: upload(superuser, card, UPLOAD_ROWS, first=10_000_000))
        wait_for(holding, uploading)

        lookup = token_client(superuser).get(
            "/api/v1/bin_numbers/lookup/",
            {
                "channel": card.channel_id,
                "bin": "5549600012345678",
                "amount": "100",
                "currency": "TRY",
            },
        )
        release.set()

        assert lookup.status_code == 200
        assert (lookup.json()["bin_number"], lookup.json()["card"]["pk"]) == ("55496000", card.pk)
        assert result_of(uploading) == (200, UPLOAD_ROWS)

    def test_two_uploads_at_once_both_succeed(self, superuser):
        one, other = CardFactory(), CardFactory()
        start = threading.Barrier(2)

        def upload_at_once(card, first_bin):
            start.wait(WAIT_SECONDS)
            return upload(superuser, card, UPLOAD_ROWS, first=first_bin)

        uploads = [
            in_thread(lambda: upload_at_once(one, 10_000_000)),
            in_thread(lambda: upload_at_once(other, 20_000_000)),
        ]

        assert [result_of(uploading) for uploading in uploads] == [(200, UPLOAD_ROWS)] * 2
        assert BinNumber.objects.filter(card__in=[one, other]).count() == 2 * UPLOAD_ROWS

    def test_a_write_that_outwaits_the_busy_timeout_answers_503(self, superuser, monkeypatch):
        client = token_client(superuser)
        channel = CardFactory().channel
        holding, release = threading.Event(), threading.Event()

        def hold_the_write_lock():
            with transaction.atomic():
                BankFactory(channel=channel)
                holding.set()
                release.wait(WAIT_SECONDS)

        holder = in_thread(hold_the_write_lock)
        wait_for(holding, holder)
        # Connections opened from now on wait 50 ms for a lock instead of 20 s.
        monkeypatch.setitem(connections.settings["default"]["OPTIONS"], "timeout", 0.05)
        try:
            created = result_of(
                in_thread(
                    lambda: client.post(
                        "/api/v1/banks/",
                        {"name": "Akbank", "slug": "akbank", "channel": channel.pk},
                    )
                )
            )
        finally:
            release.set()
            result_of(holder)

        assert created.status_code == 503
        assert created.json() == {
            "detail": "The database is busy with another write; try again in a few seconds."
        }
        assert created["Retry-After"] == "10"
