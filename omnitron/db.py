"""
Model building blocks shared by every app.

Every stored object of the service carries when it was created and when it last changed; the
API exposes both as read-only ISO-8601 UTC timestamps and filters on them.
"""

from django.db import models


class TimeStampedModel(models.Model):
    """An object that remembers when it was created and last modified."""

    created_date = models.DateTimeField(auto_now_add=True, db_index=True)
    modified_date = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True
