"""Serializer of sales channels."""

from omnitron.api.serializers import JSONObjectField, ModelSerializer
from sales_channels.models import Channel


class ChannelSerializer(ModelSerializer):
    conf = JSONObjectField(required=False)

    class Meta:
        model = Channel
        fields = [
            "pk",
            "name",
            "channel_type",
            "is_active",
            "conf",
            "created_date",
            "modified_date",
        ]
