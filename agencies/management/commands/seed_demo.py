import os

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies.demo import DEMO_USERS, describe, seed_demo


class Command(BaseCommand):
    help = "Create the demo jurisdictions, agencies and users (idempotent). Refuses to run when DEBUG is off."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list",
            dest="list_only",
            action="store_true",
            help="Only print the demo users: username, agency, role.",
        )

    def handle(self, *args, list_only=False, **options):
        if list_only:
            for demo in DEMO_USERS:
                self.stdout.write(describe(demo))
            return
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo accounts with a shared password must never reach a "
                "production database. Set DEBUG=true for a demo or test instance."
            )
        password = os.environ.get("DEMO_PASSWORD")
        if not password:
            raise CommandError(
                "Set DEMO_PASSWORD to the password the demo users should have (make run sets one)."
            )
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(f"DEMO_PASSWORD is too weak: {' '.join(error.messages)}") from None
        users = seed_demo(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: 2 jurisdictions, {len(users)} demo users."))
