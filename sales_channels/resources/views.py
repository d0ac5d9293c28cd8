"""Viewset of sales channels."""

from omnitron.api.views import ServiceModelViewSet
from sales_channels.models import Channel
from sales_channels.resources.filters import ChannelFilter
from sales_channels.resources.serializers import ChannelSerializer
from sales_channels.services import ChannelService


class ChannelViewSet(ServiceModelViewSet):
    queryset = Channel.objects.all()
    serializer_class = ChannelSerializer
    filterset_class = ChannelFilter
    service_class = ChannelService
