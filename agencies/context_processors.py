from .models import Agency, Membership
from .people import roles_of


def current_agency(request):
    """Give the layout the acting agency, the user's roles there and the switcher's choices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = request.agency
    mine = roles_of(user)
    roles = [Membership.Role(role).label for role in sorted(mine.get(agency.pk, ()))] if agency else []
    return {
        "current_agency": agency,
        "current_roles": roles,
        # The switcher shows only for people in several agencies: no query for everyone else.
        "my_agencies": Agency.objects.filter(id__in=mine).order_by("id")
        if len(mine) > 1
        else [agency] * bool(agency),
    }
