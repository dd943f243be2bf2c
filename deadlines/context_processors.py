from django.utils import timezone

from agencies.models import Membership

from . import workdays


def calendar_warning(request):
    """Years whose holidays are not published, for the banner shown to administrators and supervisors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    missing = workdays.unpublished_years(timezone.localdate())
    if not missing:
        return {}
    supervisor = Membership.objects.active().filter(user=user, role=Membership.Role.SUPERVISOR).exists()
    if not (user.is_staff or supervisor):
        return {}
    return {"unpublished_years": missing}
