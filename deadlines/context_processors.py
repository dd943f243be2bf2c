from datetime import date

from django.utils import timezone

from agencies.models import Membership

from . import workdays


def calendar_warning(request):
    """Years whose holidays are not published, for the banner shown to administrators and supervisors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    this_year = timezone.localdate().year
    missing = [
        year
        for year in (this_year, this_year + 1)
        if workdays.is_provisional(timezone.localdate().replace(year=year, month=1, day=1))
    ]
    if not missing:
        return {}
    if not (
        user.is_staff
        or Membership.objects.active().filter(user=user, role=Membership.Role.SUPERVISOR).exists()
    ):
        return {}
    return {"unpublished_years": missing}
