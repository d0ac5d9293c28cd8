"""Permissions: a view-only user reads but cannot write, an anonymous caller gets 401, and a
token stops working when its user is deactivated or logs out."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import token_client
from payments.tests import factories
from sales_channels.models import Channel

pytestmark = pytest.mark.django_db

RESOURCES = factories.RESOURCE_FACTORIES
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}


@pytest.fixture
def viewer(django_user_model):
    """A user holding every `view_*` permission of the service and nothing else."""
    user = django_user_model.objects.create_user("viewer", password="viewer-pass-1")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["payments", "sales_channels"],
            codename__startswith="view_",
        ).exclude(codename="view_pos_secrets")
    )
    return user


def snapshot(obj):
    return list(type(obj)._base_manager.filter(pk=obj.pk).values())


class TestViewOnlyUser:
    @pytest.mark.parametrize("resource", list(RESOURCES))
    def test_reads_lists_details_and_history(self, viewer, resource):
        obj = RESOURCES[resource]()
        client = token_client(viewer)

        assert client.get(f"/api/v1/{resource}/").status_code == 200
        assert client.get(f"/api/v1/{resource}/{obj.pk}/").status_code == 200
        assert client.get(f"/api/v1/{resource}/{obj.pk}/history/").status_code == 200

    @pytest.mark.parametrize("resource", list(RESOURCES))
    def test_cannot_create_change_or_delete(self, viewer, resource):
        obj = RESOURCES[resource]()
        before = snapshot(obj)
        count = type(obj).objects.count()
        client = token_client(viewer)
        body = {"name": "changed"}

        answers = [
            client.post(f"/api/v1/{resource}/", body),
            client.put(f"/api/v1/{resource}/{obj.pk}/", body),
            client.patch(f"/api/v1/{resource}/{obj.pk}/", body),
            client.delete(f"/api/v1/{resource}/{obj.pk}/"),
        ]

        assert [(a.status_code, a.json()) for a in answers] == [(403, FORBIDDEN)] * 4
        assert snapshot(obj) == before
        assert type(obj).objects.count() == count

    def test_sees_pos_secrets_masked(self, viewer):
        pos = factories.PosFactory(config={"merchant_id": "m-1", "secret_key": "dummy-secret"})

        response = token_client(viewer).get(f"/api/v1/pos/{pos.pk}/")

        assert response.data["config"] == {"merchant_id": "m-1", "secret_key": "********"}

    def test_a_user_without_any_permission_reads_nothing(self, django_user_model):
        user = django_user_model.objects.create_user("nobody")
        factories.BankFactory()

        response = token_client(user).get("/api/v1/banks/")

        assert response.status_code == 403
        assert response.json() == FORBIDDEN


class TestAnonymous:
    @pytest.mark.parametrize("resource", list(RESOURCES))
    def test_gets_401_with_the_scheme_to_use_everywhere(self, anonymous, resource):
        obj = RESOURCES[resource]()

        answers = [
            anonymous.get(f"/api/v1/{resource}/"),
            anonymous.get(f"/api/v1/{resource}/{obj.pk}/"),
            anonymous.get(f"/api/v1/{resource}/{obj.pk}/history/"),
            anonymous.post(f"/api/v1/{resource}/", {"name": "x"}),
            anonymous.patch(f"/api/v1/{resource}/{obj.pk}/", {"name": "x"}),
            anonymous.delete(f"/api/v1/{resource}/{obj.pk}/"),
        ]

        assert [(a.status_code, a.json()) for a in answers] == [(401, NO_CREDENTIALS)] * 6
        assert {a["WWW-Authenticate"] for a in answers} == {"Token"}
        assert type(obj).objects.filter(pk=obj.pk).exists()

    def test_the_pos_schema_needs_a_user_too(self, anonymous):
        response = anonymous.get("/api/v1/pos/schema/")

        assert response.status_code == 401

    def test_the_openapi_document_and_health_are_public(self, anonymous):
        assert anonymous.get("/api/schema/").status_code == 200
        assert anonymous.get("/health/").status_code == 200


class TestTokens:
    def test_a_token_of_a_user_deactivated_after_login_stops_working(self, anonymous, viewer):
        key = anonymous.post(
            "/api/v1/auth/login/", {"username": "viewer", "password": "viewer-pass-1"}
        ).data["key"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/banks/").status_code == 200

        viewer.is_active = False
        viewer.save()
        response = client.get("/api/v1/banks/")

        assert response.status_code == 401
        assert response.json() == {"detail": "User inactive or deleted."}

    def test_a_deactivated_user_cannot_log_in(self, anonymous, viewer):
        viewer.is_active = False
        viewer.save()

        response = anonymous.post(
            "/api/v1/auth/login/", {"username": "viewer", "password": "viewer-pass-1"}
        )

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["Unable to log in with provided credentials."]
        }

    def test_a_token_stops_working_after_logout(self, viewer):
        client = token_client(viewer)

        assert client.post("/api/v1/auth/logout/").status_code == 204
        response = client.get("/api/v1/banks/")

        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}

    @pytest.mark.parametrize(
        "header",
        [
            "Token not-a-real-token",
            "Token",
            "Token a b",
            "Bearer abc",
            "Basic dmlld2VyOnZpZXdlcg==",
        ],
    )
    def test_a_malformed_or_unknown_credential_is_a_401(self, anonymous, header):
        anonymous.credentials(HTTP_AUTHORIZATION=header)

        response = anonymous.get("/api/v1/banks/")

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_a_token_in_the_query_string_is_not_accepted(self, anonymous, viewer):
        key = Token.objects.create(user=viewer).key

        response = anonymous.get(f"/api/v1/banks/?token={key}")

        assert response.status_code == 401


class TestSessions:
    def test_a_session_write_without_the_csrf_token_is_refused(self, viewer):
        viewer.user_permissions.add(Permission.objects.get(codename="add_channel"))
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(viewer)

        response = client.post("/api/v1/channels/", {"name": "Sneaky"}, format="json")

        assert response.status_code == 403
        assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
        assert not Channel.objects.filter(name="Sneaky").exists()
