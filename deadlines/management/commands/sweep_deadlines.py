from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deadlines.due import LEGAL_TZ
from deadlines.sweep import sweep


class Command(BaseCommand):
    help = "Send due reminders, mark overdue deadlines and escalate (what Celery beat runs every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Pretend it is this moment (ISO 8601, e.g. 2026-10-14T09:00+08:00)."
        )

    def handle(self, *args, now=None, **options):
        if now:
            try:
                now = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now {now!r} is not an ISO 8601 date and time.") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now, LEGAL_TZ)
        result = sweep(now)
        self.stdout.write(
            f"reminded {result.reminded}, overdue {result.overdue}, escalated {result.escalated}"
        )
