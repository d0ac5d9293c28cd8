"""
Benchmark of the checkout BIN lookup, `GET /api/v1/bin_numbers/lookup/`, against its floor.

    make bench-lookup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/bin_lookup.py

1. Loads 100,000 BINs into PostgreSQL on one channel's cards, in batches: 6-digit BINs, and
   8-digit BINs of other cards inside some of them; each card with six installment plans, half
   of them with a USD MultiCurrencyCard. Without `DATABASE_URL` the database is a throwaway one
   on 127.0.0.1:5432 (user postgres), dropped at the end; a database named by `DATABASE_URL` is
   created when missing and kept, and its bench channel is reused on the next run.
2. Prints PostgreSQL's plans of the lookup's four queries (EXPLAIN ANALYZE).
3. Serves the real application with gunicorn on loopback under `bench.settings`, which adds the
   floor view of `bench.floor` (plain Django, the same queries, no DRF).
4. Drives both endpoints from separate client processes with keep-alive connections, as a
   storefront account holding only `payments.view_binnumber`, with the same card numbers, in
   interleaved rounds so that a busy neighbour slows both alike.
5. Prints requests/s, p50 and p99 latency of each and the ratio of their throughputs; the target
   is a lookup at 80% or more of the floor. Also the CPU time the server (gunicorn workers and
   their PostgreSQL backends) spent per request, which other programs on a shared machine
   disturb far less than the wall-clock figures, and the ratio of requests per CPU second.

Card numbers are made up; the token is never printed.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import LoadGenerator, percentile  # noqa: E402

SERVER_URL = "postgres://postgres@127.0.0.1:5432/"
CHANNEL_NAME = "BIN lookup benchmark"
HOST = "127.0.0.1"
ENDPOINTS = {
    "floor (plain Django)": "/bench/floor/lookup/",
    "lookup (DRF API)": "/api/v1/bin_numbers/lookup/",
}
TARGET = 0.80
BANKS, CARD_TYPES = 10, 4
PLANS = {1: "0.00", 2: "1.85", 3: "2.79", 6: "5.74", 9: "8.85", 12: "12.10"}
LONG_BIN_SHARE = 10  # one BIN in 10 is an 8-digit BIN inside a 6-digit one


def main():
    args = parse_args()
    database_url, throwaway = os.environ.get("DATABASE_URL"), False
    if not database_url:
        database_url, throwaway = f"{SERVER_URL}omnitron_bench_lookup_{os.getpid()}", True
    configure_environment(database_url)
    create_database(database_url)
    try:
        run(args)
    finally:
        if throwaway:
            drop_database(database_url)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bins", type=int, default=100_000, help="BINs to load (100,000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--clients", type=int, default=4, help="client connections (4)")
    parser.add_argument("--seconds", type=float, default=5, help="length of a round (5)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per endpoint (6)")
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: a free one)")
    return parser.parse_args()


def configure_environment(database_url):
    """The environment of this process and of gunicorn: production settings (DEBUG off) with
    throwaway keys; the developer's .env is not read."""
    from cryptography.fernet import Fernet

    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        READ_DOT_ENV="0",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        CONFIG_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS=HOST,
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
        # Keeps each worker on one PostgreSQL backend for the whole run (production: 60 s), so
        # that the CPU of the backends can be counted per round.
        CONN_MAX_AGE="600",
        # WhiteNoise warns when `collectstatic` has not run; static files play no part here.
        PYTHONWARNINGS="ignore:No directory at",
    )
    warnings.filterwarnings("ignore", "No directory at")


def run(args):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    channel = load_bins(args.bins)
    key = storefront_token()
    paths = request_paths(channel)
    print_plans(channel, paths)
    connection.close()

    port = args.port or free_port()
    with (
        GunicornServer(port, args.workers) as server,
        LoadGenerator(HOST, port, args.clients) as load,
    ):
        headers = {"Authorization": f"Token {key}"}
        check_same_answers(port, paths[0], headers)
        for path in ENDPOINTS.values():  # warm up both: imports, connections, caches of Django
            load.run([path + query for query in paths], headers, 1)

        rounds = {name: [] for name in ENDPOINTS}
        for _ in range(args.rounds):
            for name, path in ENDPOINTS.items():
                before = server.cpu_seconds()
                result = load.run([path + query for query in paths], headers, args.seconds)
                result.server_cpu = server.cpu_seconds() - before
                rounds[name].append(result)

    print_results(args, connection, rounds)


