from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.demo import seed_demo_cases


class Command(BaseCommand):
    help = "Create demo cases at each stage (after seed_demo; idempotent). Refuses to run when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_cases refuses to run with DEBUG off: demo cases are for demo instances."
            )
        created = seed_demo_cases()
        self.stdout.write(self.style.SUCCESS(f"Demo cases ready ({created} created)."))
