"""What the workflows of every kind of case share."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from deadlines.clocks import deadline_meet, running_for

from ..permissions import may_ever


def refuse_if_moved_on(obj, seen_state: str | None) -> None:
    """Refuse a step taken on a page that is out of date: the object changed since the user saw it (a second click,
    or a colleague was quicker). The views pass the `page_token` their form showed; the view answers 409."""
    if seen_state is not None and obj.page_token != seen_state:
        raise ConcurrentTransition(_("Someone else has handled this in the meantime; please refresh."))


def meet_clocks(obj, rule: str, *, actor, at) -> None:
    """Meet the running clocks of `rule` on `obj` (the step the rule asks for was just taken)."""
    for clock in running_for(obj, rule):
        deadline_meet(actor=actor, deadline=clock, at=at)


def check_step(
    obj, *, roles: set[str], table: dict, action: str, seen_state: str | None, refusal: str
) -> None:
    """The order matters: 403 for a step the user's roles allow in no state at all (a supervisor posting "approve"
    gets 403 however old the page), then 409 for a page out of date, then 403 for a step not allowed now."""
    if not may_ever(roles, table, action):
        raise PermissionDenied(refusal)
    refuse_if_moved_on(obj, seen_state)
    if action not in set().union(*(table.get((role, obj.state), set()) for role in roles)):
        raise PermissionDenied(refusal)
