"""`/api/v1/bank_accounts/`: IBANs checked by schwifty and stored in electronic form, listed by
`sort_order`, filtered by IBAN whatever its spacing, and deleted by deactivation."""

import csv
import logging

import pytest

from payments import models
from payments.tests.factories import (
    BankAccountFactory,
    BankFactory,
    ChannelFactory,
)
from payments.tests.helpers import pks

pytestmark = pytest.mark.django_db

IBAN = "TR330006100519786457841326"


@pytest.fixture
def bank():
    return BankFactory(channel=ChannelFactory(name="Web Shop"))


def body(of, **changes):
    return {
        "bank": of.pk,
        "channel": of.channel_id,
        "holder_name": "Demo Mağazacılık A.Ş.",
        "iban": IBAN,
        **changes,
    }


def iban_examples(shared_data):
    """Rows of the research IBAN file; `\\t` and `\\n` in it stand for those characters."""
    path = shared_data / "research" / "data" / "iban_examples.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["input"].replace("\\t", "\t").replace("\\n", "\n")
            yield text, row["normalised_electronic"], row["expected"].startswith("valid")


class TestWrites:
    def test_create_answers_201_with_every_field(self, api, bank):
        response = api.post("/api/v1/bank_accounts/", body(bank))

        assert response.status_code == 201
        assert list(response.json()) == [
            "pk",
            "bank",
            "channel",
            "holder_name",
            "iban",
            "sort_order",
            "is_active",
            "created_date",
            "modified_date",
        ]
        assert response.json()["iban"] == IBAN

    def test_an_iban_in_print_form_is_stored_in_electronic_form(self, api, bank):
        response = api.post(
            "/api/v1/bank_accounts/", body(bank, iban="tr33 0006 1005 1978 6457 8413 26")
        )

        assert response.status_code == 201
        assert response.json()["iban"] == IBAN
        assert models.BankAccount.objects.get().iban == IBAN

    @pytest.mark.parametrize(
        ("sort_order", "message"),
        [
            (2147483648, "Ensure this value is less than or equal to 2147483647."),
            (-2147483649, "Ensure this value is greater than or equal to -2147483648."),
        ],
    )
    def test_a_sort_order_beyond_a_32_bit_column_is_a_400_on_every_database(
        self, api, bank, sort_order, message
    ):
        response = api.post("/api/v1/bank_accounts/", body(bank, sort_order=sort_order))

        assert response.status_code == 400
        assert response.json() == {"sort_order": [message]}
        assert models.BankAccount.objects.count() == 0

    def test_a_long_iban_in_print_form_fits(self, api, bank):
        response = api.post(
            "/api/v1/bank_accounts/", body(bank, iban="MT84 MALT 0110 0001 2345 MTLC AST0 01S")
        )

        assert response.status_code == 201
        assert response.json()["iban"] == "MT84MALT011000012345MTLCAST001S"

    def test_every_research_example_is_judged_as_expected(self, api, bank, shared_data):
        checked = 0
        for text, electronic, valid in iban_examples(shared_data):
            models.BankAccount.objects.all().delete()
            response = api.post("/api/v1/bank_accounts/", body(bank, iban=text))

            if valid:
                assert response.status_code == 201, (text, response.json())
                assert response.json()["iban"] == electronic
            else:
                assert response.status_code == 400, text
                assert list(response.json()) == ["iban"]
            checked += 1
        assert checked == 32

    @pytest.mark.parametrize(
        ("iban", "reason"),
        [
            ("TR330006100519786457841327", "Invalid checksum digits"),
            ("XX330006100519786457841326", "Unknown country-code 'XX'"),
        ],
    )
    def test_an_invalid_iban_is_a_400_saying_why(self, api, bank, iban, reason):
        response = api.post("/api/v1/bank_accounts/", body(bank, iban=iban))

        assert response.status_code == 400
        assert response.json() == {"iban": [f"Enter a valid IBAN: {reason}"]}

    def test_an_active_iban_is_unique_on_a_channel_whatever_the_spacing(self, api, bank):
        BankAccountFactory(bank=bank, channel=bank.channel, iban=IBAN)

        response = api.post(
            "/api/v1/bank_accounts/", body(bank, iban="TR33 0006 1005 1978 6457 8413 26")
        )

        assert response.status_code == 400
        assert response.json() == {
            "non_field_errors": ["The fields iban, channel must make a unique set."]
        }

    def test_a_deactivated_iban_can_be_added_again(self, api, bank):
        BankAccountFactory(bank=bank, channel=bank.channel, iban=IBAN, is_active=False)
        assert api.post("/api/v1/bank_accounts/", body(bank)).status_code == 201

    def test_a_bank_of_another_channel_is_a_406(self, api, bank):
        foreign = BankFactory(slug="akbank", channel=ChannelFactory(name="App"))

        response = api.post("/api/v1/bank_accounts/", body(bank, bank=foreign.pk))

        assert response.status_code == 406
        assert response.json() == {
            "non_field_errors": "bank: Bank akbank belongs to channel App, not Web Shop.",
            "error_code": "bank_account_100_1",
        }

    def test_patch_answers_200(self, api, bank):
        account = BankAccountFactory(bank=bank, channel=bank.channel)
        response = api.patch(f"/api/v1/bank_accounts/{account.pk}/", {"sort_order": 5})

        assert response.status_code == 200
        assert response.json()["sort_order"] == 5

    def test_moving_an_account_to_another_channel_is_a_406(self, api, bank):
        account = BankAccountFactory(bank=bank, channel=bank.channel)

        response = api.patch(
            f"/api/v1/bank_accounts/{account.pk}/", {"channel": ChannelFactory().pk}
        )

        assert response.status_code == 406
        assert response.json()["error_code"] == "bank_account_100_2"

    def test_delete_deactivates_and_keeps_the_row(self, api, bank):
        account = BankAccountFactory(bank=bank, channel=bank.channel)

        response = api.delete(f"/api/v1/bank_accounts/{account.pk}/")

        assert response.status_code == 204
        account.refresh_from_db()
        assert account.is_active is False
        assert api.get(f"/api/v1/bank_accounts/{account.pk}/").json()["is_active"] is False

    def test_delete_is_logged_and_recorded_as_the_callers_change(
        self, api, bank, admin_user, caplog
    ):
        account = BankAccountFactory(bank=bank, channel=bank.channel)

        with caplog.at_level(logging.INFO, logger="payments.services.banks"):
            api.delete(f"/api/v1/bank_accounts/{account.pk}/")

        assert f"Deactivated bankaccount pk={account.pk}" in caplog.messages
        latest = account.history.first()
        assert (latest.history_type, latest.is_active, latest.history_user) == (
            "~",
            False,
            admin_user,
        )


