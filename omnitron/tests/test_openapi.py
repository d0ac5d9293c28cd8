"""The OpenAPI 3 document (drf-spectacular) and its interactive page."""

import json

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

pytestmark = pytest.mark.django_db


def test_the_document_generates_and_validates_without_warnings(tmp_path):
    reset_generator_stats()
    target = tmp_path / "openapi.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")


def test_the_document_is_served(anonymous):
    response = anonymous.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "Payments configuration service"
    assert {
        "/api/v1/auth/login/",
        "/api/v1/channels/",
        "/api/v1/pos/",
        "/api/v1/pos/schema/",
        "/api/v1/pos/{id}/",
        "/api/v1/banks/",
        "/api/v1/card_types/",
        "/api/v1/cards/",
        "/api/v1/multi_currency_cards/",
        "/api/v1/bin_numbers/",
        "/api/v1/installments/",
        "/api/v1/bank_accounts/",
        "/api/v1/payment_options/",
    } <= set(document["paths"])


def test_the_document_describes_the_list_parameters(anonymous):
    document = json.loads(anonymous.get("/api/schema/", {"format": "json"}).content)
    names = {p["name"] for p in document["paths"]["/api/v1/bin_numbers/"]["get"]["parameters"]}

    assert {"page", "limit", "sort", "id", "id__in", "card", "bin_number_length"} <= names


def test_writes_document_the_busy_database_answer_and_reads_do_not(anonymous):
    document = json.loads(anonymous.get("/api/schema/", {"format": "json"}).content)
    banks = document["paths"]["/api/v1/banks/"]

    assert set(banks["post"]["responses"]["503"]["headers"]) == {"Retry-After"}
    assert "503" not in banks["get"]["responses"]


def test_the_interactive_page_is_served(anonymous, settings):
    # Production serves collected, hashed static files (`make run` collects them); tests don't
    # collect, so they resolve static files from the apps.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    response = anonymous.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in response.content
