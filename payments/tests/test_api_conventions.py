"""Conventions every endpoint follows (SPEC §2): token login, model permissions, `page`/`limit`
pagination, the `pk` key, timestamps, `?sort=`, and the error bodies."""

import re

import pytest
from django.db.models import ProtectedError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import grant, token_client
from omnitron.services import ModelService
from payments.resources import serializers
from payments.services import InstallmentService
from payments.tests.factories import (
    CardFactory,
    ChannelFactory,
    InstallmentFactory,
    PaymentOptionFactory,
    PosFactory,
)
from payments.tests.helpers import ISO_UTC, pks, set_modified
from sales_channels.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("clerk", password="clerk-pass-123")


class TestTokenLogin:
    def test_login_answers_the_users_token_key(self, anonymous, user):
        response = anonymous.post(
            "/api/v1/auth/login/", {"username": "clerk", "password": "clerk-pass-123"}
        )

        assert response.status_code == 200
        assert response.json() == {"key": Token.objects.get(user=user).key}

    def test_the_key_authenticates_later_requests(self, anonymous, user):
        grant(user, "payments.view_card")
        key = anonymous.post(
            "/api/v1/auth/login/", {"username": "clerk", "password": "clerk-pass-123"}
        ).json()["key"]

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/cards/").status_code == 200

    def test_login_twice_answers_the_same_key(self, anonymous, user):
        credentials = {"username": "clerk", "password": "clerk-pass-123"}
        first = anonymous.post("/api/v1/auth/login/", credentials).json()["key"]
        assert anonymous.post("/api/v1/auth/login/", credentials).json()["key"] == first

    def test_login_accepts_a_form_body(self, user):
        response = APIClient().post(
            "/api/v1/auth/login/",
            {"username": "clerk", "password": "clerk-pass-123"},
            format="multipart",
        )
        assert response.status_code == 200

    def test_bad_credentials_are_a_400(self, anonymous, user):
        response = anonymous.post("/api/v1/auth/login/", {"username": "clerk", "password": "no"})

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["Unable to log in with provided credentials."]
        }

    def test_missing_credentials_are_a_400_per_field(self, anonymous):
        response = anonymous.post("/api/v1/auth/login/", {})

        assert response.status_code == 400
        assert response.json() == {
            "username": ["This field is required."],
            "password": ["This field is required."],
        }

    def test_an_inactive_user_cannot_log_in(self, anonymous, user):
        user.is_active = False
        user.save()
        response = anonymous.post(
            "/api/v1/auth/login/", {"username": "clerk", "password": "clerk-pass-123"}
        )
        assert response.status_code == 400

    def test_login_only_takes_post(self, anonymous):
        response = anonymous.get("/api/v1/auth/login/")
        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "GET" not allowed.'}

    def test_logout_deletes_the_token(self, user):
        grant(user, "payments.view_card")
        client = token_client(user)

        assert client.post("/api/v1/auth/logout/").status_code == 204
        assert not Token.objects.filter(user=user).exists()
        assert client.get("/api/v1/cards/").status_code == 401


class TestAuthentication:
    def test_no_token_is_a_401(self, anonymous):
        response = anonymous.get("/api/v1/cards/")

        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}

    def test_a_bad_token_is_a_401(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
        response = client.get("/api/v1/cards/")

        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}

    def test_a_401_names_the_token_scheme(self, anonymous):
        assert anonymous.get("/api/v1/cards/")["WWW-Authenticate"] == "Token"

    def test_session_login_works_too(self, user):
        grant(user, "payments.view_card")
        client = APIClient()
        assert client.login(username="clerk", password="clerk-pass-123")

        assert client.get("/api/v1/cards/").status_code == 200

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/channels/",
            "/api/v1/pos/",
            "/api/v1/pos/schema/",
            "/api/v1/banks/",
            "/api/v1/card_types/",
            "/api/v1/cards/",
            "/api/v1/multi_currency_cards/",
            "/api/v1/bin_numbers/",
            "/api/v1/installments/",
            "/api/v1/bank_accounts/",
            "/api/v1/payment_options/",
        ],
    )
    def test_every_resource_needs_authentication(self, anonymous, path):
        assert anonymous.get(path).status_code == 401


