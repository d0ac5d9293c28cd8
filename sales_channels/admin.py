"""Admin page of sales channels."""

from django.contrib import admin

from omnitron.admin import ServiceModelAdmin
from sales_channels.models import Channel
from sales_channels.services import ChannelService


@admin.register(Channel)
class ChannelAdmin(ServiceModelAdmin):
    service_class = ChannelService
    list_display = ["name", "channel_type", "is_active", "modified_date"]
    list_filter = ["channel_type", "is_active"]
    search_fields = ["name"]
