"""Sales channels: the shops (web, mobile app, store, marketplace) a company sells through."""

from django.db import models
from simple_history.models import HistoricalRecords

from omnitron.db import TimeStampedModel


class ChannelType(models.TextChoices):
    WEB = "web", "Web"
    MOBILE_APP = "mobile_app", "Mobile app"
    INSTORE = "instore", "In store"
    MARKETPLACE = "marketplace", "Marketplace"


class Channel(TimeStampedModel):
    """A sales channel; every piece of payment configuration belongs to exactly one."""

    name = models.CharField(max_length=128)
    channel_type = models.CharField(
        max_length=32, choices=ChannelType.choices, default=ChannelType.WEB
    )
    is_active = models.BooleanField(default=True)
    conf = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "channel"
        verbose_name_plural = "channels"

    def __str__(self):
        return self.name
