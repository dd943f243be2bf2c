from .models import Agency, Membership


def current_agency(request):
    """Give the layout the acting agency, the user's roles there and the switcher's choices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agency = request.agency
    roles = []
    if agency:
        roles = [
            Membership.Role(role).label
            for role in Membership.objects.active()
            .filter(user=user, agency=agency)
            .order_by("role")
            .values_list("role", flat=True)
        ]
    return {
        "current_agency": agency,
        "current_roles": roles,
        "my_agencies": Agency.objects.of_user(user).order_by("id"),
    }
