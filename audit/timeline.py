"""An object's audit trail for its page: the case, meeting and credit pages include templates/audit/_timeline.html.

In the view, after the object itself was fetched through its own visible_to:

    timeline = timeline_for(referral, request.user, labels=[Referral.Action, Referral.Status])

and in the template, where the trail should appear:

    {% include "audit/_timeline.html" with timeline=timeline %}

Audit is on floor 1 and knows no case or meeting: the caller names the TextChoices whose labels spell its actions
and states. Values no label covers are shown as stored.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models

from agencies.models import Membership

from .models import AuditEvent


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    # Labels stay lazy, so that the page shows them in its own language.
    action: str
    from_state: str
    to_state: str
    roles: list[str]  # the actor's roles in the agency, e.g. ["Handler (经办人)"]
    anonymous: bool  # no actor, but a request: a visitor who was not logged in (else a system job)


def timeline_for(
    obj,
    user,
    *,
    labels: Sequence[type[models.TextChoices]] = (),
    related: Sequence[models.Model] = (),
    parties: Sequence[int] = (),
) -> list[TimelineEntry]:
    """Return the events recorded about `obj` (and the `related` objects shown with it, such as a lead's
    referrals) that `user` may see, oldest first.

    The user sees what AuditEvent.objects.visible_to allows and, besides, the events recorded for the `parties`
    (agency ids): an object shared by several agencies, such as a referral between its sender and receiver, shows
    each side's steps to the other. The caller fetched `obj` and `related` through their own visible_to.

    One query for the events with their actors and agencies, whatever their number; visible_to adds those it
    needs for the user's supervised regions.
    """
    names = dict(AuditEvent.Action.choices)
    for choices in labels:
        names.update(choices.choices)
    role_names = dict(Membership.Role.choices)
    events = (
        AuditEvent.objects.visible_to(user, parties=parties)
        .of_objects([obj, *related])
        .select_related("actor", "agency")
    )
    return [
        TimelineEntry(
            event=event,
            action=names.get(event.action, event.action),
            from_state=names.get(event.from_state, event.from_state),
            to_state=names.get(event.to_state, event.to_state),
            roles=[role_names.get(role, role) for role in event.role.split(",") if role],
            anonymous=event.actor_id is None and bool(event.ip or event.request_id),
        )
        for event in events
    ]
