"""Agenda items (议题, 宣恩 二(一)): signed by the proposing agency's head, submitted to the office, compiled into a
meeting's draft agenda, approved or returned with reasons by the convener."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import audit_record
from notifications.services import notify

from ..models import AgendaItem, Meeting, MeetingAction
from .common import (
    CONFLICT,
    OFFICE_ROLES,
    R,
    is_convener,
    is_member_staff,
    is_office,
    message_about,
    people,
    refuse_if_moved_on,
    roles_in,
)


def _locked_item(item: AgendaItem, seen_state) -> AgendaItem:
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("body", "agency", "meeting")
        .get(pk=item.pk)
    )
    refuse_if_moved_on(item, seen_state)
    return item


def _item_event(actor, action, item, *, agency, from_state, payload=None, request=None):
    audit_record(
        actor=actor,
        action=action,
        obj=item,
        agency=agency,
        from_state=from_state,
        to_state=item.state,
        payload={"title": item.title, **(payload or {})},
        request=request,
    )


@transaction.atomic
def item_sign(*, actor, item: AgendaItem, request=None, seen_state=None) -> AgendaItem:
    """The proposing agency's head signs the item (负责人签字, 宣恩 二(一)): only then may it be submitted."""
    item = _locked_item(item, seen_state)
    if R.HEAD not in roles_in(actor, item.agency_id):
        raise PermissionDenied(_("Only the head of the proposing agency signs its agenda items."))
    if item.state not in (AgendaItem.State.DRAFT, AgendaItem.State.RETURNED):
        raise ConcurrentTransition(_(CONFLICT))
    before = item.state
    item.sign(by=actor, at=timezone.now())
    item.save()
    _item_event(
        actor, MeetingAction.ITEM_SIGNED, item, agency=item.agency, from_state=before, request=request
    )
    return item


@transaction.atomic
def item_submit(*, actor, item: AgendaItem, request=None, seen_state=None) -> AgendaItem:
    """Submit a signed item to the office (its agency's handlers or heads); the office's people are told."""
    item = _locked_item(item, seen_state)
    if not is_member_staff(actor, item.agency_id):
        raise PermissionDenied(_("Only the proposing agency's handlers and heads submit its agenda items."))
    if item.state in (AgendaItem.State.DRAFT, AgendaItem.State.RETURNED) or item.signed_by_id is None:
        raise ValidationError(
            _("The item must be signed by your agency's head (负责人签字) before it is submitted."),
            code="unsigned",
        )
    if item.state != AgendaItem.State.SIGNED:
        raise ConcurrentTransition(_(CONFLICT))
    now = timezone.now()
    item.submit(at=now)
    item.save()
    office = item.body.office_id
    notify(
        [
            message_about(
                people([office], *OFFICE_ROLES),
                f"meeting-item:{item.pk}:submitted:{now:%Y%m%d%H%M%S}",
                f"【联席会议议题】{item.title}",
                f"{item.agency.name}报送议题“{item.title}”（已经负责人签字），请汇总列入会议议题。",
                item,
            )
        ],
        now=now,
    )
    _item_event(
        actor, MeetingAction.ITEM_SUBMITTED, item, agency=item.agency, from_state="signed", request=request
    )
    return item


@transaction.atomic
def item_compile(*, actor, item: AgendaItem, meeting: Meeting, request=None, seen_state=None) -> AgendaItem:
    """The office puts a submitted item on the draft agenda of a meeting in preparation; the convener is told."""
    # Lock order, everywhere: a meeting before its items (meeting_cancel releases them under the meeting's lock).
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    item = _locked_item(item, seen_state)
    if not is_office(actor, item.body):
        raise PermissionDenied(_("Only the joint meeting's office compiles the agenda."))
    if item.state != AgendaItem.State.SUBMITTED:
        raise ConcurrentTransition(_(CONFLICT))
    if meeting.body_id != item.body_id or meeting.state != Meeting.State.PLANNED:
        raise ValidationError(
            _(
                "Choose a meeting of this joint meeting that is still being prepared (its notice not yet sent)."
            ),
            code="meeting",
        )
    now = timezone.now()
    item.compile(meeting=meeting)
    item.save()
    body = item.body
    convener = people([body.convener_id], R.HEAD) | ({body.office_head_id} if body.office_head_id else set())
    notify(
        [
            message_about(
                convener,
                f"meeting-item:{item.pk}:compiled:{meeting.pk}:{now:%Y%m%d%H%M%S}",
                f"【议题审定】{meeting.title}",
                f"联席会议办公室将{item.agency.name}的议题“{item.title}”列入“{meeting.title}”议题，请审定是否列入会议议程。",
                item,
            )
        ],
        now=now,
    )
    _item_event(
        actor,
        MeetingAction.ITEM_COMPILED,
        item,
        agency=body.office,
        from_state="submitted",
        payload={"meeting": meeting.pk},
        request=request,
    )
    return item


def _convener_decides(actor, item) -> None:
    if not is_convener(actor, item.body):
        raise PermissionDenied(_("Only the convener decides what goes on the meeting's agenda."))


@transaction.atomic
def item_approve(*, actor, item: AgendaItem, request=None, seen_state=None) -> AgendaItem:
    """The convener approves a compiled item for the meeting's agenda (召集人审定)."""
    item = _locked_item(item, seen_state)
    _convener_decides(actor, item)
    if item.state != AgendaItem.State.COMPILED:
        raise ConcurrentTransition(_(CONFLICT))
    item.approve(by=actor, at=timezone.now())
    item.save()
    _item_event(
        actor,
        MeetingAction.ITEM_APPROVED,
        item,
        agency=item.body.convener,
        from_state="compiled",
        payload={"meeting": item.meeting_id},
        request=request,
    )
    return item


@transaction.atomic
def item_reject(*, actor, item: AgendaItem, reason: str, request=None, seen_state=None) -> AgendaItem:
    """The convener returns a compiled item with reasons; the proposing agency's heads and drafter are told. The
    item may be signed again and resubmitted."""
    item = _locked_item(item, seen_state)
    _convener_decides(actor, item)
    if item.state != AgendaItem.State.COMPILED:
        raise ConcurrentTransition(_(CONFLICT))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reasons for returning the item."), code="reason_required")
    now = timezone.now()
    meeting = item.meeting
    item.reject(by=actor, at=now, reason=reason)
    item.save()
    notify(
        [
            message_about(
                people([item.agency_id], R.HEAD) | {item.drafted_by_id},
                f"meeting-item:{item.pk}:returned:{now:%Y%m%d%H%M%S}",
                f"【议题退回】{item.title}",
                f"召集人未将议题“{item.title}”列入“{meeting.title}”议程，理由：{reason}",
                item,
            )
        ],
        now=now,
    )
    _item_event(
        actor,
        MeetingAction.ITEM_RETURNED,
        item,
        agency=item.body.convener,
        from_state="compiled",
        payload={"meeting": meeting.pk, "reason": reason},
        request=request,
    )
    return item
