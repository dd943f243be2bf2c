"""What the workflows of every kind of case share."""

from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from deadlines.clocks import deadline_meet, running_for


def refuse_if_moved_on(obj, seen_state: str | None) -> None:
    """Refuse a step taken on a page that is out of date: the state moved on since the user saw it (a second click,
    or a colleague was quicker). The views pass the state their form showed; the view answers 409."""
    if seen_state is not None and obj.state != seen_state:
        raise ConcurrentTransition(_("Someone else has handled this in the meantime; please refresh."))


def meet_clocks(obj, rule: str, *, actor, at) -> None:
    """Meet the running clocks of `rule` on `obj` (the step the rule asks for was just taken)."""
    for clock in running_for(obj, rule):
        deadline_meet(actor=actor, deadline=clock, at=at)
