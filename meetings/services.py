"""Write operations of the joint meetings that are not transitions: drafting an agenda item, planning a meeting.
Both are created once per form (`submission_key`): a second submit of the same form gives the first object."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import audit_record
from config.submissions import created_once

from .models import AgendaItem, Body, Meeting, MeetingAction
from .querysets import consultable_cases
from .workflows import audience, is_member_staff, is_office, member_agency_ids, refuse_if_moved_on


def item_draft(
    *, actor, body: Body, agency, title: str, description: str, submission_key=None, request=None
) -> AgendaItem:
    """Draft an agenda item for `agency` (a member of the body; the actor its handler or head). It still needs
    the head's signature before it can be submitted."""
    if agency.pk not in member_agency_ids(body) or not is_member_staff(actor, agency.pk):
        raise PermissionDenied(_("Only a member agency's handlers and heads draft agenda items."))
    if not title.strip() or not description.strip():
        raise ValidationError(_("Give the item's title and what is to be discussed."))

    @transaction.atomic
    def create():
        item = AgendaItem.objects.create(
            body=body,
            agency=agency,
            title=title.strip(),
            description=description.strip(),
            drafted_by=actor,
            submission_key=submission_key,
        )
        audit_record(
            actor=actor,
            action=MeetingAction.ITEM_DRAFTED,
            obj=item,
            agency=agency,
            to_state=item.state,
            payload={"title": item.title},
            request=request,
        )
        return item

    return created_once(AgendaItem.objects.filter(drafted_by=actor), submission_key, create)


@transaction.atomic
def item_revise(
    *, actor, item: AgendaItem, title: str, description: str, request=None, seen_state=None
) -> AgendaItem:
    """Revise an item's text while it is a draft or returned (its agency's handlers and heads): it is unsigned then,
    so the head signs what the office will read. `seen_state` is the page_token the form showed: a colleague's
    revision saved meanwhile is not overwritten (409)."""
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if not is_member_staff(actor, item.agency_id):
        raise PermissionDenied(_("Only the proposing agency's handlers and heads revise its agenda items."))
    refuse_if_moved_on(item, seen_state)
    if item.state not in (AgendaItem.State.DRAFT, AgendaItem.State.RETURNED):
        raise ConcurrentTransition(_("Someone else has handled this in the meantime; please refresh."))
    if not title.strip() or not description.strip():
        raise ValidationError(_("Give the item's title and what is to be discussed."))
    item.title, item.description = title.strip(), description.strip()
    item.save(update_fields=["title", "description", "revision"])
    audit_record(
        actor=actor,
        action=MeetingAction.ITEM_REVISED,
        obj=item,
        agency=item.agency,
        payload={"title": item.title},
        request=request,
    )
    return item


def meeting_plan(
    *,
    actor,
    body: Body,
    kind: str,
    title: str,
    starts_at: datetime,
    place: str,
    invited=(),
    cases=(),
    submission_key=None,
    request=None,
) -> Meeting:
    """Plan a meeting of the body (the office only): a plenary, an ad hoc meeting or a case consultation (会商,
    about one or more cases). Invited agencies are those outside the body (宣恩: 可根据会议议题邀请其他部门参加)."""
    if not is_office(actor, body):
        raise PermissionDenied(_("Only the joint meeting's office plans its meetings."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("The meeting must be in the future.")})
    if kind == Meeting.Kind.CONSULTATION and not cases:
        raise ValidationError({"cases": _("A case consultation is about at least one case: choose it.")})
    cases = list(cases)
    if cases and consultable_cases(body, actor).filter(pk__in=[lead.pk for lead in cases]).count() < len(
        cases
    ):
        raise ValidationError(
            {"cases": _("Choose cases of this joint meeting's jurisdiction that you may see.")}
        )
    members = member_agency_ids(body)
    invited = [agency for agency in invited if agency.pk not in members]

    @transaction.atomic
    def create():
        meeting = Meeting.objects.create(
            body=body,
            kind=kind,
            title=title.strip(),
            starts_at=starts_at,
            place=place.strip(),
            created_by=actor,
            submission_key=submission_key,
        )
        meeting.invited.set(invited)
        meeting.cases.set(cases)
        audit_record(
            actor=actor,
            action=MeetingAction.PLANNED,
            obj=meeting,
            agency=body.office,
            to_state=meeting.state,
            payload={"kind": kind, "title": meeting.title, "invited": len(audience(meeting) - members)},
            request=request,
        )
        return meeting

    return created_once(Meeting.objects.filter(created_by=actor), submission_key, create)
