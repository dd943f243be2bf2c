"""The online channel's limit: at most settings.ONLINE_COMPLAINTS_PER_HOUR submissions per address and hour."""

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import SubmissionWindow


def take_submission_place(address: str, *, now=None) -> bool:
    """Count one submission from `address` in the current hour; False when the hour's places are taken."""
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    window, _ = SubmissionWindow.objects.get_or_create(address=address, hour=hour)
    taken = SubmissionWindow.objects.filter(
        pk=window.pk, count__lt=settings.ONLINE_COMPLAINTS_PER_HOUR
    ).update(count=F("count") + 1)
    return taken == 1
