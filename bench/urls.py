"""The product's URLs plus the benchmark floor views under /bench/ (see `bench.floor`). The floor
comes first, so it resolves faster than any product URL: the comparison favours the floor."""

from django.urls import path

from bench.floor import floor_lookup
from omnitron.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/floor/lookup/", floor_lookup, name="bench-floor-lookup"),
    *product_urlpatterns,
]
