"""What every credit workflow shares: the roles it reads afresh, the refusal of a page out of date."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition

from agencies.models import Membership

HANDLER, HEAD = Membership.Role.HANDLER, Membership.Role.HEAD
SUPERVISOR, LIAISON = Membership.Role.SUPERVISOR, Membership.Role.LIAISON
CONFLICT = gettext_noop("Someone else has handled this in the meantime; please refresh.")


def roles_in(user, agency) -> set[str]:
    """The user's active roles in `agency`, read afresh (a workflow does not trust a page's cached roles)."""
    if agency is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.active()
        .filter(user_id=user.pk, agency_id=agency.pk)
        .values_list("role", flat=True)
    )


def require_role(actor, agency, allowed: set[str], refusal: str) -> set[str]:
    """The actor's roles in `agency`, or PermissionDenied (403) with `refusal` when none is `allowed`."""
    roles = roles_in(actor, agency)
    if not roles & allowed:
        raise PermissionDenied(refusal)
    return roles


def refuse_if_moved_on(obj, seen_state: str | None) -> None:
    """ConcurrentTransition (409) when the page's form showed another state than the row has now."""
    if seen_state is not None and obj.state != seen_state:
        raise ConcurrentTransition(_(CONFLICT))
