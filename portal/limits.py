"""The online channel's limit: at most settings.ONLINE_COMPLAINTS_PER_HOUR submissions per address and hour."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from config.client_ip import limit_key

from .models import SubmissionWindow


def take_submission_place(address: str, *, now=None) -> bool:
    """Count one submission from `address` (an IPv6 address by its /64) in the current hour; False when the hour's
    places are taken."""
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    window, _ = SubmissionWindow.objects.get_or_create(address=limit_key(address), hour=hour)
    taken = SubmissionWindow.objects.filter(
        pk=window.pk, count__lt=settings.ONLINE_COMPLAINTS_PER_HOUR
    ).update(count=F("count") + 1)
    return taken == 1


def forget_addresses(*, now=None) -> tuple[int, int]:
    """Keep the addresses of online complainants no longer than the limit needs them: hour windows older than a
    day go, and complaints older than COMPLAINT_ADDRESS_DAYS lose their address (a tipster may be anonymous)."""
    from cases.models import Complaint

    now = now or timezone.now()
    windows, _ = SubmissionWindow.objects.filter(hour__lt=now - timedelta(days=1)).delete()
    complaints = Complaint.objects.filter(
        submitted_from__isnull=False, received_at__lt=now - timedelta(days=settings.COMPLAINT_ADDRESS_DAYS)
    ).update(submitted_from=None)
    return windows, complaints
