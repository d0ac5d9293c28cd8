"""Uploading a channel's banks from CSV files, logos included."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payments.models import Bank
from payments.tests.factories import BankFactory, ChannelFactory
from payments.tests.logo_server import PNG, serve_logos

pytestmark = pytest.mark.django_db

URL = "/api/v1/banks/bulk_create/"


def upload(client, channel, content, name="banks.csv"):
    return client.post(
        f"{URL}?channel={channel.pk}",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
    )


def banks(channel):
    return list(Bank.objects.filter(channel=channel).values_list("name", "slug", "eft_code"))


@pytest.fixture
def channel():
    return ChannelFactory()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def logo_server(settings, media):
    settings.LOGO_ALLOW_PRIVATE_NETWORKS = True
    settings.LOGO_DOWNLOAD_TIMEOUT = 0.5
    with serve_logos() as base_url:
        yield base_url


class TestChannel:
    def test_the_channel_query_parameter_is_required(self, api):
        response = api.post(
            URL, {"file": SimpleUploadedFile("banks.csv", b"name\nAkbank\n")}, format="multipart"
        )

        assert response.status_code == 400
        assert response.json() == {"channel": ["This field is required."]}
        assert Bank.objects.count() == 0

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("abc", "Incorrect type. Expected pk value, received str."),
            ("١", "Incorrect type. Expected pk value, received str."),  # an Arabic-Indic one
            ("999999", 'Invalid pk "999999" - object does not exist.'),
        ],
    )
    def test_a_channel_that_is_not_one_is_a_400(self, api, value, message):
        response = api.post(
            f"{URL}?channel={value}",
            {"file": SimpleUploadedFile("banks.csv", b"name\nAkbank\n")},
            format="multipart",
        )

        assert response.status_code == 400
        assert response.json() == {"channel": [message]}

    def test_a_parameter_the_upload_does_not_know_is_a_400(self, api, channel):
        response = api.post(
            f"{URL}?channel={channel.pk}&dry_run=1",
            {"file": SimpleUploadedFile("banks.csv", b"name\nAkbank\n")},
            format="multipart",
        )

        assert response.status_code == 400
        assert response.json() == {"dry_run": ["Not a parameter here. The parameters: channel."]}
        assert Bank.objects.count() == 0

    def test_no_file_is_file_100_1(self, api, channel):
        response = api.post(f"{URL}?channel={channel.pk}", {}, format="multipart")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "File not found please provide an appropriate file",
            "error_code": "file_100_1",
        }


class TestRows:
    def test_the_turkish_bank_list_is_created_with_transliterated_slugs(
        self, api, channel, shared_data
    ):
        content = (shared_data / "research/data/tr_banks_eft_swift.csv").read_bytes()

        response = upload(api, channel, content)

        assert response.status_code == 200
        answer = response.json()
        assert len(answer) == 47
        assert set(answer.values()) == {"created"}
        assert Bank.objects.filter(channel=channel).count() == 47
        isbank = Bank.objects.get(channel=channel, name="Türkiye İş Bankası A.Ş.")
        assert (isbank.slug, isbank.eft_code) == ("turkiye-is-bankasi-as", "0064")
        assert Bank.objects.get(channel=channel, slug="iller-bankasi-as").eft_code == "0004"

    def test_the_created_banks_are_recorded_in_history_with_the_uploader(self, api, channel):
        upload(api, channel, b"name\nAkbank\nGaranti BBVA\n")

        history = Bank.history.filter(channel=channel)
        assert sorted(history.values_list("slug", "history_type", "history_user__username")) == [
            ("akbank", "+", "root"),
            ("garanti-bbva", "+", "root"),
        ]

    def test_a_windows_1254_file_keeps_its_turkish_letters(self, api, channel):
        content = "name;eft_code\r\nTürkiye İş Bankası;0064\r\nŞekerbank;0059\r\n".encode("cp1254")

        answer = upload(api, channel, content).json()

        assert answer == {"Türkiye İş Bankası": "created", "Şekerbank": "created"}
        assert banks(channel) == [
            ("Türkiye İş Bankası", "turkiye-is-bankasi", "0064"),
            ("Şekerbank", "sekerbank", "0059"),
        ]

    def test_quoted_names_may_hold_the_delimiter_and_quotes(self, api, channel):
        content = (
            'Name,Slug,EFT Code\n"Akbank T.A.Ş., Genel Müdürlük",akbank,0046\n'
            '"Yapı ""Kredi""",yapi-kredi,0067\n'
        ).encode()

        answer = upload(api, channel, content).json()

        assert answer == {"Akbank T.A.Ş., Genel Müdürlük": "created", 'Yapı "Kredi"': "created"}
        assert banks(channel) == [
            ("Akbank T.A.Ş., Genel Müdürlük", "akbank", "0046"),
            ('Yapı "Kredi"', "yapi-kredi", "0067"),
        ]

    def test_an_eft_code_that_lost_its_leading_zeros_gets_them_back(self, api, channel):
        upload(api, channel, b"name,eft_code\nAkbank,46\nZiraat,10\n")

        assert banks(channel) == [("Akbank", "akbank", "0046"), ("Ziraat", "ziraat", "0010")]

    def test_an_invalid_eft_code_refuses_its_row_only(self, api, channel):
        answer = upload(api, channel, b"name,eft_code\nAkbank,00A6\nGaranti,12345\nZiraat,0010\n")

        message = "eft_code: An EFT code is the 4-digit national bank code, e.g. 0062."
        assert answer.json() == {
            "Akbank": message,
            "Garanti": f"{message} Ensure this value has at most 4 characters (it has 5).",
            "Ziraat": "created",
        }
        assert banks(channel) == [("Ziraat", "ziraat", "0010")]

    def test_a_row_without_a_name_is_refused(self, api, channel):
        answer = upload(api, channel, b"name,slug\n,akbank\nGaranti,\n").json()

        assert answer == {"": "name: This field cannot be blank.", "Garanti": "created"}

    def test_a_slug_repeated_in_the_file_is_reported_on_its_second_occurrence(self, api, channel):
        content = "name\nİş Bankası\nIs Bankasi\n\n  \nAkbank\n".encode()

        answer = upload(api, channel, content).json()

        assert answer == {
            "İş Bankası": "created",
            "Is Bankasi": "Duplicate: the slug is-bankasi is on line 2 of this file.",
            "Akbank": "created",
        }
        assert banks(channel) == [
            ("İş Bankası", "is-bankasi", ""),
            ("Akbank", "akbank", ""),
        ]

    def test_two_banks_of_the_same_name_are_both_answered(self, api, channel):
        answer = upload(api, channel, b"name,slug\nAkbank,akbank\nAkbank,akbank-2\n").json()

        assert answer == {"Akbank": "created", "Akbank (line 3)": "created"}

    def test_a_slug_already_on_the_channel_is_refused(self, api, channel):
        BankFactory(channel=channel, slug="akbank")
        BankFactory(slug="garanti")  # another channel's

        answer = upload(api, channel, b"name,slug\nAkbank,akbank\nGaranti,garanti\n").json()

        assert answer == {
            "Akbank": "A bank with the slug akbank already exists on this channel.",
            "Garanti": "created",
        }

    def test_a_header_without_a_name_column_is_file_100_2(self, api, channel):
        response = upload(api, channel, b"bank;code\nAkbank;0046\n")

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "The first line must be a header naming the columns name, slug, "
            "eft_code, logo (only name required); it has: bank, code.",
            "error_code": "file_100_2",
        }
        assert Bank.objects.count() == 0


