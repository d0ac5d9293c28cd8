"""Slugs derived from names transliterate Turkish letters instead of dropping them."""

import csv

import pytest

from payments.text import slug_from_name


def test_slugs_match_the_transliteration_oracle_for_every_turkish_bank(shared_data):
    path = shared_data / "research/data/tr_slug_expectations.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 54
    wrong = [
        (row["input_name"], slug_from_name(row["input_name"]))
        for row in rows
        if slug_from_name(row["input_name"]) != row["tr_transliterated_then_slugify"]
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "slug"),
    [("İş Bankası", "is-bankasi"), ("Kapıda Ödeme", "kapida-odeme"), ("ıspanak", "ispanak")],
)
def test_turkish_letters_are_transliterated(name, slug):
    assert slug_from_name(name) == slug
