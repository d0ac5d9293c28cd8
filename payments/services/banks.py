"""Banks, card types and the bank accounts shown for transfers."""

from django.db import transaction

from omnitron.services import ModelService
from payments.models import Bank, BankAccount, CardType


class BankService(ModelService):
    model = Bank
    label = "Bank"
    channel_change_code = "bank_100_2"
    protected_delete_code = "bank_100_1"

    def delete(self, instance):
        # Deactivated accounts are history, not use: they go with the bank. Active ones protect it.
        with transaction.atomic():
            instance.accounts.filter(is_active=False).delete()
            super().delete(instance)


class CardTypeService(ModelService):
    model = CardType
    label = "CardType"
    channel_change_code = "card_type_100_2"
    protected_delete_code = "card_type_100_1"


class BankAccountService(ModelService):
    """Bank accounts are never removed through the API: deleting one deactivates it."""

    model = BankAccount
    label = "BankAccount"
    channel_change_code = "bank_account_100_2"
    cross_channel_code = "bank_account_100_1"

    def check(self, instance):
        self.check_same_channel(instance, instance.channel, ["bank"])

    def delete(self, instance):
        instance.is_active = False
        instance.save(update_fields=["is_active", "modified_date"])
