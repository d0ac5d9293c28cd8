"""The admin pages as a panel user works them: pages that stay usable whatever the amount of
data behind them, and saves that go through the service layer like the API's."""

import csv
import logging

import pytest
from django.core.files.base import ContentFile

from conftest import grant
from payments import models
from payments.imports.report import ImportTally
from payments.services import BinNumberService
from payments.tests.factories import (
    BankAccountFactory,
    BankFactory,
    BinNumberFactory,
    CardFactory,
    ChannelFactory,
    InstallmentFactory,
    MultiCurrencyCardFactory,
    PosFactory,
)
from payments.tests.helpers import form_data
from payments.tests.logo_server import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]


@pytest.fixture
def panel(client, admin_user):
    """A browser logged in to the admin as a superuser."""
    client.force_login(admin_user)
    return client


def turkish_bin_list(shared_data):
    with (shared_data / "data/turkey_bin_list.csv").open(encoding="utf-8-sig") as handle:
        return [row["BIN"] for row in csv.DictReader(handle, delimiter=";")]


def card_with_the_turkish_bin_list(shared_data):
    """A card holding the 1,875 BINs of the public Turkish BIN list."""
    card = CardFactory(name="Bonus")
    rows = enumerate(turkish_bin_list(shared_data), start=2)
    BinNumberService().bulk_create(card, rows, ImportTally())
    return card


def resubmit(panel, url, form_id, changes=None):
    """GET the page at `url` and post its form back as a browser would: untouched, or with the
    fields of `changes` typed in."""
    page = panel.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), form_id)
    data.update({name: [value] for name, value in (changes or {}).items()})
    return panel.post(url, {**data, "_save": "Save"})


def messages_of(caplog, logger):
    return [record.getMessage() for record in caplog.records if record.name == logger]


class TestCardPageWithManyBins:
    @pytest.fixture
    def card(self, shared_data):
        return card_with_the_turkish_bin_list(shared_data)

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


class TestDeletingACardWithManyBins:
    @pytest.fixture
    def card(self, shared_data):
        card = card_with_the_turkish_bin_list(shared_data)
        InstallmentFactory(card=card, installment_count=3)
        return card

    def test_the_delete_page_counts_the_bins_instead_of_listing_them(self, panel, card):
        response = panel.get(f"/admin/payments/card/{card.pk}/delete/")

        assert response.status_code == 200
        assert len(response.content) < 100_000
        page = response.content.decode()
        assert "1,875 BIN numbers" in page
        assert "1 installment<" in page
        assert "405040" not in page

    def test_confirming_deletes_the_card_with_its_bins(self, panel, card):
        response = panel.post(f"/admin/payments/card/{card.pk}/delete/", {"post": "yes"})

        assert response.status_code == 302
        assert models.Card.objects.filter(pk=card.pk).exists() is False
        assert models.BinNumber.objects.filter(card_id=card.pk).count() == 0

    def test_a_user_who_may_not_delete_bins_is_told_so(self, client, django_user_model, card):
        user = django_user_model.objects.create_user("panel", password="x", is_staff=True)
        grant(user, "payments.view_card", "payments.delete_card")
        client.force_login(user)

        response = client.get(f"/admin/payments/card/{card.pk}/delete/")

        assert response.status_code == 200
        assert response.context["perms_lacking"] == {"BIN number", "installment"}


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


