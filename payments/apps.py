"""The payments app: what a channel's checkout needs to take a card or transfer payment."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"
