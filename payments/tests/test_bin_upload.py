"""Uploading a card's BINs from CSV files: the real public BIN list and files with each defect
real files have."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payments.models import BinNumber
from payments.tests.factories import BinNumberFactory, CardFactory

pytestmark = pytest.mark.django_db


def upload_url(card):
    return f"/api/v1/cards/{card.pk}/bin_numbers/bulk_create/"


def upload(client, card, content, name="bins.csv"):
    return client.post(
        upload_url(card),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
    )


class TestRealBinList:
    def test_every_row_of_the_public_turkish_bin_list_is_created(self, api, shared_data):
        card = CardFactory()
        content = (shared_data / "data/turkey_bin_list.csv").read_bytes()

        response = upload(api, card, content)

        assert response.status_code == 200
        answer = response.json()
        assert len(answer) == 1875
        assert set(answer.values()) == {"created"}
        assert list(answer)[:3] == ["405040", "410431", "413791"]
        assert BinNumber.objects.filter(card=card).count() == 1875