class TestAdminWrites:
    """Admin pages write through the services, as the API does: logged with the pk, checked,
    and signed by the panel user in history."""

    @pytest.fixture(autouse=True)
    def service_log(self, caplog):
        caplog.set_level(logging.INFO, logger="omnitron.services")
        return caplog

    def test_a_change_on_a_bank_page_is_logged_with_its_pk(self, panel, service_log):
        bank = BankFactory(name="Akbank")

        response = resubmit(
            panel, f"/admin/payments/bank/{bank.pk}/change/", "bank_form", {"name": "Akbank T.A.S."}
        )

        assert response.status_code == 302
        assert messages_of(service_log, "omnitron.services") == [f"Updated bank pk={bank.pk}"]

    def test_an_object_added_in_the_admin_is_logged_with_its_pk(self, panel, service_log):
        channel = ChannelFactory()

        response = panel.post(
            "/admin/payments/paymentoption/add/",
            {
                "name": "Havale",
                "slug": "havale",
                "channel": channel.pk,
                "payment_type": "funds_transfer",
                "sort_order": 0,
                "config": "{}",
            },
        )

        assert response.status_code == 302
        option = models.PaymentOption.objects.get(slug="havale")
        assert messages_of(service_log, "omnitron.services") == [
            f"Created paymentoption pk={option.pk}"
        ]

    def test_a_bin_added_on_the_card_page_is_logged_and_signed(
        self, panel, admin_user, service_log
    ):
        card = CardFactory()

        resubmit(
            panel,
            f"/admin/payments/card/{card.pk}/change/",
            "card_form",
            {"bin_numbers-0-bin_number": "45710536"},
        )

        created = models.BinNumber.objects.get(bin_number="45710536")
        assert f"Created binnumber pk={created.pk}" in messages_of(service_log, "omnitron.services")
        assert created.history.get().history_user == admin_user

    def test_a_pos_change_logs_its_pk_and_no_secret(self, panel, service_log):
        pos = nestpay_pos()

        response = resubmit(
            panel, f"/admin/payments/pos/{pos.pk}/change/", "pos_form", {"name": "Renamed"}
        )

        assert response.status_code == 302
        assert messages_of(service_log, "omnitron.services") == [f"Updated pos pk={pos.pk}"]
        assert "nestpay-api-password-1" not in service_log.text
        assert "nestpay-3d-store-key-1" not in service_log.text

    def test_a_row_changed_in_a_list_is_logged_with_its_pk(self, panel, service_log):
        account = BankAccountFactory(sort_order=0)

        response = resubmit(
            panel, "/admin/payments/bankaccount/", "changelist-form", {"form-0-sort_order": "5"}
        )

        assert response.status_code == 302
        assert messages_of(service_log, "omnitron.services") == [
            f"Updated bankaccount pk={account.pk}"
        ]

    def test_deleting_an_account_on_the_bank_page_only_deactivates_it(self, panel):
        account = BankAccountFactory()

        resubmit(
            panel,
            f"/admin/payments/bank/{account.bank_id}/change/",
            "bank_form",
            {"accounts-0-DELETE": "on"},
        )

        assert models.BankAccount.objects.filter(pk=account.pk, is_active=False).exists()

    def test_a_card_added_with_a_bin_on_its_add_page_gets_the_bin(self, panel, service_log):
        pos = PosFactory()
        bank = BankFactory(channel=pos.channel)
        card_type = models.CardType.objects.create(name="Troy", slug="troy", channel=pos.channel)
        page = panel.get("/admin/payments/card/add/").content.decode()
        data = form_data(page, "card_form")
        data.update(
            {
                "name": ["Bonus"],
                "slug": ["bonus"],
                "channel": [str(pos.channel_id)],
                "bank": [str(bank.pk)],
                "card_type": [str(card_type.pk)],
                "pos": [str(pos.pk)],
                "installment_pos": [str(pos.pk)],
                "bin_numbers-0-bin_number": ["979209"],
            }
        )

        response = panel.post("/admin/payments/card/add/", {**data, "_save": "Save"})

        assert response.status_code == 302
        card = models.Card.objects.get(slug="bonus")
        created = models.BinNumber.objects.get(bin_number="979209")
        assert created.card == card
        assert messages_of(service_log, "omnitron.services") == [
            f"Created card pk={card.pk}",
            f"Created binnumber pk={created.pk}",
        ]


