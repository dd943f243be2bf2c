from django.utils import timezone

from agencies.models import Membership
from agencies.people import roles_of

from . import workdays


def calendar_warning(request):
    """Years whose holidays are not published, for the banner shown to administrators and supervisors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    missing = workdays.unpublished_years(timezone.localdate())
    if not missing:
        return {}
    # From the roles the request has read already (agency middleware): no query of its own.
    supervisor = any(Membership.Role.SUPERVISOR in roles for roles in roles_of(user).values())
    if not (user.is_staff or supervisor):
        return {}
    # Only staff reach the admin: a supervisor is told the administrator publishes, without the two queries
    # of permissions that `perms` in the template cost on every page.
    may_publish = user.is_staff and user.has_perm("deadlines.add_calendaryear")
    return {"unpublished_years": missing, "may_publish_years": may_publish}
