from agencies.models import Membership
from agencies.people import roles_of

BOARD_ROLES = {Membership.Role.SUPERVISOR, Membership.Role.HEAD}


def board_link(request):
    """Whether the navigation shows the supervisors' board: to supervisors and agency heads (dashboards.scope),
    from the roles the request has already read, so no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_see_board": user.is_superuser or any(roles & BOARD_ROLES for roles in roles_of(user).values())
    }
