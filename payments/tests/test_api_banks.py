"""`/api/v1/banks/`: banks with EFT codes and logos, their filters, and the coded refusals
(`bank_100_1`, `bank_100_2`)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from payments import models
from payments.tests.factories import (
    BankAccountFactory,
    BankFactory,
    CardFactory,
    ChannelFactory,
)
from payments.tests.helpers import pks, set_modified

pytestmark = pytest.mark.django_db

NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def channel():
    return ChannelFactory(name="Web Shop")


def png(name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class TestCreate:
    def test_create_answers_201_with_every_field(self, api, channel):
        response = api.post(
            "/api/v1/banks/",
            {
                "name": "Türkiye İş Bankası",
                "slug": "is-bankasi",
                "eft_code": "0064",
                "channel": channel.pk,
            },
        )

        assert response.status_code == 201
        body = response.json()
        assert list(body) == [
            "pk",
            "name",
            "slug",
            "logo",
            "eft_code",
            "channel",
            "created_date",
            "modified_date",
        ]
        assert body["name"] == "Türkiye İş Bankası"
        assert body["eft_code"] == "0064"
        assert body["logo"] is None

    def test_the_eft_code_keeps_its_leading_zeros(self, api, channel):
        response = api.post(
            "/api/v1/banks/",
            {"name": "İller Bankası", "slug": "iller", "eft_code": "0004", "channel": channel.pk},
        )
        assert response.json()["eft_code"] == "0004"
        assert models.Bank.objects.get().eft_code == "0004"

    def test_the_eft_code_is_optional(self, api, channel):
        response = api.post("/api/v1/banks/", {"name": "B", "slug": "b", "channel": channel.pk})

        assert response.status_code == 201
        assert response.json()["eft_code"] == ""

    @pytest.mark.parametrize("code", ["62", "00062", "006a", "٠٠٦٢"])
    def test_an_eft_code_that_is_not_four_ascii_digits_is_a_400(self, api, channel, code):
        response = api.post(
            "/api/v1/banks/", {"name": "B", "slug": "b", "eft_code": code, "channel": channel.pk}
        )

        assert response.status_code == 400
        assert list(response.json()) == ["eft_code"]

    def test_a_short_eft_code_gets_the_format_message(self, api, channel):
        response = api.post(
            "/api/v1/banks/", {"name": "B", "slug": "b", "eft_code": "62", "channel": channel.pk}
        )
        assert response.json() == {
            "eft_code": ["An EFT code is the 4-digit national bank code, e.g. 0062."]
        }

    def test_a_logo_is_uploaded_as_a_file(self, api, channel, media):
        response = api.post(
            "/api/v1/banks/",
            {"name": "Akbank", "slug": "akbank", "channel": channel.pk, "logo": png()},
            format="multipart",
        )

        assert response.status_code == 201
        logo = response.json()["logo"]
        assert logo.startswith("http://testserver/media/banks/logo")
        assert logo.endswith(".png")
        assert (media / models.Bank.objects.get().logo.name).is_file()

    def test_a_logo_that_is_not_a_file_is_a_400_with_the_reference_message(self, api, channel):
        response = api.post(
            "/api/v1/banks/",
            {
                "name": "Akbank",
                "slug": "akbank",
                "channel": channel.pk,
                "logo": "https://example.com/logo.png",
            },
        )

        assert response.status_code == 400
        assert response.json() == {"logo": [NOT_A_FILE]}

    def test_a_file_that_is_not_an_image_is_a_400(self, api, channel):
        text = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
        response = api.post(
            "/api/v1/banks/",
            {"name": "Akbank", "slug": "akbank", "channel": channel.pk, "logo": text},
            format="multipart",
        )

        assert response.status_code == 400
        assert response.json() == {
            "logo": [
                "Upload a valid image. The file you uploaded was either not an image or a "
                "corrupted image."
            ]
        }

    def test_slug_and_channel_make_a_unique_set(self, api, channel):
        BankFactory(slug="akbank", channel=channel)
        response = api.post(
            "/api/v1/banks/", {"name": "Akbank", "slug": "akbank", "channel": channel.pk}
        )

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields slug, channel must make a unique set."]
        }

    def test_a_unicode_slug_is_accepted(self, api, channel):
        response = api.post(
            "/api/v1/banks/", {"name": "İş Bankası", "slug": "iş-bankası", "channel": channel.pk}
        )
        assert response.json()["slug"] == "iş-bankası"


class TestUpdateAndDelete:
    def test_patch_answers_200(self, api):
        bank = BankFactory()
        response = api.patch(f"/api/v1/banks/{bank.pk}/", {"eft_code": "0010"})

        assert response.status_code == 200
        assert response.json()["eft_code"] == "0010"

    def test_a_logo_is_replaced_by_a_multipart_patch(self, api):
        bank = BankFactory()
        response = api.patch(f"/api/v1/banks/{bank.pk}/", {"logo": png()}, format="multipart")

        assert response.status_code == 200
        bank.refresh_from_db()
        assert bank.logo.name.startswith("banks/logo")

    def test_moving_a_bank_to_another_channel_is_a_406_bank_100_2(self, api, channel):
        bank = BankFactory(slug="akbank", channel=channel)
        other = ChannelFactory()

        response = api.patch(f"/api/v1/banks/{bank.pk}/", {"channel": other.pk})

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of Bank: akbank cannot change.",
            "error_code": "bank_100_2",
        }

    def test_put_to_another_channel_is_a_406_bank_100_2(self, api, channel):
        bank = BankFactory(slug="akbank", channel=channel)
        other = ChannelFactory()

        response = api.put(
            f"/api/v1/banks/{bank.pk}/", {"name": "Akbank", "slug": "akbank", "channel": other.pk}
        )

        assert response.status_code == 406
        assert response.json()["error_code"] == "bank_100_2"

    def test_a_put_onto_a_channel_with_the_same_slug_is_still_bank_100_2(self, api, channel):
        bank = BankFactory(slug="akbank", channel=channel)
        other = ChannelFactory()
        BankFactory(slug="akbank", channel=other)

        response = api.put(
            f"/api/v1/banks/{bank.pk}/", {"name": "Akbank", "slug": "akbank", "channel": other.pk}
        )

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Channel: Web Shop of Bank: akbank cannot change.",
            "error_code": "bank_100_2",
        }

    def test_an_unused_bank_is_deleted(self, api):
        bank = BankFactory()

        assert api.delete(f"/api/v1/banks/{bank.pk}/").status_code == 204
        assert not models.Bank.objects.filter(pk=bank.pk).exists()

    def test_a_bank_cards_use_is_a_406_bank_100_1(self, api):
        card = CardFactory(bank__slug="garanti")

        response = api.delete(f"/api/v1/banks/{card.bank.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Bank: garanti cannot be deleted: it is used by 1 card.",
            "error_code": "bank_100_1",
        }

    def test_a_bank_with_an_active_account_is_kept(self, api):
        account = BankAccountFactory(bank__slug="ziraat")

        response = api.delete(f"/api/v1/banks/{account.bank.pk}/")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "Bank: ziraat cannot be deleted: it is used by 1 bank account.",
            "error_code": "bank_100_1",
        }

    def test_deactivated_accounts_go_with_their_bank(self, api):
        account = BankAccountFactory(is_active=False)

        assert api.delete(f"/api/v1/banks/{account.bank.pk}/").status_code == 204
        assert not models.BankAccount.objects.filter(pk=account.pk).exists()


class TestFilters:
    def test_by_channel(self, api, channel):
        mine = BankFactory(channel=channel)
        BankFactory()
        assert pks(api.get(f"/api/v1/banks/?channel={channel.pk}")) == [mine.pk]

    def test_by_name_with_turkish_letters(self, api):
        isbank = BankFactory(name="Türkiye İş Bankası")
        BankFactory(name="Akbank")
        assert pks(api.get("/api/v1/banks/?name=Türkiye İş Bankası")) == [isbank.pk]

    def test_by_slug(self, api):
        BankFactory(slug="akbank")
        garanti = BankFactory(slug="garanti")
        assert pks(api.get("/api/v1/banks/?slug=garanti")) == [garanti.pk]

    def test_by_id(self, api):
        BankFactory()
        wanted = BankFactory()
        assert pks(api.get(f"/api/v1/banks/?id={wanted.pk}")) == [wanted.pk]

    def test_by_modified_date(self, api):
        old = BankFactory()
        new = BankFactory()
        set_modified(old, "2023-06-01T00:00:00")
        set_modified(new, "2025-06-01T00:00:00")
        assert pks(api.get("/api/v1/banks/?modified_date__lt=2024-01-01T00:00:00Z")) == [old.pk]

    def test_a_non_numeric_channel_is_a_400(self, api):
        response = api.get("/api/v1/banks/?channel=abc")

        assert response.status_code == 400
        assert list(response.json()) == ["channel"]
