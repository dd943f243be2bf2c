"""Decisions (议定事项): the responsible agencies report progress and completion; the office presses them (督促)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import audit_record
from config.submissions import created_once
from deadlines.clocks import deadline_meet
from deadlines.due import local_date
from notifications.models import Notification
from notifications.services import notify

from ..models import Assignment, Decision, MeetingAction, Progress
from .common import (
    CONFLICT,
    OFFICE_ROLES,
    R,
    audience,
    day_words,
    is_member_staff,
    is_office,
    liaisons_and_heads,
    message_about,
    people,
    refuse_if_moved_on,
)


def _locked_assignment(assignment: Assignment, actor, seen_state) -> Assignment:
    # Lock order: the decision its clock runs on, then the clock, then the assignment. A supervision notice on the
    # clock locks the decision first too (deadlines.clocks.lock_target): the clock first deadlocked with it.
    decision_id, clock_id = Assignment.objects.values_list("decision_id", "clock_id").get(pk=assignment.pk)
    list(Decision.objects.select_for_update().filter(pk=decision_id).values_list("pk", flat=True))
    if clock_id is not None:
        from deadlines.models import Deadline

        Deadline.objects.select_for_update().filter(pk=clock_id).first()
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("decision__meeting__body__office", "agency", "clock")
        .get(pk=assignment.pk)
    )
    if not is_member_staff(actor, assignment.agency_id):
        raise PermissionDenied(_("Only the responsible agency's handlers and heads report on its decision."))
    refuse_if_moved_on(assignment, seen_state)
    if assignment.state != Assignment.State.OPEN:
        raise ConcurrentTransition(_(CONFLICT))
    return assignment


def assignment_report(
    *, actor, assignment: Assignment, text: str, request=None, seen_state=None, submission_key=None
) -> Progress:
    """The responsible agency reports progress on its share of a decision; the office is told (督促检查). The same
    form sent twice gives the first report (reporting leaves the assignment open, so its state cannot tell)."""
    return created_once(
        Progress.objects.filter(reported_by=actor),
        submission_key,
        lambda: _report(
            actor=actor,
            assignment=assignment,
            text=text,
            request=request,
            seen_state=seen_state,
            submission_key=submission_key,
        ),
    )


@transaction.atomic
def _report(*, actor, assignment, text, request, seen_state, submission_key) -> Progress:
    assignment = _locked_assignment(assignment, actor, seen_state)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write what has been done."), code="text_required")
    now = timezone.now()
    report = Progress.objects.create(
        assignment=assignment, text=text, reported_by=actor, reported_at=now, submission_key=submission_key
    )
    decision = assignment.decision
    notify(
        [
            message_about(
                people([decision.meeting.body.office_id], *OFFICE_ROLES),
                f"meeting-progress:{report.pk}",
                f"【议定事项进展】{assignment.agency.name}",
                f"{assignment.agency.name}报告“{decision.text[:40]}”的进展：{text}",
                decision,
            )
        ],
        now=now,
    )
    audit_record(
        actor=actor,
        action=MeetingAction.PROGRESS,
        obj=decision.meeting,
        agency=assignment.agency,
        payload={"decision": decision.pk, "report": text},
        request=request,
    )
    return report


@transaction.atomic
def assignment_complete(
    *, actor, assignment: Assignment, text: str, request=None, seen_state=None
) -> Assignment:
    """The responsible agency reports its share of a decision completed: its clock is met. When every assigned
    agency has completed it, the decision is completed and every member of the body is told. (The same form sent
    twice finds the assignment completed: 409, as for any step taken. The form's submission key is not stored:
    it is the key of a progress report the same form may already have sent.)"""
    assignment = _locked_assignment(assignment, actor, seen_state)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write how the decision was carried out."), code="text_required")
    now = timezone.now()
    Progress.objects.create(
        assignment=assignment,
        text=text,
        completes=True,
        reported_by=actor,
        reported_at=now,
    )
    assignment.complete(by=actor, at=now)
    assignment.save()
    if assignment.clock is not None and assignment.clock.is_running:
        deadline_meet(actor=actor, deadline=assignment.clock, at=now)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting__body")
        .get(pk=assignment.decision_id)
    )
    meeting, body = decision.meeting, decision.meeting.body
    audit_record(
        actor=actor,
        action=MeetingAction.ASSIGNMENT_COMPLETED,
        obj=meeting,
        agency=assignment.agency,
        payload={"decision": decision.pk, "report": text},
        request=request,
    )
    messages = [
        message_about(
            people([body.office_id], *OFFICE_ROLES),
            f"meeting-assignment:{assignment.pk}:completed",
            f"【议定事项办结】{assignment.agency.name}",
            f"{assignment.agency.name}已办结“{decision.text[:40]}”：{text}",
            decision,
        )
    ]
    if not decision.assignments.exclude(state=Assignment.State.COMPLETED).exists():
        decision.complete(at=now)
        decision.save()
        # 联席会议办公室负责督促检查会议决定事项的贯彻落实情况，并及时通报到各成员单位 (宣恩 二(一)).
        messages.append(
            message_about(
                liaisons_and_heads(body, audience(meeting)) | people([body.office_id], *OFFICE_ROLES),
                f"meeting-decision:{decision.pk}:completed",
                f"【议定事项落实通报】{meeting.title}",
                f"{meeting.title}议定事项“{decision.text}”已全部落实（{day_words(local_date(now))}）。",
                decision,
            )
        )
        audit_record(
            actor=actor,
            action=MeetingAction.DECISION_COMPLETED,
            obj=meeting,
            agency=assignment.agency,
            payload={"decision": decision.pk},
            request=request,
        )
    notify(messages, now=now)
    return assignment


@transaction.atomic
def assignment_urge(*, actor, assignment: Assignment, note: str = "", request=None) -> Assignment:
    """The office presses an agency on its open share of a decision (督促检查, 宣恩 二(一)): the agency's heads and
    handlers are told, at most once a day per share (the message key names the day)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("decision__meeting__body", "agency")
        .get(pk=assignment.pk)
    )
    decision = assignment.decision
    body = decision.meeting.body
    if not is_office(actor, body):
        raise PermissionDenied(_("Only the joint meeting's office presses agencies on its decisions."))
    if assignment.state != Assignment.State.OPEN:
        raise ConcurrentTransition(_(CONFLICT))
    now = timezone.now()
    note = note.strip()
    key = f"meeting-urge:{assignment.pk}:{local_date(now):%Y%m%d}"
    pressed = people([assignment.agency_id], R.HEAD, R.HANDLER)
    if not pressed:
        raise ValidationError(
            _("%(agency)s has no handler or head in the portal yet: press it by telephone or letter.")
            % {"agency": assignment.agency.name},
            code="nobody",
        )
    # Under the share's lock: a second press the same day (a double click too) is told so, and records no press
    # that sent nothing. (By recipient and key: the notifications' unique index.)
    if Notification.objects.filter(recipient_id__in=pressed, key=key).exists():
        raise ValidationError(
            _("This agency was pressed on this decision today already; it can be pressed again tomorrow."),
            code="urged_today",
        )
    notify(
        [
            message_about(
                pressed,
                key,
                f"【议定事项督促】{decision.meeting.title}",
                f"联席会议办公室督促：请于{day_words(decision.due_date)}前落实“{decision.text}”并报告办理情况。"
                + (f"{note}" if note else ""),
                decision,
            )
        ],
        now=now,
    )
    audit_record(
        actor=actor,
        action=MeetingAction.URGED,
        obj=decision.meeting,
        agency=body.office,
        payload={"decision": decision.pk, "agency": assignment.agency.name, "note": note},
        request=request,
    )
    return assignment
