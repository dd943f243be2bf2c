from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from credit.demo import seed_demo_credit


class Command(BaseCommand):
    help = "Create demo credit data (after seed_demo_cases; idempotent). Refuses to run when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_credit refuses to run with DEBUG off: demo data is for demo instances."
            )
        created = seed_demo_credit()
        self.stdout.write(self.style.SUCCESS(f"Demo credit data ready ({created} records created)."))
