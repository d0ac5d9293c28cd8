"""
Validators for the values payment data is made of: BINs, EFT codes, currencies, IBANs and logos.

Digits are ASCII digits: `[0-9]`, never `\\d`, which in Python also matches Arabic-Indic and
full-width digits that no payment network uses.
"""

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

validate_bin_number = RegexValidator(
    r"\A(?:[0-9]{6}|[0-9]{8})\Z",
    "A BIN is exactly 6 or 8 digits (0-9).",
    code="invalid_bin_number",
)

validate_eft_code = RegexValidator(
    r"\A[0-9]{4}\Z",
    "An EFT code is the 4-digit national bank code, e.g. 0062.",
    code="invalid_eft_code",
)


def validate_currency(value):
    """Accept an ISO 4217 alphabetic currency code in upper case (TRY, USD, EUR...)."""
    if (
        not isinstance(value, str)
        or value != value.upper()
        or not pycountry.currencies.get(alpha_3=value)
    ):
        raise ValidationError(
            "%(value)s is not an ISO 4217 currency code (e.g. TRY, USD, EUR).",
            code="invalid_currency",
            params={"value": value},
        )


def normalize_iban(value):
    """The electronic form of an IBAN: no spaces, upper case. Does not validate."""
    return "".join(str(value).split()).upper()


def validate_iban(value):
    """Accept an IBAN with a known country, the right length and a good mod-97 checksum."""
    try:
        IBAN(normalize_iban(value))
    except SchwiftyException as exc:
        raise ValidationError(
            "Enter a valid IBAN: %(reason)s", code="invalid_iban", params={"reason": exc}
        ) from None


def validate_logo_size(logo):
    """An uploaded logo (API or admin) may be no larger than `LOGO_MAX_BYTES`, the limit of the
    logos downloaded from a URL."""
    if logo and logo.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            "The logo is larger than the %(limit)s bytes accepted.",
            code="logo_too_large",
            params={"limit": settings.LOGO_MAX_BYTES},
        )
