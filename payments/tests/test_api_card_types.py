"""`/api/v1/card_types/`: card networks with logo uploads, the reference filters and the coded
refusals (`card_type_100_1`, `card_type_100_2`)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from payments import models
from payments.tests.factories import CardFactory, CardTypeFactory, ChannelFactory
from payments.tests.helpers import pks, set_modified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def channel():
    return ChannelFactory(name="Web Shop")


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("troy.png", buffer.getvalue(), content_type="image/png")


class TestWrites:
    def test_create_answers_201_with_every_field(self, api, channel):
        response = api.post(
            "/api/v1/card_types/", {"name": "Troy", "slug": "troy", "channel": channel.pk}
        )

        assert response.status_code == 201
        assert list(response.json()) == [
            "pk",
            "name",
            "slug",
            "logo",
            "channel",
            "created_date",
            "modified_date",
        ]

    def test_a_logo_is_uploaded_as_a_file(self, api, channel):
        response = api.post(
            "/api/v1/card_types/",
            {"name": "Troy", "slug": "troy", "channel": channel.pk, "logo": png()},
            format="multipart",
        )

        assert response.status_code == 201
        assert response.json()["logo"].startswith("http://testserver/media/card_types/troy")

    def test_a_logo_that_is_not_a_file_is_a_400_with_the_reference_message(self, api, channel):
        response = api.post(
            "/api/v1/card_types/",
            {"name": "Troy", "slug": "troy", "channel": channel.pk, "logo": "troy.png"},
        )

        assert response.status_code == 400
        assert response.json() == {
            "logo": ["The submitted data was not a file. Check the encoding type on the form."]
        }

    def test_slug_and_channel_make_a_unique_set(self, api, channel):
        CardTypeFactory(slug="visa", channel=channel)
        response = api.post(
            "/api/v1/card_types/", {"name": "Visa", "slug": "visa", "channel": channel.pk}
        )

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields slug, channel must make a unique set."]
        }

    def test_put_answers_200(self, api, channel):
        card_type = CardTypeFactory(channel=channel)
        response = api.put(
            f"/api/v1/card_types/{card_type.pk}/",
            {"name": "Mastercard", "slug": "mastercard", "channel": channel.pk},
        )

        assert response.status_code == 200
        assert response.json()["slug"] == "mastercard"

    def test_moving_a_card_type_to_another_channel_is_a_406_card_type_100_2(self, api, channel):
        card_type = CardTypeFactory(slug="visa", channel=channel)
        other = ChannelFactory()

        response = api.patch(f"/api/v1/card_types/{card_type.pk}/", {"channel": other.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of CardType: visa cannot change.",
            "error_code": "card_type_100_2",
        }

    def test_a_move_onto_a_channel_with_the_same_slug_is_still_card_type_100_2(self, api, channel):
        card_type = CardTypeFactory(slug="troy", channel=channel)
        other = ChannelFactory()
        CardTypeFactory(slug="troy", channel=other)

        response = api.patch(f"/api/v1/card_types/{card_type.pk}/", {"channel": other.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of CardType: troy cannot change.",
            "error_code": "card_type_100_2",
        }

    def test_an_unused_card_type_is_deleted(self, api):
        card_type = CardTypeFactory()

        assert api.delete(f"/api/v1/card_types/{card_type.pk}/").status_code == 204
        assert not models.CardType.objects.filter(pk=card_type.pk).exists()

    def test_a_card_type_cards_use_is_a_406_card_type_100_1(self, api):
        card = CardFactory(card_type__slug="amex")

        response = api.delete(f"/api/v1/card_types/{card.card_type.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "CardType: amex cannot be deleted: it is used by 1 card.",
            "error_code": "card_type_100_1",
        }


class TestFilters:
    def test_by_channel(self, api, channel):
        mine = CardTypeFactory(channel=channel)
        CardTypeFactory()
        assert pks(api.get(f"/api/v1/card_types/?channel={channel.pk}")) == [mine.pk]

    def test_by_id(self, api):
        CardTypeFactory()
        wanted = CardTypeFactory()
        assert pks(api.get(f"/api/v1/card_types/?id={wanted.pk}")) == [wanted.pk]

    def test_by_modified_date(self, api):
        old = CardTypeFactory()
        new = CardTypeFactory()
        set_modified(old, "2023-06-01T00:00:00")
        set_modified(new, "2025-06-01T00:00:00")
        response = api.get("/api/v1/card_types/?modified_date__gt=2024-01-01T00:00:00Z")
        assert pks(response) == [new.pk]

    def test_slug_is_not_a_reference_filter_and_is_a_400(self, api):
        CardTypeFactory(slug="visa")

        response = api.get("/api/v1/card_types/?slug=visa")

        assert response.status_code == 400
        assert response.json() == {
            "slug": [
                "Not a filter of this resource. Its filters: channel, modified_date, "
                "modified_date__gt, modified_date__gte, modified_date__lt, modified_date__lte, "
                "id, id__in."
            ]
        }