class TestModelPermissions:
    def test_reading_needs_the_view_permission(self, user):
        CardFactory()
        response = token_client(user).get("/api/v1/cards/")

        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}

    def test_the_view_permission_reads_lists_and_details(self, user):
        card = CardFactory()
        client = token_client(grant(user, "payments.view_card"))

        assert client.get("/api/v1/cards/").status_code == 200
        assert client.get(f"/api/v1/cards/{card.pk}/").status_code == 200

    def test_the_view_permission_of_one_model_does_not_read_another(self, user):
        client = token_client(grant(user, "payments.view_card"))
        assert client.get("/api/v1/banks/").status_code == 403

    def test_creating_needs_the_add_permission(self, user):
        channel = ChannelFactory()
        body = {
            "name": "Cash",
            "slug": "cash",
            "channel": channel.pk,
            "payment_type": "cash_register",
        }
        viewer = token_client(grant(user, "payments.view_paymentoption"))
        assert viewer.post("/api/v1/payment_options/", body).status_code == 403

        grant(user, "payments.add_paymentoption")
        assert token_client(user).post("/api/v1/payment_options/", body).status_code == 201

    def test_changing_needs_the_change_permission(self, user):
        option = PaymentOptionFactory()
        grant(user, "payments.view_paymentoption")
        path = f"/api/v1/payment_options/{option.pk}/"
        assert token_client(user).patch(path, {"name": "Renamed"}).status_code == 403

        grant(user, "payments.change_paymentoption")
        assert token_client(user).patch(path, {"name": "Renamed"}).status_code == 200

    def test_deleting_needs_the_delete_permission(self, user):
        option = PaymentOptionFactory()
        grant(user, "payments.view_paymentoption")
        path = f"/api/v1/payment_options/{option.pk}/"
        assert token_client(user).delete(path).status_code == 403

        grant(user, "payments.delete_paymentoption")
        assert token_client(user).delete(path).status_code == 204

    def test_a_write_permission_alone_does_not_read(self, user):
        option = PaymentOptionFactory()
        client = token_client(grant(user, "payments.change_paymentoption"))
        assert client.get(f"/api/v1/payment_options/{option.pk}/").status_code == 403


class TestPagination:
    def test_ten_per_page_by_default_in_the_reference_envelope(self, api):
        options = PaymentOptionFactory.create_batch(12)
        body = api.get("/api/v1/payment_options/").json()

        assert list(body) == ["count", "next", "previous", "results"]
        assert body["count"] == 12
        assert body["next"] == "http://testserver/api/v1/payment_options/?page=2"
        assert body["previous"] is None
        assert [item["pk"] for item in body["results"]] == [o.pk for o in options[:10]]

    def test_page_and_limit_choose_the_slice(self, api):
        options = PaymentOptionFactory.create_batch(7)
        body = api.get("/api/v1/payment_options/?page=2&limit=3").json()

        assert [item["pk"] for item in body["results"]] == [o.pk for o in options[3:6]]
        assert body["next"] == "http://testserver/api/v1/payment_options/?limit=3&page=3"
        assert body["previous"] == "http://testserver/api/v1/payment_options/?limit=3"

    def test_the_last_page_has_no_next(self, api):
        PaymentOptionFactory.create_batch(4)
        body = api.get("/api/v1/payment_options/?page=2&limit=3").json()

        assert len(body["results"]) == 1
        assert body["next"] is None

    def test_a_page_past_the_end_is_a_404(self, api):
        PaymentOptionFactory.create_batch(3)
        response = api.get("/api/v1/payment_options/?page=2")

        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}

    def test_an_empty_list_has_a_first_page(self, api):
        response = api.get("/api/v1/payment_options/?page=1")

        assert response.status_code == 200
        assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}

    def test_a_limit_above_1000_is_capped_at_1000(self, api):
        Channel.objects.bulk_create(Channel(name=f"Shop {n}") for n in range(1001))
        body = api.get("/api/v1/channels/?limit=5000").json()

        assert body["count"] == 1001
        assert len(body["results"]) == 1000
        assert body["next"] == "http://testserver/api/v1/channels/?limit=5000&page=2"

    def test_a_limit_of_1000_is_served_whole(self, api):
        Channel.objects.bulk_create(Channel(name=f"Shop {n}") for n in range(1000))
        body = api.get("/api/v1/channels/?limit=1000").json()

        assert len(body["results"]) == 1000
        assert body["next"] is None

    @pytest.mark.parametrize("limit", ["0", "-1", "ten", "2.5"])
    def test_a_limit_that_is_not_a_positive_number_is_a_400(self, api, limit):
        response = api.get(f"/api/v1/payment_options/?limit={limit}")

        assert response.status_code == 400
        assert response.json() == {"limit": ["A positive whole number is required."]}


