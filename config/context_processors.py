from axes.helpers import get_cool_off
from django.conf import settings

from .not_allowed import page_above


def lockout_rule(request):
    """Give the log-in and locked-out pages the lock-out rule they state: failures allowed, minutes locked.

    A context processor, not a view's context: django-axes renders the locked-out page itself. Two settings read
    per page, no query.
    """
    cool_off = get_cool_off(request)
    return {
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        # AXES_COOLOFF_TIME is a float of hours (30 / 60): rounded, so that 7 minutes do not read as 7.0000001.
        "lockout_minutes": round(cool_off.total_seconds() / 60) if cool_off else 0,
    }


def return_path(request):
    """Where the header's forms (language, acting agency) bring the user back to: this page; or, on a form sent
    back with its errors, whose address is its step's (a step cannot be opened as a page), the page above it."""
    if request.method == "GET":
        return {"return_path": request.get_full_path()}
    return {"return_path": page_above(request.path_info)}
