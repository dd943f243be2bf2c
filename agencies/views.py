from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .middleware import SESSION_KEY
from .models import Agency, Membership


@login_required
def agency_detail(request, pk):
    """An agency's internal page: its people and roles. Members and supervisors only; others get a 404."""
    agency = get_object_or_404(Agency.objects.visible_to(request.user).select_related("region"), pk=pk)
    memberships = (
        Membership.objects.visible_to(request.user)
        .active()
        .filter(agency=agency)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return TemplateResponse(
        request, "agencies/agency_detail.html", {"agency": agency, "memberships": memberships}
    )


@require_POST
@login_required
def agency_switch(request):
    """Act for another of the user's agencies. An agency the user does not belong to is a 404."""
    try:
        agency_id = int(request.POST.get("agency", ""))
    except ValueError:
        # Not a number (a hand-made or truncated post): no agency of the user's, like an unknown number.
        raise Http404("No such agency.") from None
    agency = get_object_or_404(Agency.objects.of_user(request.user), pk=agency_id)
    request.session[SESSION_KEY] = agency.pk
    target = request.POST.get("next", "")
    # Only a path on this site: redirect() would also take a view name or an absolute URL.
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe else reverse("dashboards:home"))