def load_bins(count):
    """The bench channel with `count` BINs, created in batches unless a previous run left it."""
    from django.db import connection, transaction

    from payments import models
    from sales_channels.models import Channel

    channel = Channel.objects.filter(name=CHANNEL_NAME).order_by("-pk").first()
    if channel is not None and channel.bin_numbers.count() == count:
        print(f"Reusing {count:,} BINs of channel {channel.pk} ({CHANNEL_NAME}).")
        return channel

    started = time.perf_counter()
    with transaction.atomic():
        channel = Channel.objects.create(name=CHANNEL_NAME)
        cards = make_cards(channel)
        models.BinNumber.objects.bulk_create(
            (
                models.BinNumber(bin_number=bin_number, card=cards[n % len(cards)], channel=channel)
                for n, bin_number in enumerate(bin_numbers(count))
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Loaded {count:,} BINs in {time.perf_counter() - started:.1f} s.")
    return channel


def make_cards(channel):
    """One card per bank and card type, with its plans; every other card has a USD POS."""
    from decimal import Decimal

    from payments import models

    pos = models.Pos.objects.create(
        name="Bench POS",
        slug="bench-pos",
        gateway=dummy_gateway(),
        channel=channel,
        resource_url="https://pos.example.com/api",
    )
    usd_pos = models.Pos.objects.create(
        name="Bench USD POS",
        slug="bench-usd-pos",
        gateway=dummy_gateway(),
        channel=channel,
        resource_url="https://pos.example.com/api",
    )
    card_types = [
        models.CardType.objects.create(name=f"Type {n}", slug=f"type-{n}", channel=channel)
        for n in range(CARD_TYPES)
    ]
    cards = []
    for b in range(BANKS):
        bank = models.Bank.objects.create(
            name=f"Bank {b}", slug=f"bank-{b}", eft_code=f"{b:04d}", channel=channel
        )
        for card_type in card_types:
            cards.append(
                models.Card.objects.create(
                    name=f"{bank.name} {card_type.name}",
                    slug=f"{bank.slug}-{card_type.slug}",
                    channel=channel,
                    bank=bank,
                    card_type=card_type,
                    pos=pos,
                    installment_pos=pos,
                    three_d_pos=pos,
                    installment_payment=True,
                    three_d_payment=True,
                )
            )
    models.Installment.objects.bulk_create(
        models.Installment(card=card, installment_count=count, interest_rate=Decimal(rate))
        for card in cards
        for count, rate in PLANS.items()
    )
    models.MultiCurrencyCard.objects.bulk_create(
        models.MultiCurrencyCard(card=card, currency="USD", pos=usd_pos, installment_pos=usd_pos)
        for card in cards[::2]
    )
    return cards


def dummy_gateway():
    from payments.gateways import get_gateway

    return get_gateway("dummy").value


def bin_numbers(count):
    """`count` distinct BINs: 6-digit ones from 400000 up, and every LONG_BIN_SHARE-th an
    8-digit BIN starting with an earlier 6-digit one (which then belongs to another card)."""
    six = 400000
    for n in range(count):
        if n % LONG_BIN_SHARE == LONG_BIN_SHARE - 1:
            yield f"{six - 1}{n % 100:02d}"
        else:
            yield f"{six}"
            six += 1


def storefront_token():
    """The key of a non-superuser holding only `payments.view_binnumber`, as a storefront is."""
    from django.contrib.auth.models import Permission, User
    from rest_framework.authtoken.models import Token

    user, _ = User.objects.get_or_create(username="bench-storefront")
    user.user_permissions.set(
        [Permission.objects.get(content_type__app_label="payments", codename="view_binnumber")]
    )
    return Token.objects.get_or_create(user=user)[0].key


def request_paths(channel, count=2000):
    """Query strings of made-up 16-digit card numbers: half under 8-digit BINs, half under
    6-digit BINs only; three in four in TRY, one in four in USD."""
    rng = random.Random(5)
    long_bins = list(
        channel.bin_numbers.filter(bin_number__regex=r"^[0-9]{8}$").values_list(
            "bin_number", flat=True
        )[:count]
    )
    short_bins = list(
        channel.bin_numbers.filter(bin_number__regex=r"^[0-9]{6}$").values_list(
            "bin_number", flat=True
        )[:count]
    )
    queries = []
    for n in range(count):
        prefix = rng.choice(long_bins if n % 2 else short_bins)
        if len(prefix) == 6:  # 8-digit BINs end in 9 (see bin_numbers): none starts so
            prefix += "00"
        digits = prefix + "".join(rng.choice("0123456789") for _ in range(16 - len(prefix)))
        currency = "USD" if n % 4 == 3 else "TRY"
        queries.append(f"?channel={channel.pk}&bin={digits}&amount=1234.56&currency={currency}")
    return queries


def print_plans(channel, paths):
    """PostgreSQL's plans of the four queries of one lookup (an 8-digit match in USD), with
    real timings."""
    from urllib.parse import parse_qs

    from payments.models import Card
    from payments.services import lookup

    card_digits = parse_qs(paths[1].lstrip("?"))["bin"][0]
    card_id = lookup.match_query(channel.pk, card_digits)[0][1]
    pos_ids = Card.objects.values_list("pos", "installment_pos", "three_d_pos").get(pk=card_id)
    queries = {
        "the BIN": lookup.match_query(channel.pk, card_digits),
        "the card": lookup.card_query(card_id, "USD"),
        "the POS": lookup.pos_query(pos_ids),
        "the plans": lookup.plans_query(card_id),
    }
    for title, queryset in queries.items():
        print(f"\nPlan of {title} (EXPLAIN ANALYZE):")
        print(queryset.explain(analyze=True))


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class GunicornServer:
    """gunicorn serving `bench.settings` on loopback for the duration of a `with` block."""

    def __init__(self, port, workers):
        self.port, self.workers, self.process = port, workers, None

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", "omnitron.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", "1", "--keep-alive", "60",
            "--log-level", "warning", "--no-control-socket",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/health/", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("gunicorn stopped; see its output above.") from None
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not answer /health/ within 30 s.")

    def cpu_seconds(self):
        """CPU time used so far by the gunicorn workers and the PostgreSQL backends serving
        them (from /proc: Linux only), which other programs on the machine do not inflate the
        way they inflate wall-clock figures."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            backends = [pid for (pid,) in cursor.fetchall()]
        workers = [pid for pid, ppid in _processes() if ppid == self.process.pid]
        return sum(_cpu_seconds(pid) for pid in [*workers, *backends])

    def __exit__(self, *exc_info):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _processes():
    """`(pid, parent pid)` of every process."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), int(_stat_fields(entry.name)[1])
            except OSError:
                continue


def _cpu_seconds(pid):
    try:
        fields = _stat_fields(pid)
    except OSError:  # ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    """The fields of /proc/<pid>/stat after the command name: state, ppid, ... utime (12th),
    stime (13th)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def check_same_answers(port, query, headers):
    """Both endpoints answer the same JSON: the floor does the same work, not less."""
    answers = []
    for path in ENDPOINTS.values():
        request = urllib.request.Request(f"http://{HOST}:{port}{path}{query}", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            answers.append(json.load(response))
    if answers[0] != answers[1]:
        raise SystemExit("The floor and the API answer differently; the comparison is void.")


def print_results(args, connection, rounds):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"\nBIN lookup: {args.bins:,} BINs, PostgreSQL {version}, gunicorn {args.workers} "
        f"gthread workers, {args.clients} keep-alive clients, {args.rounds} rounds of "
        f"{args.seconds:g} s per endpoint, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'endpoint':<22} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms/req':>10} errors"
    )
    throughput, cpu = {}, {}
    for name, parts in rounds.items():
        latencies = [latency for part in parts for latency in part.latencies]
        throughput[name] = len(latencies) / sum(part.seconds for part in parts)
        cpu[name] = sum(part.server_cpu for part in parts) / len(latencies)
        print(
            f"{name:<22} {len(latencies):>9,} {throughput[name]:>8.0f} "
            f"{percentile(latencies, 50) * 1000:>8.2f} {percentile(latencies, 99) * 1000:>8.2f} "
            f"{cpu[name] * 1000:>10.2f} {sum(part.errors for part in parts):>6}"
        )
        print(
            f"{'':<22} req/s by round: {', '.join(f'{p.requests_per_second:.0f}' for p in parts)}"
        )
    floor, api = throughput.values()
    verdict = "met" if api >= TARGET * floor else "NOT met"
    print(f"ratio lookup/floor, requests/s: {api / floor:.1%} (target >= {TARGET:.0%}: {verdict})")
    floor_cpu, api_cpu = cpu.values()
    print(
        f"ratio lookup/floor, requests per server CPU second (gunicorn workers and their "
        f"PostgreSQL backends): {floor_cpu / api_cpu:.1%}"
    )


def create_database(database_url):
    import psycopg
    from psycopg import sql

    name, server = split_database_url(database_url)
    try:
        conn = psycopg.connect(server, autocommit=True)
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"PostgreSQL is not reachable ({exc}). Start it, or name a server in DATABASE_URL."
        ) from None
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(database_url):
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    name, server = split_database_url(database_url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def split_database_url(database_url):
    """The database's name, and a conninfo for the server's `postgres` database."""
    import dj_database_url

    settings = dj_database_url.parse(database_url)
    server = {
        "dbname": "postgres",
        "host": settings["HOST"] or HOST,
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres",
    }
    if settings["PASSWORD"]:
        server["password"] = settings["PASSWORD"]
    return settings["NAME"], " ".join(f"{key}={value}" for key, value in server.items())


if __name__ == "__main__":
    main()