class TestIdentifiers:
    def test_objects_carry_an_integer_pk_and_no_id(self, api):
        option = PaymentOptionFactory()
        body = api.get(f"/api/v1/payment_options/{option.pk}/").json()

        assert body["pk"] == option.pk
        assert "id" not in body

    def test_id_filters_one_object(self, api):
        _first, second = PaymentOptionFactory.create_batch(2)
        assert pks(api.get(f"/api/v1/payment_options/?id={second.pk}")) == [second.pk]

    def test_id_in_filters_several(self, api):
        first, _second, third = PaymentOptionFactory.create_batch(3)
        response = api.get(f"/api/v1/payment_options/?id__in={first.pk},{third.pk}")
        assert pks(response) == [first.pk, third.pk]

    @pytest.mark.parametrize("query", ["id=abc", "id__in=1,abc"])
    def test_a_non_numeric_id_is_a_400_naming_the_parameter(self, api, query):
        response = api.get(f"/api/v1/payment_options/?{query}")

        assert response.status_code == 400
        assert response.json() == {query.split("=")[0]: ["Enter a whole number."]}

    def test_an_unknown_pk_is_a_404_with_a_detail(self, api):
        response = api.get("/api/v1/cards/987654/")

        assert response.status_code == 404
        assert response.json() == {"detail": "No Card matches the given query."}

    def test_a_non_numeric_pk_is_a_404(self, api):
        response = api.get("/api/v1/cards/abc/")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


class TestTimestamps:
    def test_answers_carry_iso_utc_timestamps_ending_in_z(self, api):
        option = PaymentOptionFactory()
        body = api.get(f"/api/v1/payment_options/{option.pk}/").json()

        assert re.match(ISO_UTC, body["created_date"])
        assert re.match(ISO_UTC, body["modified_date"])

    def test_timestamps_are_read_only(self, api):
        channel = ChannelFactory()
        response = api.post(
            "/api/v1/payment_options/",
            {
                "name": "Cash",
                "slug": "cash",
                "channel": channel.pk,
                "payment_type": "pay_on_delivery",
                "created_date": "2001-01-01T00:00:00Z",
                "modified_date": "2001-01-01T00:00:00Z",
            },
        )

        assert response.status_code == 201
        assert not response.json()["created_date"].startswith("2001")
        assert not response.json()["modified_date"].startswith("2001")

    def test_a_change_moves_modified_date_only(self, api):
        option = PaymentOptionFactory()
        set_modified(option, "2020-01-01T00:00:00")
        before = api.get(f"/api/v1/payment_options/{option.pk}/").json()

        after = api.patch(f"/api/v1/payment_options/{option.pk}/", {"name": "New"}).json()

        assert after["created_date"] == before["created_date"]
        assert before["modified_date"] == "2020-01-01T00:00:00Z"
        assert after["modified_date"] > "2020-01-01T00:00:00Z"

    @pytest.mark.parametrize(
        ("lookup", "expected"),
        [
            ("modified_date=2024-05-02T00:00:00Z", ["may"]),
            ("modified_date__gt=2024-05-02T00:00:00Z", ["june"]),
            ("modified_date__gte=2024-05-02T00:00:00Z", ["may", "june"]),
            ("modified_date__lt=2024-05-02T00:00:00Z", ["april"]),
            ("modified_date__lte=2024-05-02T00:00:00Z", ["april", "may"]),
        ],
    )
    def test_modified_date_filters_take_the_lookups(self, api, lookup, expected):
        dated = {}
        for name, when in [
            ("april", "2024-04-01T12:00:00"),
            ("may", "2024-05-02T00:00:00"),
            ("june", "2024-06-03T08:30:00"),
        ]:
            dated[name] = PosFactory(slug=name)
            set_modified(dated[name], when)

        response = api.get(f"/api/v1/pos/?{lookup}")

        assert pks(response) == [dated[name].pk for name in expected]

    @pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-05-02T25:00:00Z"])
    def test_a_malformed_date_is_a_400_naming_the_parameter(self, api, value):
        response = api.get(f"/api/v1/pos/?modified_date__gt={value}")

        assert response.status_code == 400
        assert response.json() == {"modified_date__gt": ["Enter a valid date/time."]}


