"""Abuse: malformed, mistyped, oversized and strange input gets a clear 4xx with a JSON body and
stores nothing; concurrent duplicate creates store one row (PostgreSQL)."""

import contextlib
import io
import json
import threading
from unittest import mock

import pytest
from django.db import connections
from PIL import Image
from rest_framework import serializers as drf_serializers
from rest_framework.validators import UniqueTogetherValidator

from conftest import token_client
from payments import models
from payments.resources import serializers
from payments.tests import factories
from sales_channels.models import Channel
from sales_channels.resources.serializers import ChannelSerializer

pytestmark = pytest.mark.django_db

SERIALIZERS = {
    "channels": ChannelSerializer,
    "pos": serializers.PosSerializer,
    "banks": serializers.BankSerializer,
    "card_types": serializers.CardTypeSerializer,
    "cards": serializers.CardSerializer,
    "multi_currency_cards": serializers.MultiCurrencyCardSerializer,
    "bin_numbers": serializers.BinNumberSerializer,
    "installments": serializers.InstallmentSerializer,
    "bank_accounts": serializers.BankAccountSerializer,
    "payment_options": serializers.PaymentOptionSerializer,
}
MODELS = {
    "channels": Channel,
    "pos": models.Pos,
    "banks": models.Bank,
    "card_types": models.CardType,
    "cards": models.Card,
    "multi_currency_cards": models.MultiCurrencyCard,
    "bin_numbers": models.BinNumber,
    "installments": models.Installment,
    "bank_accounts": models.BankAccount,
    "payment_options": models.PaymentOption,
}


def text_fields(resource):
    """The writable text fields of a resource (URLs, slugs and codes are text too)."""
    fields = SERIALIZERS[resource]().fields
    return [
        name
        for name, field in fields.items()
        if isinstance(field, drf_serializers.CharField) and not field.read_only
    ]


TEXT_FIELDS = [(resource, field) for resource in SERIALIZERS for field in text_fields(resource)]


@pytest.fixture
def bodies():
    """A valid create body for every resource, all on one channel."""
    channel = factories.ChannelFactory()
    card = factories.CardFactory(channel=channel, card_payment_type="credit")
    return {
        "channels": {"name": "Mobile app", "channel_type": "mobile_app"},
        "pos": {
            "name": "Nestpay",
            "slug": "nestpay",
            "gateway": "nestpay",
            "config": {
                "client_id": "700655000200",
                "username": "api-user",
                "password": "abuse-password",
                "store_key": "abuse-store-key",
            },
            "resource_url": "https://nestpay.example.com/api",
            "channel": channel.pk,
        },
        "banks": {"name": "Akbank", "slug": "akbank", "eft_code": "0046", "channel": channel.pk},
        "card_types": {"name": "Troy", "slug": "troy", "channel": channel.pk},
        "cards": {
            "name": "Bonus Debit",
            "slug": "bonus-debit",
            "channel": channel.pk,
            "bank": card.bank_id,
            "card_type": card.card_type_id,
            "card_payment_type": "debit",
            "pos": card.pos_id,
            "installment_pos": card.pos_id,
        },
        "multi_currency_cards": {
            "card": card.pk,
            "currency": "EUR",
            "pos": card.pos_id,
            "installment_pos": card.pos_id,
        },
        "bin_numbers": {"bin_number": "540061", "card": card.pk},
        "installments": {
            "card": card.pk,
            "installment_count": 6,
            "label": "6 taksit",
            "interest_rate": "4.50",
        },
        "bank_accounts": {
            "bank": card.bank_id,
            "channel": channel.pk,
            "holder_name": "Demo Mağazacılık A.Ş.",
            "iban": "TR33 0006 1005 1978 6457 8413 26",
        },
        "payment_options": {
            "name": "Kredi kartı",
            "slug": "kredi-karti",
            "channel": channel.pk,
            "payment_type": "credit_card",
        },
    }


def counts():
    return {resource: model.objects.count() for resource, model in MODELS.items()}


@pytest.mark.parametrize("resource", list(SERIALIZERS))
def test_every_valid_body_is_created(api, bodies, resource):
    """The bodies the tests below spoil are valid to begin with."""
    response = api.post(f"/api/v1/{resource}/", bodies[resource], format="json")

    assert response.status_code == 201, response.data


