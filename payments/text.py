"""Slugs from names, with Turkish letters transliterated rather than dropped.

Django's `slugify` drops what it cannot fold to ASCII, so `Yatırım` would become `yatrm`;
transliterating first gives `yatirim`, and `İş Bankası` gives `is-bankasi`.
"""

from django.utils.text import slugify
from unidecode import unidecode


def slug_from_name(name):
    return slugify(unidecode(str(name)))
