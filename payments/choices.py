"""The fixed vocabularies of payment data."""

from django.db import models


class CardPaymentType(models.TextChoices):
    CREDIT = "credit", "Credit"
    DEBIT = "debit", "Debit"
    PREPAID = "prepaid", "Prepaid"


class PaymentType(models.TextChoices):
    CREDIT_CARD = "credit_card", "Credit card"
    FUNDS_TRANSFER = "funds_transfer", "Funds transfer"
    PAY_ON_DELIVERY = "pay_on_delivery", "Pay on delivery"
    CASH_REGISTER = "cash_register", "Cash register"
    LOYALTY_MONEY = "loyalty_money", "Loyalty money"
    REDIRECTION = "redirection", "Redirection"


BIN_NUMBER_LENGTHS = (6, 8)
MAX_INSTALLMENT_COUNT = 36
