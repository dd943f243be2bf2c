from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .services import notification_read, notifications_read_all


@login_required
def inbox(request):
    """The person's messages, newest first."""
    page = Paginator(Notification.objects.visible_to(request.user), 30).get_page(request.GET.get("page"))
    return TemplateResponse(request, "notifications/inbox.html", {"page": page})


@require_POST
@login_required
def read(request, pk):
    """Mark a message read and open what it is about. Someone else's message is a 404."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    notification_read(actor=request.user, notification=notification, now=timezone.now())
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "notifications:inbox")


@require_POST
@login_required
def read_all(request):
    notifications_read_all(actor=request.user, now=timezone.now())
    return redirect("notifications:inbox")