class TestMalformedBodies:
    @pytest.mark.parametrize("resource", list(SERIALIZERS))
    def test_malformed_json_is_a_400_and_stores_nothing(self, api, bodies, resource):
        before = counts()
        text = json.dumps(bodies[resource])[:-1]  # the closing brace is missing

        response = api.post(f"/api/v1/{resource}/", text, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["detail"].startswith("JSON parse error - Expecting")
        assert counts() == before

    @pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "text/csv"])
    def test_an_unsupported_content_type_is_a_415(self, api, bodies, content_type):
        before = counts()

        response = api.post(
            "/api/v1/banks/", json.dumps(bodies["banks"]), content_type=content_type
        )

        assert response.status_code == 415
        assert response.json() == {"detail": f'Unsupported media type "{content_type}" in request.'}
        assert counts() == before

    def test_json_that_is_not_an_object_is_a_400(self, api):
        response = api.post("/api/v1/channels/", "[1, 2, 3]", content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
        }

    def test_json_nested_thousands_deep_is_a_400(self, api):
        text = '{"name": "deep", "conf": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"

        response = api.post("/api/v1/channels/", text, content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {"detail": "JSON parse error - nested deeper than 32 levels."}
        assert Channel.objects.count() == 0

    def test_a_lone_surrogate_is_a_400(self, api):
        text = '{"name": "ok", "conf": {"key": "\\udfff"}}'

        response = api.post("/api/v1/channels/", text, content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {
            "detail": "JSON parse error - the text holds an unpaired surrogate "
            "(U+D800 to U+DFFF), not a character."
        }
        assert Channel.objects.count() == 0

    @pytest.mark.parametrize("where", ["value", "key"])
    def test_a_nul_character_in_a_json_field_is_a_400(self, api, bodies, where):
        config = {"note": "a\u0000b"} if where == "value" else {"a\u0000b": 1}

        response = api.post(
            "/api/v1/payment_options/",
            {**bodies["payment_options"], "config": config},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"config": ["Null characters are not allowed."]}
        assert models.PaymentOption.objects.count() == 0

    def test_invalid_utf8_is_a_400(self, api):
        response = api.post(
            "/api/v1/channels/", b'{"name": "\xff\xfe"}', content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["detail"].startswith("JSON parse error - 'utf-8' codec")


class TestOversizedBodies:
    def test_a_json_body_over_the_limit_is_a_413_before_parsing(self, api, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        body = json.dumps({"name": "x", "conf": {"padding": "x" * 1000}})

        with mock.patch("omnitron.api.parsers.JSONParser.parse") as parse:
            response = api.post("/api/v1/channels/", body, content_type="application/json")

        assert response.status_code == 413
        assert response.json() == {
            "detail": "The request body is larger than the 1000 bytes accepted."
        }
        assert parse.call_count == 0
        assert Channel.objects.count() == 0

    def test_the_default_limit_refuses_a_body_of_several_megabytes(self, api):
        body = json.dumps({"name": "x", "conf": {"padding": "x" * 3_000_000}})

        response = api.post("/api/v1/channels/", body, content_type="application/json")

        assert response.status_code == 413
        assert response.json() == {
            "detail": "The request body is larger than the 2097152 bytes accepted."
        }

    def test_a_chunked_body_without_a_length_is_a_411(self, api):
        response = api.generic(
            "POST",
            "/api/v1/channels/",
            b'{"name": "Web"}',
            content_type="application/json",
            HTTP_TRANSFER_ENCODING="chunked",
            CONTENT_LENGTH="",
        )

        assert response.status_code == 411
        assert response.json() == {
            "detail": "Chunked request bodies are not accepted: send the body with a "
            "Content-Length header."
        }
        assert Channel.objects.count() == 0

    def test_a_multipart_body_over_the_upload_limit_is_file_100_3(self, api, settings, bodies):
        settings.UPLOAD_MAX_BYTES = 2000
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        before = counts()
        upload = io.BytesIO(b"x" * 5000)
        upload.name = "logo.png"

        response = api.post(
            "/api/v1/banks/", {**bodies["banks"], "logo": upload}, format="multipart"
        )

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The file is larger than the upload limit of 2,000 bytes.",
            "error_code": "file_100_3",
        }
        assert counts() == before

    def test_a_multipart_body_over_the_limit_outside_the_api_is_a_413(self, client, settings):
        settings.UPLOAD_MAX_BYTES = 2000
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        upload = io.BytesIO(b"x" * 5000)
        upload.name = "logo.png"

        response = client.post("/admin/payments/bank/add/", {"name": "Akbank", "logo": upload})

        assert response.status_code == 413
        assert response.json() == {
            "detail": "The request body is larger than the 3000 bytes accepted."
        }

    def test_a_large_text_field_in_a_form_is_a_413_saying_so(self, api, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

        response = api.post("/api/v1/channels/", {"name": "x" * 1500}, format="multipart")

        assert response.status_code == 413
        assert response.json() == {
            "detail": "The form fields other than files are larger than the 1000 bytes accepted."
        }
        assert Channel.objects.count() == 0

    def test_too_many_files_in_a_form_is_a_400_saying_so(self, api, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
        files = {f"file{n}": io.BytesIO(b"405040\n") for n in range(3)}
        for name, upload in files.items():
            upload.name = f"{name}.csv"

        response = api.post("/api/v1/channels/", {"name": "Web", **files}, format="multipart")

        assert response.status_code == 400
        assert response.json() == {"detail": "At most 2 files are accepted at once."}
        assert Channel.objects.count() == 0

    def test_too_many_fields_in_a_form_is_a_400_saying_so(self, api, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
        fields = {f"field{n}": "x" for n in range(5)}

        response = api.post("/api/v1/channels/", fields, format="multipart")

        assert response.status_code == 400
        assert response.json() == {"detail": "At most 3 form fields are accepted."}

    def test_a_logo_over_the_logo_limit_is_a_400(self, api, settings, bodies):
        settings.LOGO_MAX_BYTES = 1000
        before = counts()
        logo = io.BytesIO()
        Image.effect_noise((64, 64), 100).convert("RGB").save(logo, "PNG")
        logo.name = "logo.png"
        logo.seek(0)

        response = api.post("/api/v1/banks/", {**bodies["banks"], "logo": logo}, format="multipart")

        assert response.status_code == 400
        assert response.json() == {"logo": ["The logo is larger than the 1000 bytes accepted."]}
        assert counts() == before

    def test_the_admin_refuses_a_logo_over_the_logo_limit_too(
        self, admin_client, settings, plain_static_files
    ):
        settings.LOGO_MAX_BYTES = 1000
        channel = factories.ChannelFactory()
        logo = io.BytesIO()
        Image.effect_noise((64, 64), 100).convert("RGB").save(logo, "PNG")
        logo.name = "logo.png"
        logo.seek(0)

        response = admin_client.post(
            "/admin/payments/cardtype/add/",
            {"name": "Visa", "slug": "visa", "channel": channel.pk, "logo": logo},
        )

        assert response.status_code == 200  # the form again, with its errors
        assert response.context["adminform"].form.errors == {
            "logo": ["The logo is larger than the 1000 bytes accepted."]
        }
        assert models.CardType.objects.count() == 0

    def test_a_logo_that_is_not_an_image_is_a_400(self, api, bodies):
        upload = io.BytesIO(b"%PDF-1.4 not an image")
        upload.name = "logo.png"

        response = api.post(
            "/api/v1/card_types/", {**bodies["card_types"], "logo": upload}, format="multipart"
        )

        assert response.status_code == 400
        assert response.json() == {
            "logo": [
                "Upload a valid image. The file you uploaded was either not an image "
                "or a corrupted image."
            ]
        }


class TestTextFields:
    @pytest.mark.parametrize(("resource", "field"), TEXT_FIELDS)
    def test_ten_thousand_characters_is_a_400_naming_the_field(self, api, bodies, resource, field):
        before = counts()

        response = api.post(
            f"/api/v1/{resource}/", {**bodies[resource], field: "ş" * 10_000}, format="json"
        )

        assert response.status_code == 400
        assert any("no more than" in message for message in response.json()[field])
        assert counts() == before

    @pytest.mark.parametrize(("resource", "field"), TEXT_FIELDS)
    def test_a_nul_character_is_a_400_naming_the_field(self, api, bodies, resource, field):
        before = counts()

        response = api.post(
            f"/api/v1/{resource}/", {**bodies[resource], field: "ab\u0000c"}, format="json"
        )

        assert response.status_code == 400
        assert "Null characters are not allowed." in response.json()[field]
        assert counts() == before

    @pytest.mark.parametrize(
        "name",
        [
            "\u202eevil\u202c Bankası",  # right-to-left override
            "بنك الراجحي",  # Arabic, right to left
            "Kart 💳🙂",  # emoji outside the basic plane
            "Ödeme Seçeneği",  # Turkish letters
            "e\u0301\u0301\u0301",  # combining accents
        ],
    )
    def test_unicode_names_are_stored_as_sent(self, api, bodies, name):
        response = api.post("/api/v1/banks/", {**bodies["banks"], "name": name}, format="json")

        assert response.status_code == 201
        assert models.Bank.objects.get(pk=response.data["pk"]).name == name

    def test_a_unicode_slug_is_accepted_and_an_emoji_slug_refused(self, api, bodies):
        accepted = api.post(
            "/api/v1/payment_options/",
            {**bodies["payment_options"], "slug": "ödeme-seceneği"},
            format="json",
        )
        refused = api.post(
            "/api/v1/payment_options/",
            {**bodies["payment_options"], "slug": "kart-💳"},
            format="json",
        )

        assert accepted.status_code == 201
        assert refused.status_code == 400
        assert (
            'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
            in refused.json()["slug"]
        )


class TestQueries:
    @pytest.mark.parametrize(
        ("query", "errors"),
        [
            (
                "id__in=1,99999999999999999999999",
                {"id__in": ["Ensure this value is less than or equal to 9223372036854775807."]},
            ),
            ("id=1.5", {"id": ["Enter a whole number."]}),
            ("name=a%00b", {"name": ["Null characters are not allowed."]}),
            ("limit=-1", {"limit": ["A positive whole number is required."]}),
        ],
    )
    def test_a_hostile_filter_value_is_a_400_naming_it(self, api, query, errors):
        response = api.get(f"/api/v1/banks/?{query}")

        assert response.status_code == 400
        assert response.json() == errors

    def test_a_time_zone_offset_postgresql_does_not_know_is_compared_in_utc(self, api):
        # PostgreSQL refuses offsets beyond ±15:59; Python accepts up to ±24 hours.
        response = api.get("/api/v1/pos/?modified_date__lt=2024-01-01T12:00:00%2B18:22")

        assert response.status_code == 200
        assert response.json()["count"] == 0

    def test_a_date_time_out_of_range_once_in_utc_is_a_400(self, api):
        response = api.get("/api/v1/pos/?modified_date__gt=0001-01-01T00:00:00%2B18:00")

        assert response.status_code == 400
        assert response.json() == {"modified_date__gt": ["Enter a valid date/time."]}

    def test_a_path_that_matches_no_route_answers_json(self, api):
        response = api.get("/api/v1/banks/1.5/")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestConcurrentDuplicates:
    """N requests create the same object at the same moment: one 201, the others the error a
    single duplicate gets, and one row."""

    THREADS = 6

    def post_at_once(self, user, path, body):
        barrier = threading.Barrier(self.THREADS)
        answers = []

        def post():
            client = token_client(user)
            try:
                barrier.wait()
                response = client.post(path, body, format="json")
                answers.append((response.status_code, response.json()))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(answers, key=lambda answer: answer[0])

    @pytest.fixture
    def race(self, admin_user, bodies):
        def race(resource, **overrides):
            return self.post_at_once(
                admin_user, f"/api/v1/{resource}/", {**bodies[resource], **overrides}
            )

        return race

    @pytest.mark.parametrize("forced", [False, True], ids=["natural", "past-validation"])
    @pytest.mark.parametrize("resource", ["banks", "pos"])
    def test_one_slug_per_channel(self, race, resource, forced):
        # `past-validation`: every request passes the serializer's unique check before any
        # insert, so all of them reach the database and the unique index decides.
        skip_check = mock.patch.object(UniqueTogetherValidator, "__call__", return_value=None)
        with skip_check if forced else contextlib.nullcontext():
            answers = race(resource)

        assert answers[0][0] == 201
        assert answers[1:] == [
            (400, {"non_field_errors": ["The fields slug, channel must make a unique set."]})
        ] * (self.THREADS - 1)
        assert MODELS[resource].objects.filter(slug=answers[0][1]["slug"]).count() == 1

    def test_one_card_per_unique_set(self, race):
        answers = race("cards")

        assert answers[0][0] == 201
        assert answers[1:] == [
            (
                400,
                {
                    "non_field_errors": [
                        "The fields slug, channel, bank, card_type must make a unique set.",
                        "The fields bank, card_type, card_payment_type must make a unique set.",
                    ]
                },
            )
        ] * (self.THREADS - 1)
        assert models.Card.objects.filter(slug="bonus-debit").count() == 1

    def test_one_bin_per_channel(self, race):
        answers = race("bin_numbers")

        assert answers[0][0] == 201
        assert answers[1:] == [(400, {"bin_number": ["BIN 540061 is already on this card."]})] * (
            self.THREADS - 1
        )
        assert models.BinNumber.objects.filter(bin_number="540061").count() == 1
        assert models.BinNumber.history.filter(bin_number="540061").count() == 1
