"""The admin pages as a panel user works them: pages that stay usable whatever the amount of
data behind them, and saves that go through the service layer like the API's."""

import csv

import pytest

from payments import models
from payments.imports.report import ImportTally
from payments.services import BinNumberService
from payments.tests.factories import BankAccountFactory, BinNumberFactory, CardFactory
from payments.tests.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]


@pytest.fixture
def panel(client, admin_user):
    """A browser logged in to the admin as a superuser."""
    client.force_login(admin_user)
    return client


def turkish_bin_list(shared_data):
    with (shared_data / "data/turkey_bin_list.csv").open(encoding="utf-8-sig") as handle:
        return [row["BIN"] for row in csv.DictReader(handle, delimiter=";")]


def resubmit(panel, url, form_id):
    """GET the change page at `url` and post its form back untouched, as a browser would."""
    page = panel.get(url)
    assert page.status_code == 200
    return panel.post(url, {**form_data(page.content.decode(), form_id), "_save": "Save"})


class TestCardPageWithManyBins:
    @pytest.fixture
    def card(self, shared_data):
        card = CardFactory(name="Bonus")
        rows = enumerate(turkish_bin_list(shared_data), start=2)
        BinNumberService().bulk_create(card, rows, ImportTally())
        return card

    def test_the_change_page_of_a_card_with_the_turkish_bin_list_stays_small(self, panel, card):
        response = panel.get(f"/admin/payments/card/{card.pk}/change/")

        assert response.status_code == 200
        assert len(response.content) < 100_000

    def test_the_change_page_counts_the_bins_and_links_to_their_list(self, panel, card):
        html = panel.get(f"/admin/payments/card/{card.pk}/change/").content.decode()

        assert "This card has 1,875 BIN numbers, too many to edit here" in html
        assert f'href="/admin/payments/binnumber/?card__id__exact={card.pk}"' in html
        assert 'name="bin_numbers-INITIAL_FORMS" value="0"' in html

    def test_saving_the_page_unchanged_saves_and_leaves_every_bin_as_it_was(self, panel, card):
        before = list(models.BinNumber.objects.filter(card=card).values().order_by("pk"))

        response = resubmit(panel, f"/admin/payments/card/{card.pk}/change/", "card_form")

        assert response.status_code == 302
        assert list(models.BinNumber.objects.filter(card=card).values().order_by("pk")) == before

    def test_a_bin_can_still_be_added_on_the_page(self, panel, card):
        url = f"/admin/payments/card/{card.pk}/change/"
        data = form_data(panel.get(url).content.decode(), "card_form")
        data["bin_numbers-0-bin_number"] = ["99999999"]

        response = panel.post(url, {**data, "_save": "Save"})

        assert response.status_code == 302
        assert models.BinNumber.objects.filter(card=card).count() == 1876
        assert models.BinNumber.objects.get(bin_number="99999999").card == card

    def test_the_bin_list_filtered_by_the_card_names_the_card(self, panel, card):
        other = BinNumberFactory(bin_number="11111111")

        response = panel.get(f"/admin/payments/binnumber/?card__id__exact={card.pk}")

        assert response.status_code == 200
        assert response.context["cl"].result_count == 1875
        assert other not in response.context["cl"].result_list
        assert f'<li class="selected">\n    <a href="?card__id__exact={card.pk}">Bonus</a>' in (
            response.content.decode()
        )

    def test_a_card_filter_that_is_not_a_number_is_an_error_not_every_bin(self, panel, card):
        response = panel.get("/admin/payments/binnumber/?card__id__exact=abc")

        assert response.status_code == 302
        assert response["Location"] == "/admin/payments/binnumber/?e=1"

    def test_a_card_filter_naming_no_card_lists_no_bin(self, panel, card):
        response = panel.get("/admin/payments/binnumber/?card__id__exact=999999")

        assert response.status_code == 200
        assert response.context["cl"].result_count == 0


class TestCardPageWithFewBins:
    def test_the_bins_of_a_card_with_few_are_edited_on_its_page(self, panel):
        card = CardFactory()
        for bin_number in ("404308", "428220", "45710536"):
            BinNumberFactory(card=card, bin_number=bin_number)

        html = panel.get(f"/admin/payments/card/{card.pk}/change/").content.decode()

        for bin_number in ("404308", "428220", "45710536"):
            assert f'value="{bin_number}"' in html
        assert 'name="bin_numbers-INITIAL_FORMS" value="3"' in html
        assert "too many to edit here" not in html

    def test_fifty_bins_are_still_shown_on_the_card_page(self, panel):
        card = CardFactory()
        BinNumberFactory.create_batch(50, card=card)

        html = panel.get(f"/admin/payments/card/{card.pk}/change/").content.decode()

        assert 'name="bin_numbers-INITIAL_FORMS" value="50"' in html


class TestBankPageWithManyAccounts:
    def test_a_bank_with_more_accounts_than_shown_links_to_their_list(self, panel):
        bank = BankAccountFactory().bank
        # Deleted accounts stay (inactive), so a bank's list only grows.
        BankAccountFactory.create_batch(50, bank=bank, channel=bank.channel, is_active=False)

        html = panel.get(f"/admin/payments/bank/{bank.pk}/change/").content.decode()

        assert "This bank has 51 bank accounts, too many to edit here" in html
        assert f'href="/admin/payments/bankaccount/?bank__id__exact={bank.pk}"' in html
        assert 'name="accounts-INITIAL_FORMS" value="0"' in html
