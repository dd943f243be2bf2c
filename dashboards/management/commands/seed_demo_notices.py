from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboards.demo import seed_demo_notices


class Command(BaseCommand):
    help = (
        "Issue a demo supervision notice on an overdue or endangered demo clock, if there is one (after "
        "seed_demo_cases; idempotent). Refuses to run when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_notices refuses to run with DEBUG off: demo notices are for demo instances."
            )
        issued = seed_demo_notices()
        if issued:
            self.stdout.write(self.style.SUCCESS("Demo supervision notice issued."))
        else:
            self.stdout.write("No demo supervision notice issued (one exists, or no demo clock is late yet).")
