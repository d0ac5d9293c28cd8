"""`manage.py load_demo_data`: create what is missing of the demo data set, leaving alone
everything already there (however it was changed since) and not re-creating what was deleted;
running it twice creates nothing the second time. See `payments.demo`."""

import logging

from django.core.management.base import BaseCommand

from payments.demo import CREATED, LEFT_ALONE, NOT_RECREATED, load_demo_data


class Command(BaseCommand):
    help = (
        "Load the demo payment configuration (Turkish banks, cards, BINs, POS...): create what "
        "is missing, leave alone what is there, never re-create what was deleted."
    )

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
        created, left, gone = (tally.total(o) for o in (CREATED, LEFT_ALONE, NOT_RECREATED))
        summary = (
            f"Demo data loaded: {created} objects created"
            if created
            else "Demo data already loaded: nothing created"
        )
        if left:
            summary += f"; {left} objects already there left as they are"
        if gone:
            summary += f"; {gone} deleted or changed since not re-created"
        self.stdout.write(self.style.SUCCESS(summary + "."))
