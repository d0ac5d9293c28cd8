"""
The floor of the BIN lookup benchmark: what `GET /api/v1/bin_numbers/lookup/` costs without DRF.

The view authenticates the same token with the same query, checks the same permission through
Django's auth backend (the same two queries), checks the query parameters by hand and calls the
same `lookup_bin`, answering a JsonResponse. No DRF request, serializer, content negotiation or
renderer: the distance between this view and the API endpoint is what the API layer adds.
It is served only by `bench.settings`, never by the product's URLs.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from rest_framework.authtoken.models import Token

from payments.services import lookup_bin
from payments.validators import validate_currency

CARD_DIGITS = re.compile(r"\A[0-9]{6,19}\Z")
AMOUNT = re.compile(r"\A[0-9]{1,10}(?:\.[0-9]{1,2})?\Z")


def floor_lookup(request):
    scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    try:
        token = Token.objects.select_related("user").get(key=key) if scheme == "Token" else None
    except Token.DoesNotExist:
        token = None
    if token is None or not token.user.is_active:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    if not token.user.has_perm("payments.view_binnumber"):
        return JsonResponse({"detail": "Permission denied."}, status=403)

    query = request.GET
    try:
        channel_id = int(query["channel"])
        card_digits = query["bin"]
        amount = Decimal(query["amount"])
        currency = query["currency"]
        validate_currency(currency)
    except (KeyError, ValueError, InvalidOperation, ValidationError):
        return JsonResponse({"detail": "Bad query."}, status=400)
    if not (CARD_DIGITS.match(card_digits) and AMOUNT.match(query["amount"]) and amount > 0):
        return JsonResponse({"detail": "Bad query."}, status=400)

    answer = lookup_bin(
        channel_id, card_digits, amount, currency, build_uri=request.build_absolute_uri
    )
    if answer is None:
        message = "No BIN of this channel matches the card number."
        return JsonResponse({"detail": message}, status=404)
    return JsonResponse(answer)
