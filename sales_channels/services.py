"""Sales channels: a channel that still holds payment configuration cannot be deleted."""

from omnitron.services import ModelService
from sales_channels.models import Channel


class ChannelService(ModelService):
    model = Channel
    label = "Channel"
    protected_delete_code = "channel_100_1"

    @staticmethod
    def name_of(instance):
        return instance.name
