from django.utils.functional import SimpleLazyObject

from .models import Agency

SESSION_KEY = "current_agency_id"


def current_agency(request) -> Agency | None:
    """Return the agency the user is acting for: the one chosen in the switcher, else their home agency."""
    if not request.user.is_authenticated:
        return None
    agencies = Agency.objects.of_user(request.user).select_related("region__coordinator")
    chosen = request.session.get(SESSION_KEY)
    if chosen and (agency := agencies.filter(id=chosen).first()):
        return agency
    # The home agency is that of the person's first membership.
    return agencies.filter(memberships__user=request.user).order_by("memberships__id").first()


class CurrentAgencyMiddleware:
    """Attach `request.agency`, evaluated only when a view or template asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.agency = SimpleLazyObject(lambda: current_agency(request))
        return self.get_response(request)
