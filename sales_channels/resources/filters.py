"""Query-string filters of sales channels."""

from omnitron.api.filters import FilterSet
from sales_channels.models import Channel


class ChannelFilter(FilterSet):
    class Meta:
        model = Channel
        fields = {"name": ["exact"], "channel_type": ["exact"], "is_active": ["exact"]}
