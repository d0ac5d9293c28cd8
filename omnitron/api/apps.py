"""The app of the API's shared plumbing; `migrate` creates its login-throttle table."""

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    """The API's plumbing. Its one piece of state, the login throttle's counts, lives in a
    database cache table, which `migrate` creates (or leaves as it is) on every run."""

    name = "omnitron.api"
    label = "omnitron_api"

    def ready(self):
        post_migrate.connect(create_cache_tables, sender=self)


def create_cache_tables(using, verbosity=0, **kwargs):
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
