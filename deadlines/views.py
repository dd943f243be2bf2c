from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from agencies.querysets import member_agency_ids

from .board import clock_view
from .clocks import explanation
from .models import Deadline


@login_required
def deadline_detail(request, pk):
    """A clock with its explanation and history. Agencies other than the acting one and its supervisors get 404."""
    deadline = get_object_or_404(
        Deadline.objects.visible_to(request.user).select_related("rule", "agency", "content_type"), pk=pk
    )
    events = deadline.events.select_related("actor").order_by("at", "id")
    # A confidential clock shows what it concerns only to its own agency; supervisors see the timing.
    shows_target = not deadline.confidential or deadline.agency_id in member_agency_ids(request.user)
    target_url = getattr(deadline.target, "get_absolute_url", None) if shows_target else None
    return TemplateResponse(
        request,
        "deadlines/deadline_detail.html",
        {
            "deadline": deadline,
            "clock": clock_view(deadline, now=timezone.now()),
            "explanation": explanation(deadline),
            "events": events,
            "target_url": target_url() if callable(target_url) else "",
            "shows_target": shows_target,
        },
    )
