from django.utils.functional import SimpleLazyObject

from .models import Agency

SESSION_KEY = "current_agency_id"


def current_agency(request) -> Agency | None:
    """Return the agency the user is acting for: the one chosen in the switcher, else the first of theirs."""
    agencies = Agency.objects.of_user(request.user).select_related("region").order_by("id")
    chosen = request.session.get(SESSION_KEY)
    agency = agencies.filter(id=chosen).first() if chosen else None
    return agency or agencies.first()


class CurrentAgencyMiddleware:
    """Attach `request.agency`, evaluated only when a view or template asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.agency = SimpleLazyObject(lambda: current_agency(request))
        return self.get_response(request)