class TestSorting:
    def test_lists_are_in_pk_order_by_default(self, api):
        card = CardFactory()
        later = InstallmentFactory(card=card, installment_count=2)
        earlier_count = InstallmentFactory(card=card, installment_count=1)
        assert pks(api.get("/api/v1/installments/")) == [later.pk, earlier_count.pk]

    def test_sort_orders_by_a_field(self, api):
        b = PaymentOptionFactory(name="B")
        c = PaymentOptionFactory(name="C")
        a = PaymentOptionFactory(name="A")
        assert pks(api.get("/api/v1/payment_options/?sort=name")) == [a.pk, b.pk, c.pk]

    def test_a_minus_sign_reverses_the_order(self, api):
        b = PaymentOptionFactory(name="B")
        c = PaymentOptionFactory(name="C")
        a = PaymentOptionFactory(name="A")
        assert pks(api.get("/api/v1/payment_options/?sort=-name")) == [c.pk, b.pk, a.pk]

    def test_ties_are_broken_by_pk(self, api):
        first = PaymentOptionFactory(sort_order=1)
        second = PaymentOptionFactory(sort_order=0)
        third = PaymentOptionFactory(sort_order=1)
        response = api.get("/api/v1/payment_options/?sort=sort_order")
        assert pks(response) == [second.pk, first.pk, third.pk]

    def test_sort_takes_several_fields(self, api):
        first = PaymentOptionFactory(sort_order=1, name="A")
        second = PaymentOptionFactory(sort_order=0, name="B")
        third = PaymentOptionFactory(sort_order=1, name="C")
        response = api.get("/api/v1/payment_options/?sort=-sort_order,-name")
        assert pks(response) == [third.pk, first.pk, second.pk]

    def test_sort_by_id_is_sort_by_pk(self, api):
        first, second = PaymentOptionFactory.create_batch(2)
        assert pks(api.get("/api/v1/payment_options/?sort=-id")) == [second.pk, first.pk]

    @pytest.mark.parametrize("sort", ["--pk", "pk,--name", "-", "name-"])
    def test_a_malformed_sort_term_is_a_400(self, api, sort):
        response = api.get(f"/api/v1/payment_options/?sort={sort}")

        assert response.status_code == 400
        assert response.json()["sort"][0].startswith("Cannot sort by ")

    def test_sort_by_pk_descending(self, api):
        first, second = PaymentOptionFactory.create_batch(2)
        assert pks(api.get("/api/v1/payment_options/?sort=-pk")) == [second.pk, first.pk]

    def test_an_unknown_sort_field_is_a_400_listing_the_choices(self, api):
        response = api.get("/api/v1/payment_options/?sort=price")

        assert response.status_code == 400
        assert response.json() == {
            "sort": [
                "Cannot sort by price. Choose from: channel, config, created_date, is_active, "
                "modified_date, name, payment_type, pk, slug, sort_order (a leading - sorts in "
                "descending order)."
            ]
        }


class TestErrorBodies:
    def test_a_method_not_allowed_is_drfs_405(self, api):
        card = CardFactory()
        response = api.post(f"/api/v1/cards/{card.pk}/", {})

        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "POST" not allowed.'}

    def test_a_path_without_its_slash_is_a_json_404_naming_the_right_path(self, api):
        response = api.post("/api/v1/cards", {"name": "x"})

        assert response.status_code == 404
        assert response.json() == {
            "detail": "Not found. API paths end with a slash: /api/v1/cards/"
        }

    def test_the_admin_still_redirects_to_the_slashed_path(self, api):
        response = api.get("/admin")

        assert response.status_code == 301
        assert response["Location"] == "/admin/"

    def test_an_unsatisfiable_accept_header_is_answered_in_json_not_406(self, api):
        response = api.get("/api/v1/cards/", HTTP_ACCEPT="application/xml")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"

    def test_malformed_json_is_a_400(self, api):
        response = api.generic(
            "POST", "/api/v1/payment_options/", "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["detail"].startswith("JSON parse error")

    def test_a_unique_set_broken_meanwhile_is_a_400_not_a_500(self, api, monkeypatch):
        """Another request stored the same slug after this one was validated: the database
        refuses the insert and the client gets the usual unique-set message."""
        taken = PaymentOptionFactory(slug="cash")
        monkeypatch.setattr(serializers.PaymentOptionSerializer, "get_validators", lambda s: [])

        response = api.post(
            "/api/v1/payment_options/",
            {
                "name": "Cash",
                "slug": "cash",
                "channel": taken.channel_id,
                "payment_type": "redirection",
            },
        )

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields slug, channel must make a unique set."]
        }

    def test_an_integrity_error_no_service_explains_is_still_a_400(self, api, monkeypatch):
        taken = PaymentOptionFactory(slug="cash")
        monkeypatch.setattr(serializers.PaymentOptionSerializer, "get_validators", lambda s: [])
        monkeypatch.setattr(ModelService, "explain_integrity_error", lambda self, instance: None)

        response = api.post(
            "/api/v1/payment_options/",
            {
                "name": "Cash",
                "slug": "cash",
                "channel": taken.channel_id,
                "payment_type": "redirection",
            },
        )

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The change conflicts with data stored meanwhile; try again."]
        }

    def test_a_protected_delete_no_service_explains_is_a_406_not_a_500(self, api, monkeypatch):
        installment = InstallmentFactory()

        def refuse(self, instance):
            raise ProtectedError("referenced", set())

        monkeypatch.setattr(InstallmentService, "delete", refuse)

        response = api.delete(f"/api/v1/installments/{installment.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Still in use; remove what refers to it first.",
            "error_code": "protected",
        }
