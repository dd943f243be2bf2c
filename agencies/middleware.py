from django.utils.functional import SimpleLazyObject

from .models import Agency
from .people import roles_of
from .querysets import member_agency

SESSION_KEY = "current_agency_id"


def current_agency(request) -> Agency | None:
    """Return the agency the user is acting for: the one chosen in the switcher, else their home agency."""
    if not request.user.is_authenticated:
        return None
    mine = list(roles_of(request.user))  # in the order joined: the first is the home agency
    if not mine:
        return None
    chosen = request.session.get(SESSION_KEY)
    return member_agency(request.user, chosen if chosen in mine else mine[0])


class CurrentAgencyMiddleware:
    """Attach `request.agency`, evaluated only when a view or template asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.agency = SimpleLazyObject(lambda: current_agency(request))
        return self.get_response(request)
