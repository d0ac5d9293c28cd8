"""`manage.py load_demo_data`: load (or refresh) the demo data set; running it twice changes
nothing."""

import logging

from django.core.management.base import BaseCommand

from payments.demo import load_demo_data


class Command(BaseCommand):
    help = "Load the demo payment configuration (Turkish banks, cards, BINs, POS...). Idempotent."

    def handle(self, *args, **options):
        # One log line per demo object would drown the summary below.
        service_log = logging.getLogger("omnitron.services")
        level = service_log.level
        service_log.setLevel(logging.WARNING)
        try:
            tally = load_demo_data()
        finally:
            service_log.setLevel(level)
        for line in tally.lines():
            self.stdout.write(f"  {line}")
        changed = tally.changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {changed} objects created or updated."
                if changed
                else "Demo data already loaded: nothing changed."
            )
        )
