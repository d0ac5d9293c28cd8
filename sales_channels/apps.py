"""The sales-channel app: the web shops, apps and marketplaces payment data belongs to."""

from django.apps import AppConfig


class SalesChannelsConfig(AppConfig):
    name = "sales_channels"
    verbose_name = "Sales channels"
