"""
A small HTTP load generator for benchmarks on loopback.

A few client processes each hold one keep-alive connection and send GET requests back to back
for a fixed time, timing every request. Processes, not threads, so that the clients do not share
one interpreter lock; standard library only (`http.client`, `multiprocessing`), so a fresh clone
runs it with nothing to install. Clients start together at an agreed wall-clock time; a round
is bounded in time and stops by itself.
"""

import http.client
import itertools
import multiprocessing
import statistics
import time
from dataclasses import dataclass

START_DELAY = 0.5  # seconds for every client to be ready before the agreed start


@dataclass
class Round:
    """What the clients of one round saw: every latency (seconds), non-200 answers, duration;
    and the server's CPU seconds meanwhile, for a caller that measures them."""

    latencies: list
    errors: int
    seconds: float
    server_cpu: float | None = None

    @property
    def requests_per_second(self):
        return len(self.latencies) / self.seconds


class LoadGenerator:
    """`clients` processes driving `host:port`; use as a context manager, call `run` per round."""

    def __init__(self, host, port, clients):
        self.host, self.port, self.clients = host, port, clients
        self.pool = None

    def __enter__(self):
        self.pool = multiprocessing.get_context("spawn").Pool(self.clients)
        return self

    def __exit__(self, *exc_info):
        self.pool.terminate()
        self.pool.join()

    def run(self, paths, headers, seconds):
        """Request `paths` (split among the clients, each cycling through its share) for
        `seconds`; a Round of all clients together."""
        start_at = time.time() + START_DELAY
        jobs = [
            (self.host, self.port, paths[i :: self.clients], headers, start_at, seconds)
            for i in range(self.clients)
        ]
        parts = self.pool.map(_client, jobs)
        return Round(
            latencies=[latency for latencies, _, _ in parts for latency in latencies],
            errors=sum(errors for _, errors, _ in parts),
            seconds=max(elapsed for _, _, elapsed in parts),
        )


def percentile(latencies, percent):
    """The `percent`-th percentile of `latencies`, in the same unit."""
    return statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1]


def _client(job):
    host, port, paths, headers, start_at, seconds = job
    connection = http.client.HTTPConnection(host, port, timeout=30)
    latencies, errors = [], 0
    time.sleep(max(0.0, start_at - time.time()))

    started = time.perf_counter()
    deadline = started + seconds
    for path in itertools.cycle(paths):
        before = time.perf_counter()
        if before >= deadline:
            break
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - before)
        if response.status != 200:
            errors += 1

    connection.close()
    return latencies, errors, time.perf_counter() - started