class TestSavingUnchanged:
    """A page saved with nothing changed writes nothing: no history record, the same
    modified_date."""

    def test_a_bank_page_saved_unchanged_writes_no_history_and_keeps_its_date(self, panel):
        bank = BankFactory(name="Akbank", eft_code="0046")
        modified = bank.modified_date

        response = resubmit(panel, f"/admin/payments/bank/{bank.pk}/change/", "bank_form")

        assert response.status_code == 302
        assert models.Bank.history.filter(id=bank.pk).count() == 1
        assert models.Bank.objects.get(pk=bank.pk).modified_date == modified

    def test_a_bank_page_with_a_logo_saved_unchanged_keeps_the_logo_and_writes_nothing(
        self, panel, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        bank = BankFactory(name="Akbank")
        bank.logo.save("akbank.png", ContentFile(PNG))

        resubmit(panel, f"/admin/payments/bank/{bank.pk}/change/", "bank_form")

        assert models.Bank.objects.get(pk=bank.pk).logo.name == "banks/akbank.png"
        assert models.Bank.history.filter(id=bank.pk).count() == 2  # created, logo added

    def test_a_bank_page_with_one_field_changed_writes_one_record_of_that_change(self, panel):
        bank = BankFactory(name="Akbank", eft_code="0046")

        resubmit(panel, f"/admin/payments/bank/{bank.pk}/change/", "bank_form", {"name": "Ak"})

        record = models.Bank.history.filter(id=bank.pk).latest("history_id")
        assert models.Bank.history.filter(id=bank.pk).count() == 2
        assert [change.field for change in record.diff_against(record.prev_record).changes] == [
            "name"
        ]

    def test_a_card_page_saved_unchanged_writes_nothing_for_the_card_or_its_rows(self, panel):
        card = CardFactory()
        BinNumberFactory(card=card, bin_number="404308")
        InstallmentFactory(card=card, installment_count=3)
        MultiCurrencyCardFactory(card=card, pos=card.pos, installment_pos=card.pos)
        before = history_counts()

        response = resubmit(panel, f"/admin/payments/card/{card.pk}/change/", "card_form")

        assert response.status_code == 302
        assert history_counts() == before

    def test_a_card_page_with_many_bins_saved_unchanged_writes_nothing(self, panel, shared_data):
        card = card_with_the_turkish_bin_list(shared_data)
        before = history_counts()

        resubmit(panel, f"/admin/payments/card/{card.pk}/change/", "card_form")

        assert history_counts() == before

    def test_a_pos_page_saved_with_its_masked_secrets_writes_nothing(
        self, client, django_user_model
    ):
        editor = grant(
            django_user_model.objects.create_user("editor", is_staff=True),
            "payments.view_pos",
            "payments.change_pos",
        )
        client.force_login(editor)
        pos = nestpay_pos()
        stored = models.Pos.objects.get(pk=pos.pk)

        response = resubmit(client, f"/admin/payments/pos/{pos.pk}/change/", "pos_form")

        assert response.status_code == 302
        assert models.Pos.history.filter(id=pos.pk).count() == 1
        after = models.Pos.objects.get(pk=pos.pk)
        assert (after.config, after.modified_date) == (stored.config, stored.modified_date)

    def test_a_pos_page_saved_unchanged_by_a_user_who_sees_the_secrets_writes_nothing(self, panel):
        pos = nestpay_pos()
        stored = models.Pos.objects.get(pk=pos.pk)

        resubmit(panel, f"/admin/payments/pos/{pos.pk}/change/", "pos_form")

        assert models.Pos.history.filter(id=pos.pk).count() == 1
        assert models.Pos.objects.get(pk=pos.pk).config == stored.config

    def test_a_pos_secret_typed_again_with_the_same_value_writes_nothing(self, panel):
        pos = nestpay_pos()

        resubmit(
            panel,
            f"/admin/payments/pos/{pos.pk}/change/",
            "pos_form",
            {
                "config": '{"client_id": "700655000200", "username": "api-user", '
                '"password": "nestpay-api-password-1", "store_key": "********"}'
            },
        )

        assert models.Pos.history.filter(id=pos.pk).count() == 1


def nestpay_pos():
    return PosFactory(
        gateway="omnicore.libs.payment_gateways.nestpay.NestpayGateway",
        config={
            "client_id": "700655000200",
            "username": "api-user",
            "password": "nestpay-api-password-1",
            "store_key": "nestpay-3d-store-key-1",
        },
    )


def history_counts():
    """How many history records each model has."""
    return {
        model.__name__: model.history.count()
        for model in (
            models.Card,
            models.BinNumber,
            models.Installment,
            models.MultiCurrencyCard,
            models.Pos,
            models.Bank,
        )
    }