class TestLogos:
    def test_logos_are_downloaded_and_stored_with_the_bank(self, api, channel, logo_server):
        content = (
            f"name,logo\nAkbank,{logo_server}/logo.png\nZiraat,\n"
            f"Garanti,{logo_server}/logo.jpg\n".encode()
        )

        answer = upload(api, channel, content).json()

        assert answer == {"Akbank": "created", "Ziraat": "created", "Garanti": "created"}
        akbank = Bank.objects.get(channel=channel, slug="akbank")
        assert akbank.logo.name == "banks/akbank.png"
        assert akbank.logo.read() == PNG
        assert Bank.objects.get(channel=channel, slug="ziraat").logo.name in ("", None)
        assert Bank.objects.get(channel=channel, slug="garanti").logo.name == "banks/garanti.jpg"

    def test_a_logo_that_cannot_be_had_refuses_its_row_only(
        self, api, channel, logo_server, settings
    ):
        settings.LOGO_MAX_BYTES = 2000
        content = (
            f"name,logo\nAkbank,ftp://{logo_server[7:]}/logo.png\nGaranti,{logo_server}/page.html\n"
            f"Halkbank,{logo_server}/big.png\nVakifbank,{logo_server}/slow.png\n"
            f"Ziraat,{logo_server}/logo.png\n"
        ).encode()

        answer = upload(api, channel, content).json()

        assert answer == {
            "Akbank": "logo: only http and https URLs are accepted, not ftp.",
            "Garanti": "logo: the URL does not give an image (PNG, JPEG, GIF or WebP).",
            "Halkbank": "logo: the image is larger than 2,000 bytes.",
            "Vakifbank": "logo: the download timed out after 0.5 s.",
            "Ziraat": "created",
        }
        assert banks(channel) == [("Ziraat", "ziraat", "")]

    def test_a_malformed_logo_url_refuses_its_row_only(self, api, channel, logo_server):
        content = (
            f"name,logo\nAkbank,http://[abc/logo.png\nGaranti,http://{'a' * 64}.example.com/x.png\n"
            f"Ziraat,{logo_server}/logo.png\n"
        ).encode()

        response = upload(api, channel, content)

        assert response.status_code == 200
        assert response.json() == {
            "Akbank": "logo: the URL is not a valid http or https address.",
            "Garanti": "logo: the URL is not a valid http or https address.",
            "Ziraat": "created",
        }
        assert [slug for _name, slug, _eft in banks(channel)] == ["ziraat"]

    def test_a_logo_on_a_private_address_is_refused_unless_the_setting_allows_it(
        self, api, channel, logo_server, settings
    ):
        settings.LOGO_ALLOW_PRIVATE_NETWORKS = False

        answer = upload(api, channel, f"name,logo\nAkbank,{logo_server}/logo.png\n".encode())

        assert answer.json() == {
            "Akbank": "logo: the host 127.0.0.1 has the address 127.0.0.1, on a private, "
            "loopback or link-local network; logos must come from the internet."
        }
        assert Bank.objects.count() == 0

    def test_no_logo_is_downloaded_for_a_row_refused_otherwise(
        self, api, channel, logo_server, media
    ):
        BankFactory(channel=channel, slug="akbank")

        upload(api, channel, f"name,logo\nAkbank,{logo_server}/logo.png\n".encode())

        assert not (media / "banks").exists()

    def test_an_upload_refused_half_way_leaves_no_logo_in_storage(
        self, api, channel, logo_server, media
    ):
        # The first batch (100 rows) is written, logo included; the field over the csv module's
        # size limit on the last line then refuses the whole file, and the batch is rolled back.
        rows = [f"Akbank,{logo_server}/logo.png"] + [f"Bank {n}," for n in range(1, 101)]
        content = ("name,logo\n" + "\n".join(rows) + "\n" + "x" * 200_000 + ",\n").encode()

        response = upload(api, channel, content)

        assert response.status_code == 406
        assert response.json()["error_code"] == "file_100_2"
        assert Bank.objects.count() == 0
        assert list((media / "banks").iterdir()) == []
