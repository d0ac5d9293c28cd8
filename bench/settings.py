"""The service's settings for benchmarks: the product's own, plus the URLs of `bench.urls`, which
add the floor views a benchmark compares the product against. Never used in production."""

from omnitron.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
