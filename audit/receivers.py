"""Audit log-ins, failed log-ins and lock-outs.

Django's log-in view and django-axes belong to libraries; their signals (user_logged_in, user_login_failed,
axes' user_locked_out) are the way in that needs no change to either. This is infrastructure listening to
infrastructure, the one use of signals the style guide allows (6.8). Connected in AuditConfig.ready().
"""

from django.contrib.auth import get_user_model

from .models import AuditEvent
from .services import audit_record


def login_record(sender, request, user, **kwargs):
    """A successful log-in, by the person, for the agency they act for after it."""
    audit_record(actor=user, action=AuditEvent.Action.LOGGED_IN, obj=user, request=request)


def login_failure_record(sender, credentials, request=None, **kwargs):
    """A failed log-in, by nobody yet, about the account whose name was typed (if there is one)."""
    if getattr(request, "axes_locked_out", False):
        return  # a refusal of a locked account: lockout_record writes it, once
    username = credentials.get(get_user_model().USERNAME_FIELD)
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=_account(username),
        payload={"username": username},
        request=request,
    )


def lockout_record(sender, request, username, **kwargs):
    """The failure that locked an account, and every attempt while it stays locked (axes signals both)."""
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOCKED_OUT,
        obj=_account(username),
        payload={"username": username, "failures": getattr(request, "axes_failures_since_start", None)},
        request=request,
    )


def _account(username):
    if not username:
        return None
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()
