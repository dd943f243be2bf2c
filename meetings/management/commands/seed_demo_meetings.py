from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meetings.demo import CONVENER_USER, seed_demo_meetings


class Command(BaseCommand):
    help = (
        "Create the demo joint meeting of 宣恩 (after seed_demo; idempotent): its body, a plenary with minutes and "
        "a decision in progress, and a signed agenda item. Refuses to run when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_meetings refuses to run with DEBUG off: demo meetings are for demo instances."
            )
        if seed_demo_meetings():
            self.stdout.write(
                self.style.SUCCESS(f"Demo joint meeting created; the convener signs in as {CONVENER_USER}.")
            )
        else:
            self.stdout.write("The demo joint meeting exists already.")