class TestListing:
    def test_listed_by_sort_order_then_pk(self, api, bank):
        second = BankAccountFactory(bank=bank, channel=bank.channel, sort_order=2, iban=IBAN)
        first = BankAccountFactory(
            bank=bank, channel=bank.channel, sort_order=1, iban="GB29NWBK60161331926819"
        )
        tied = BankAccountFactory(
            bank=bank, channel=bank.channel, sort_order=1, iban="DE89370400440532013000"
        )

        assert pks(api.get("/api/v1/bank_accounts/")) == [first.pk, tied.pk, second.pk]

    def test_sort_overrides_the_default_order(self, api, bank):
        a = BankAccountFactory(
            bank=bank, channel=bank.channel, sort_order=2, holder_name="A", iban=IBAN
        )
        b = BankAccountFactory(
            bank=bank,
            channel=bank.channel,
            sort_order=1,
            holder_name="B",
            iban="NL91ABNA0417164300",
        )
        assert pks(api.get("/api/v1/bank_accounts/?sort=holder_name")) == [a.pk, b.pk]
        assert pks(api.get("/api/v1/bank_accounts/?sort=-sort_order")) == [a.pk, b.pk]


class TestFilters:
    @pytest.fixture
    def accounts(self, bank):
        return [
            BankAccountFactory(bank=bank, channel=bank.channel, iban=IBAN),
            BankAccountFactory(
                bank=bank, channel=bank.channel, iban="GB29NWBK60161331926819", is_active=False
            ),
            BankAccountFactory(iban="DE89370400440532013000"),
        ]

    @pytest.mark.parametrize(
        "iban",
        [
            "TR330006100519786457841326",
            "TR33 0006 1005 1978 6457 8413 26",
            "tr3300061005197864578413 26",
        ],
    )
    def test_by_iban_whatever_the_spacing_and_case(self, api, accounts, iban):
        assert pks(api.get("/api/v1/bank_accounts/", {"iban": iban})) == [accounts[0].pk]

    def test_by_bank(self, api, bank, accounts):
        assert pks(api.get(f"/api/v1/bank_accounts/?bank={bank.pk}")) == [
            accounts[0].pk,
            accounts[1].pk,
        ]

    def test_by_channel(self, api, accounts):
        response = api.get(f"/api/v1/bank_accounts/?channel={accounts[2].channel_id}")
        assert pks(response) == [accounts[2].pk]

    def test_by_is_active(self, api, accounts):
        assert pks(api.get("/api/v1/bank_accounts/?is_active=false")) == [accounts[1].pk]

    def test_by_id(self, api, accounts):
        assert pks(api.get(f"/api/v1/bank_accounts/?id={accounts[1].pk}")) == [accounts[1].pk]

    def test_a_non_boolean_is_active_is_a_400(self, api):
        response = api.get("/api/v1/bank_accounts/?is_active=maybe")

        assert response.status_code == 400
        assert response.json() == {"is_active": ["Enter true or false."]}
