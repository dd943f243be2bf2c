"""督办: supervision notices on overdue or endangered clocks (docs/adr/0013-supervision-notices.md).

One function per change: `notice_issue` and `notice_resolve` (a supervisor's), and `notices_follow_clocks`, which
the deadline engine's clocks_changed signal runs (dashboards/receivers.py): it resolves the notices whose supervised
clock was met or cancelled and escalates the red ones whose own clock ran out.

Lock order, everywhere: the supervised item (a lead, a referral), then clocks (Deadline rows), then notices, and
the audit head last. The item's own workflows lock it, issue a letter (which takes the audit head) and meet its
clocks, whose clocks_changed receiver locks notices; the workflows here lock the supervised item first too
(deadlines.clocks.lock_target), then the supervised clock or the notice's own clock, then the notice, so that two
of them never wait for each other in a circle. The sweep, which locks clocks first, gives way instead.

What a confidential clock (a suspected crime) concerns is never written into a notice's document, messages or
trail text: people who may not see the item (the coordinator, other supervisors) read them.
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from agencies.models import Membership
from agencies.people import members_in_role, supervisors_over
from audit.models import AuditEvent
from audit.services import audit_record
from config.submissions import created_once
from deadlines.board import RED, clock_view
from deadlines.clocks import deadline_cancel, deadline_meet, deadline_start, lock_target
from deadlines.due import local_date
from deadlines.models import Deadline
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from .models import GRADE_WORDS, SupervisionNotice
from .notice_rules import (
    NOTICE_RULE,
    check_target_date,
    coordinator_of,
    day_words,
    due_words,
    is_pressing,
    item_words,
    supervising_agency,
)

RULE = NOTICE_RULE
CONFLICT = "Someone else has handled this in the meantime; please refresh."
OPEN = SupervisionNotice.OPEN_STATES


# Issue ----------------------------------------------------------------------------------------------------------


def notice_issue(
    *,
    actor,
    deadline: Deadline,
    grade: str,
    message: str,
    target_date: date,
    request=None,
    seen_state: str | None = None,
    submission_key=None,
) -> SupervisionNotice:
    """Issue a supervision notice on an overdue or endangered clock, in one transaction: number the 督办通知
    (issued by the supervisor's agency, addressed to the clock's agency), start its own clock S1 due at the end of
    `target_date`, tell the agency's heads and handlers, and record the event on the item's trail. A red notice
    supersedes an open yellow one on the same clock.

    Refuses with PermissionDenied (not a supervisor over the clock's agency), ValidationError (a clock on time, a
    target date that is not a working day after today, a notice of the grade already open), ConcurrentTransition
    (the clock or its notices changed since `seen_state` was shown: another supervisor was quicker). The same
    form (`submission_key`) sent twice gives the first notice.
    """
    try:
        return created_once(
            SupervisionNotice.objects.filter(issued_by=actor),
            submission_key,
            lambda: _issue(
                actor=actor,
                deadline=deadline,
                grade=grade,
                message=message.strip(),
                target_date=target_date,
                request=request,
                seen_state=seen_state,
                submission_key=submission_key,
            ),
        )
    except IntegrityError:
        # The one-open-notice constraint: a concurrent issue committed first (only where rows cannot be locked).
        raise ConcurrentTransition(_(CONFLICT)) from None


def seen_state_of(deadline: Deadline) -> str:
    """What the issuing form shows the clock as: running, paused or ended, and its open notice. A form sent after
    either changed is out of date (409). Not open and overdue apart: a clock due today that the sweep marks overdue
    while the supervisor types is still the clock the form was for."""
    open_notice = (
        SupervisionNotice.objects.open().filter(deadline=deadline).values_list("pk", flat=True).first()
    )
    running = deadline.state in (Deadline.State.OPEN, Deadline.State.OVERDUE)
    return f"{'running' if running else deadline.state}.{open_notice or 0}"


@transaction.atomic
def _issue(*, actor, deadline, grade, message, target_date, request, seen_state, submission_key):
    lock_target(deadline)
    # The supervised clock's row lock serialises every issue on it: a second one waits, then sees the first.
    deadline = (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("rule", "agency__region")
        .get(pk=deadline.pk)
    )
    issuing = supervising_agency(actor, deadline.agency, prefer=getattr(request, "agency", None) or None)
    if issuing is None:
        raise PermissionDenied(_("Only the supervisors over this agency may issue supervision notices."))
    if submission_key and (
        earlier := SupervisionNotice.objects.filter(issued_by=actor, submission_key=submission_key).first()
    ):
        return earlier  # the same form, sent twice at once: the first one waited for nothing
    if seen_state is not None and seen_state != seen_state_of(deadline):
        raise ConcurrentTransition(_(CONFLICT))
    if deadline.rule.code == RULE:
        raise ValidationError(
            _(
                "A supervision notice's own clock is not supervised again: a red notice that runs out goes to the coordinator."
            ),
            code="notice_clock",
        )
    now = timezone.now()
    if not deadline.is_running:
        raise ConcurrentTransition(_(CONFLICT))
    if not is_pressing(deadline, now=now):
        raise ValidationError(
            _(
                "This clock is on time: only an overdue clock, or one due within one working day, can be supervised."
            ),
            code="not_pressing",
        )
    if grade not in SupervisionNotice.Grade.values:
        raise ValidationError(_("Choose yellow or red."), code="grade")
    if not message:
        raise ValidationError({"message": _("Write what the agency must do.")})
    try:
        check_target_date(target_date, agency=deadline.agency, today=local_date(now))
    except ValidationError as error:
        raise ValidationError({"target_date": error}) from None

    superseded = _supersede_open(deadline, grade=grade, actor=actor, now=now)
    notice = SupervisionNotice.objects.create(
        deadline=deadline,
        agency=deadline.agency,
        issuing_agency=issuing,
        issued_by=actor,
        issued_at=now,
        grade=grade,
        message=message,
        target_date=target_date,
        supersedes=superseded,
        submission_key=submission_key,
    )
    notice.document = document_issue(
        actor=actor,
        agency=issuing,
        addressee=deadline.agency,
        kind=Document.Kind.CIRCULAR,  # a 督办通知 is a 通知 (GB/T 9704): the agency's 发 series, 文件格式
        title=f"关于对{deadline.agency.name}督办事项限期办结的通知（{GRADE_WORDS[grade]}）",
        context=_document_context(notice, deadline, issuing, superseded, now=now),
        target=notice,
        issued_on=local_date(now),
        confidential=deadline.confidential,
    )
    notice.clock = deadline_start(
        actor=actor,
        rule=RULE,
        target=notice,
        agency=deadline.agency,
        triggered_at=now,
        confidential=deadline.confidential,
        until=target_date,
    )
    notice.save(update_fields=["document", "clock"])
    _notify_issued(notice, deadline, issuing, now=now)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.SUPERVISION_RED
        if grade == SupervisionNotice.Grade.RED
        else AuditEvent.Action.SUPERVISION_YELLOW,
        obj=deadline.target,
        agency=deadline.agency,
        role=Membership.Role.SUPERVISOR,
        payload={
            "notice": notice.pk,
            "number": notice.document.number,
            "issuing_agency": issuing.name,
            "rule": deadline.rule.code,
            "target_date": target_date,
            "supersedes": superseded.document.number if superseded else "",
        },
        request=request,
    )
    return notice


def _supersede_open(deadline: Deadline, *, grade: str, actor, now) -> SupervisionNotice | None:
    """Make way for the new notice: a red one supersedes an open yellow one (whose clock is cancelled); any other
    open notice refuses it."""
    current = SupervisionNotice.objects.open().filter(deadline=deadline).first()
    if current is None:
        return None
    if not (
        current.state == SupervisionNotice.State.OPEN and current.grade == SupervisionNotice.Grade.YELLOW
    ):
        raise ValidationError(
            _("This clock already has an open red supervision notice: resolve it before issuing another."),
            code="open_notice",
        )
    if grade != SupervisionNotice.Grade.RED:
        raise ValidationError(
            _("This clock already has an open yellow supervision notice: issue a red one to step it up."),
            code="open_notice",
        )
    own_clock = _lock_clock(current.clock_id)
    current = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("document")
        .get(pk=current.pk)
    )
    current.supersede(at=now, note="已升级为红色督办")
    current.save()
    if own_clock is not None and own_clock.is_running:
        deadline_cancel(
            actor=actor, deadline=own_clock, reason="督办升级为红色督办，本通知由新通知取代", at=now
        )
    return current


def _lock_clock(clock_id: int | None) -> Deadline | None:
    if clock_id is None:
        return None
    return Deadline.objects.select_for_update().filter(pk=clock_id).first()


def _document_context(notice, deadline, issuing, superseded, *, now) -> dict:
    view = clock_view(deadline, now=now)
    rule = f"{deadline.rule.code} {deadline.rule.name}"
    if view.urgency == RED:
        standing = (
            f"截至目前已逾期{view.working_days_late}个工作日仍未办结"
            if view.working_days_late
            else "现已逾期，仍未办结"
        )
    else:
        standing = "即将到期，尚未办结"
    body = [
        f"你单位承办的“{rule}”事项{item_words(deadline)}，应于{due_words(deadline)}前办结，{standing}。",
        f"根据公共资源交易联动监督管理的有关规定，现对该事项予以{GRADE_WORDS[notice.grade]}。督办意见：{notice.message}",
        f"请你单位于{day_words(notice.target_date)}前办结，并将办理情况书面报送{issuing.name}。",
    ]
    if superseded is not None and superseded.document_id:
        body.append(f"本通知下发后，{superseded.document.number}号黄色督办通知不再执行。")
    if notice.grade == SupervisionNotice.Grade.RED:
        coordinator = coordinator_of(deadline.agency)
        upward = coordinator.name if coordinator and coordinator.pk != issuing.pk else "上级有关部门"
        body.append(f"逾期仍未办结的，将提请{upward}督促处理。")
    return {"recipient": deadline.agency.name, "body": body}


def _notify_issued(notice, deadline, issuing, *, now) -> None:
    agency_id = deadline.agency_id
    recipients = members_in_role([agency_id], Membership.Role.HEAD).get(agency_id, set()) | members_in_role(
        [agency_id], Membership.Role.HANDLER
    ).get(agency_id, set())
    grade = GRADE_WORDS[notice.grade]
    notify(
        [
            Message(
                recipient_ids=tuple(recipients),
                key=f"supervision:{notice.pk}:issued",
                title=f"【{grade}】{deadline.rule.code} {deadline.rule.name}",
                body=(
                    f"{issuing.name}下发{grade}通知（{notice.document.number}）：“{deadline.rule.name}”"
                    f"{item_words(deadline)}请于{day_words(notice.target_date)}前办结。{notice.message}"
                ),
                url=notice.get_absolute_url(),
                content_type_id=ContentType.objects.get_for_model(SupervisionNotice).pk,
                object_id=notice.pk,
            )
        ],
        now=now,
    )


# Resolve by the supervisor ------------------------------------------------------------------------------------


@transaction.atomic
def notice_resolve(*, actor, notice: SupervisionNotice, note: str, request=None) -> SupervisionNotice:
    """Resolve an open or escalated notice (a supervisor over its agency, with a note): its clock is cancelled,
    the agency's heads and the issuer are told, the event goes on the item's trail. ConcurrentTransition when it
    was resolved meanwhile."""
    lock_target(Deadline.objects.get(supervision_notices__pk=notice.pk))
    own_clock = _lock_clock(SupervisionNotice.objects.values_list("clock_id", flat=True).get(pk=notice.pk))
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("deadline__rule", "agency", "document")
        .get(pk=notice.pk)
    )
    if supervising_agency(actor, notice.agency) is None:
        raise PermissionDenied(
            _("Only the supervisors over this agency may resolve its supervision notices.")
        )
    if not notice.is_open:
        raise ConcurrentTransition(_(CONFLICT))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why the notice is resolved.")})
    now = timezone.now()
    notice.resolve(at=now, by=actor, note=note)
    notice.save()
    if own_clock is not None and own_clock.is_running:
        deadline_cancel(actor=actor, deadline=own_clock, reason=f"督办人办结督办：{note}", at=now)
    _after_resolve(notice, actor=actor, now=now, how=note, request=request)
    return notice


def _after_resolve(notice, *, actor, now, how: str, request=None) -> None:
    deadline = notice.deadline
    heads = members_in_role([notice.agency_id], Membership.Role.HEAD).get(notice.agency_id, set())
    recipients = (heads | {notice.issued_by_id}) - {getattr(actor, "pk", None)}
    number = notice.document.number if notice.document_id else ""
    notify(
        [
            Message(
                recipient_ids=tuple(recipients),
                key=f"supervision:{notice.pk}:resolved",
                title=f"【督办办结】{deadline.rule.code} {deadline.rule.name}",
                body=f"{notice.agency.name}的{GRADE_WORDS[notice.grade]}通知（{number}）已办结：{how}",
                url=notice.get_absolute_url(),
                content_type_id=ContentType.objects.get_for_model(SupervisionNotice).pk,
                object_id=notice.pk,
            )
        ],
        now=now,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.SUPERVISION_RESOLVED,
        obj=deadline.target,
        agency=notice.agency,
        role=Membership.Role.SUPERVISOR if actor is not None else "",
        payload={"notice": notice.pk, "number": number, "note": how},
        request=request,
    )


# What clocks do to notices (the clocks_changed receiver) ------------------------------------------------------


def notices_follow_clocks(deadline_ids) -> None:
    """After clocks changed (in their transaction): resolve the notices on clocks now met or cancelled (and meet or
    cancel their own clocks), and escalate the open red notices whose own clock is now overdue. One query when
    nothing concerns a notice, as for almost every change the sweep makes."""
    ids = list(deadline_ids)
    if not ids:
        return
    rows = (
        SupervisionNotice.objects.filter(
            Q(
                deadline_id__in=ids,
                deadline__state__in=[Deadline.State.MET, Deadline.State.CANCELLED],
                state__in=OPEN,
            )
            | Q(
                clock_id__in=ids,
                clock__state=Deadline.State.OVERDUE,
                state=SupervisionNotice.State.OPEN,
                grade=SupervisionNotice.Grade.RED,
            )
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    for pk in sorted(rows):
        _follow(pk)


def _follow(pk: int) -> None:
    own_clock = _lock_clock(SupervisionNotice.objects.values_list("clock_id", flat=True).get(pk=pk))
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("deadline__rule", "agency", "document")
        .get(pk=pk)
    )
    if not notice.is_open:
        return  # resolved meanwhile (the lock waited for it)
    supervised = notice.deadline
    if supervised.state in (Deadline.State.MET, Deadline.State.CANCELLED):
        met = supervised.state == Deadline.State.MET
        at = supervised.met_at if met else supervised.cancelled_at
        how = "督办事项已办结" if met else "督办事项的时限已撤销"
        notice.resolve(at=at, by=None, note=how)
        notice.save()
        if own_clock is not None and own_clock.is_running:
            if met:
                deadline_meet(deadline=own_clock, at=at)
            else:
                deadline_cancel(deadline=own_clock, reason=how, at=at)
        _after_resolve(notice, actor=None, now=at, how=how)
    elif (
        notice.state == SupervisionNotice.State.OPEN
        and notice.grade == SupervisionNotice.Grade.RED
        and own_clock is not None
        and own_clock.state == Deadline.State.OVERDUE
    ):
        _escalate(notice, own_clock)


def _escalate(notice: SupervisionNotice, own_clock: Deadline) -> None:
    """A red notice not met by its target date: tell the coordinator's heads and supervisors (once, whatever runs
    the sweep twice), and record it on the item's trail."""
    at = own_clock.overdue_at or timezone.now()
    notice.escalate(at=at)
    notice.save()
    deadline = notice.deadline
    coordinator = coordinator_of(notice.agency)
    if coordinator is not None:
        recipients = members_in_role([coordinator.pk], Membership.Role.HEAD).get(
            coordinator.pk, set()
        ) | members_in_role([coordinator.pk], Membership.Role.SUPERVISOR).get(coordinator.pk, set())
    else:  # no coordinator entered for the jurisdiction: its supervisors hear instead
        recipients = supervisors_over([notice.agency_id]).get(notice.agency_id, set())
    number = notice.document.number if notice.document_id else ""
    notify(
        [
            Message(
                recipient_ids=tuple(recipients),
                key=f"supervision:{notice.pk}:escalated",
                title=f"【红色督办逾期】{deadline.rule.code} {deadline.rule.name}",
                body=(
                    f"{notice.agency.name}未在{day_words(notice.target_date)}前办结红色督办通知（{number}）"
                    f"督办的“{deadline.rule.name}”事项，请协调督促办理。"
                ),
                url=notice.get_absolute_url(),
                content_type_id=ContentType.objects.get_for_model(SupervisionNotice).pk,
                object_id=notice.pk,
            )
        ],
        now=at,
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.SUPERVISION_ESCALATED,
        obj=deadline.target,
        agency=notice.agency,
        payload={
            "notice": notice.pk,
            "number": number,
            "coordinator": coordinator.name if coordinator else "",
        },
    )
