"""One function per step of a joint meeting (宣恩 二(一); 鄂尔多斯 第三条, 第十条). Each runs in one transaction: lock
the row, check who may (PermissionDenied → 403) and the rules (ValidationError → the form, in Chinese), transition
(django-fsm; a page out of date → ConcurrentTransition → 409), issue documents, start and meet clocks, notify,
record the audit event.

Who does what:
- a member agency's handler or head drafts an item; its head signs it (负责人签字); then it may be submitted;
- the office (联席会议办公室: its agency's handlers, heads and supervisors) plans meetings, compiles submitted items
  into a meeting's draft agenda, sends the notice, records attendance and the minutes;
- the convener (召集人: the convening agency's heads, or the body's office head) approves or returns each item;
- an agency assigned a decision (议定事项) reports progress and completion; when every agency has completed it,
  every member is told.
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from agencies.models import Agency, Membership
from agencies.people import members_in_role
from audit.services import audit_record
from deadlines import workdays
from deadlines.clocks import calendar_for, deadline_meet, deadline_start
from deadlines.due import LEGAL_TZ, local_date
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from .models import (
    KIND_WORDS,
    AgendaItem,
    Assignment,
    Attendance,
    Body,
    Decision,
    Meeting,
    MeetingAction,
    Progress,
)

DECISION_RULE = "J1"  # 议定事项限期办结: seeded by meetings/migrations/0002
CONFLICT = "Someone else has handled this in the meantime; please refresh."
R = Membership.Role
OFFICE_ROLES = {R.HANDLER, R.HEAD, R.SUPERVISOR}
MEMBER_ROLES = {R.HANDLER, R.HEAD}


# Who ------------------------------------------------------------------------------------------------------------


def roles_in(user, agency_id: int) -> set[str]:
    """The user's active roles in the agency, read afresh (a workflow does not trust a page's cache)."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.active()
        .filter(user_id=user.pk, agency_id=agency_id, user__is_active=True)
        .values_list("role", flat=True)
    )


def is_office(user, body: Body) -> bool:
    return bool(roles_in(user, body.office_id) & OFFICE_ROLES)


def is_convener(user, body: Body) -> bool:
    return R.HEAD in roles_in(user, body.convener_id) or (
        body.office_head_id is not None and body.office_head_id == user.pk
    )


def is_member_staff(user, agency_id: int) -> bool:
    return bool(roles_in(user, agency_id) & MEMBER_ROLES)


def member_agency_ids(body: Body) -> set[int]:
    """The agencies of the body: its members, its convener and its office."""
    return set(body.members.values_list("agency_id", flat=True)) | {body.convener_id, body.office_id}


def people(agency_ids, *roles) -> set[int]:
    found = set()
    for role in roles:
        for ids in members_in_role(agency_ids, role).values():
            found |= ids
    return found


def liaisons_and_heads(body: Body, agency_ids) -> set[int]:
    """Those who receive meeting papers for the agencies: each member's liaison officer (联络员) and its heads; an
    agency with no liaison named on the body falls back to its members in the liaison role."""
    agency_ids = set(agency_ids)
    named = dict(body.members.filter(agency_id__in=agency_ids).values_list("agency_id", "liaison_id"))
    found = {user_id for user_id in named.values() if user_id}
    unnamed = {agency_id for agency_id in agency_ids if not named.get(agency_id)}
    return found | people(unnamed, R.LIAISON) | people(agency_ids, R.HEAD)


def _content_type(model):
    return ContentType.objects.get_for_model(model).pk


def _refuse_if_moved_on(obj, seen_state: str | None) -> None:
    if seen_state is not None and obj.state != seen_state:
        raise ConcurrentTransition(_(CONFLICT))


def _message(recipients, key, title, body, obj) -> Message:
    return Message(
        recipient_ids=tuple(recipients),
        key=key,
        title=title,
        body=body,
        url=obj.get_absolute_url(),
        content_type_id=_content_type(type(obj)),
        object_id=obj.pk,
    )


def day_words(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def time_words(moment) -> str:
    local = timezone.localtime(moment, LEGAL_TZ)
    return f"{day_words(local.date())}{local.hour}时{local.minute:02d}分"


# Agenda items ---------------------------------------------------------------------------------------------------


def _locked_item(item: AgendaItem, seen_state) -> AgendaItem:
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("body", "agency", "meeting")
        .get(pk=item.pk)
    )
    _refuse_if_moved_on(item, seen_state)
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
            _message(
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
            _message(
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
            _message(
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


# Meetings -------------------------------------------------------------------------------------------------------


def _locked_meeting(meeting: Meeting, actor, seen_state) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body__office").get(pk=meeting.pk)
    )
    if not is_office(actor, meeting.body):
        raise PermissionDenied(_("Only the joint meeting's office prepares and records its meetings."))
    _refuse_if_moved_on(meeting, seen_state)
    return meeting


def audience(meeting: Meeting) -> set[int]:
    """The agencies a meeting concerns: the body's, and those invited."""
    return member_agency_ids(meeting.body) | set(meeting.invited.values_list("pk", flat=True))


@transaction.atomic
def meeting_notify(*, actor, meeting: Meeting, request=None, seen_state=None) -> Meeting:
    """Send the meeting notice (会议通知): a numbered 通知 of the office with the time, place and approved agenda,
    to every member's liaison and heads and to the invited agencies. Refused while the convener has items to
    decide."""
    meeting = _locked_meeting(meeting, actor, seen_state)
    if meeting.state != Meeting.State.PLANNED:
        raise ConcurrentTransition(_(CONFLICT))
    if meeting.items.filter(state=AgendaItem.State.COMPILED).exists():
        raise ValidationError(
            _("The convener has not yet decided on every item of the draft agenda."), code="undecided"
        )
    now = timezone.now()
    body = meeting.body
    items = list(
        meeting.items.filter(state=AgendaItem.State.APPROVED).select_related("agency").order_by("id")
    )
    invited = list(meeting.invited.order_by("name").values_list("name", flat=True))
    paragraphs = [
        f"经召集人同意，定于{time_words(meeting.starts_at)}在{meeting.place}召开{meeting.title}"
        + ("" if KIND_WORDS[meeting.kind] in meeting.title else f"（{KIND_WORDS[meeting.kind]}）")
        + "。",
        "请各成员单位分管领导（联络员）准时参加。"
        + (f"邀请{'、'.join(invited)}参加会议。" if invited else ""),
    ]
    cases = list(meeting.cases.select_related("project"))
    if cases:
        paragraphs.append("会商案件：" + "；".join(lead.project.name for lead in cases) + "。")
    tables = []
    if items:
        tables.append(
            {
                "title": "会议议题",
                "headers": ["序号", "议题", "提出单位"],
                "rows": [[n, item.title, item.agency.name] for n, item in enumerate(items, start=1)],
            }
        )
    meeting.notice = document_issue(
        actor=actor,
        agency=body.office,
        kind=Document.Kind.CIRCULAR,
        title=f"关于召开{meeting.title}的通知",
        context={
            "recipient": "各成员单位",
            "body": paragraphs,
            "tables": tables,
            "signature": body.name + "办公室",
        },
        target=meeting,
        issued_on=local_date(now),
    )
    meeting.send_notice()
    meeting.save()
    notify(
        [
            _message(
                liaisons_and_heads(body, audience(meeting)),
                f"meeting:{meeting.pk}:notice",
                f"【会议通知】{meeting.title}",
                f"{meeting.notice.number}：定于{time_words(meeting.starts_at)}在{meeting.place}召开{meeting.title}，请准时参加。",
                meeting,
            )
        ],
        now=now,
    )
    audit_record(
        actor=actor,
        action=MeetingAction.NOTICE_SENT,
        obj=meeting,
        agency=body.office,
        from_state="planned",
        to_state=meeting.state,
        payload={"number": meeting.notice.number, "items": len(items)},
        request=request,
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str, request=None, seen_state=None) -> Meeting:
    """Cancel a meeting not yet held (the office, with reasons): its draft and approved items go back to the office's
    submitted items, to be compiled into another meeting; once its notice was sent, everyone it went to is told."""
    meeting = _locked_meeting(meeting, actor, seen_state)
    if meeting.state not in (Meeting.State.PLANNED, Meeting.State.NOTIFIED):
        raise ConcurrentTransition(_(CONFLICT))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reasons for cancelling the meeting."), code="reason_required")
    now = timezone.now()
    notified = meeting.state == Meeting.State.NOTIFIED
    for item in AgendaItem.objects.select_for_update().filter(
        meeting=meeting, state__in=[AgendaItem.State.COMPILED, AgendaItem.State.APPROVED]
    ):
        item.release()
        item.save()
    meeting.cancel()
    meeting.save()
    if notified:
        notify(
            [
                _message(
                    liaisons_and_heads(meeting.body, audience(meeting)),
                    f"meeting:{meeting.pk}:cancelled",
                    f"【会议取消】{meeting.title}",
                    f"原定于{time_words(meeting.starts_at)}召开的{meeting.title}（{meeting.notice.number}）取消，"
                    f"原因：{reason}",
                    meeting,
                )
            ],
            now=now,
        )
    audit_record(
        actor=actor,
        action=MeetingAction.CANCELLED,
        obj=meeting,
        agency=meeting.body.office,
        from_state="notified" if notified else "planned",
        to_state=meeting.state,
        payload={"reason": reason},
        request=request,
    )
    return meeting


@transaction.atomic
def meeting_hold(
    *, actor, meeting: Meeting, attendance: list[tuple[Agency, bool, str]], request=None, seen_state=None
) -> Meeting:
    """Record that the meeting was held and who attended for each agency (出席)."""
    meeting = _locked_meeting(meeting, actor, seen_state)
    if meeting.state != Meeting.State.NOTIFIED:
        raise ConcurrentTransition(_(CONFLICT))
    allowed = audience(meeting)
    if any(agency.pk not in allowed for agency, _present, _who in attendance):
        raise ValidationError(_("Record attendance for the body's and the invited agencies only."))
    if not any(present for _agency, present, _who in attendance):
        raise ValidationError(_("Record at least one agency present."), code="nobody")
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, agency=agency, present=present, attendee=who.strip())
            for agency, present, who in attendance
        ]
    )
    meeting.hold(at=now)
    meeting.save()
    audit_record(
        actor=actor,
        action=MeetingAction.HELD,
        obj=meeting,
        agency=meeting.body.office,
        from_state="notified",
        to_state=meeting.state,
        payload={"present": sum(1 for _a, present, _w in attendance if present)},
        request=request,
    )
    return meeting


def check_due_date(day: date, *, agency: Agency, today: date) -> int:
    """Refuse a due date that is not a working day after today; return the working days from today to it (the
    period of the assignment's clock)."""
    calendar = calendar_for(agency).pk
    if day <= today:
        raise ValidationError(_("The due date must be after today."), code="due_not_future")
    if not workdays.is_workday(day, calendar=calendar):
        raise ValidationError(
            _("%(day)s is not a working day: choose a working day.") % {"day": day.isoformat()},
            code="due_not_workday",
        )
    return workdays.working_days_between(today, day, calendar=calendar)


@transaction.atomic
def meeting_record_minutes(
    *, actor, meeting: Meeting, summary: str, decisions: list[dict], request=None, seen_state=None
) -> Meeting:
    """Issue the minutes (会议纪要, the office's 纪 series) with the decisions (议定事项): each assigned to one or more
    agencies with a due date, each assignment with its own clock J1 to the end of that day. The body's liaisons
    and heads, and the assigned agencies' handlers, are told.

    `decisions`: [{"text": str, "agencies": [Agency], "due_date": date}]."""
    meeting = _locked_meeting(meeting, actor, seen_state)
    if meeting.state != Meeting.State.HELD:
        raise ConcurrentTransition(_(CONFLICT))
    summary = summary.strip()
    if not summary:
        raise ValidationError(_("Write what the meeting discussed."), code="summary_required")
    now = timezone.now()
    today = local_date(now)
    allowed = audience(meeting)
    periods = []
    for number, decision in enumerate(decisions, start=1):
        if not decision["text"].strip() or not decision["agencies"]:
            raise ValidationError(
                _("Decision %(number)s needs its text and at least one responsible agency.")
                % {"number": number}
            )
        if any(agency.pk not in allowed for agency in decision["agencies"]):
            raise ValidationError(
                _("Decision %(number)s: assign it to the body's or the invited agencies only.")
                % {"number": number}
            )
        periods.append(
            {
                agency.pk: check_due_date(decision["due_date"], agency=agency, today=today)
                for agency in decision["agencies"]
            }
        )
    body = meeting.body
    present = list(meeting.attendance.filter(present=True).select_related("agency").order_by("agency__name"))
    paragraphs = [summary]
    for number, decision in enumerate(decisions, start=1):
        names = "、".join(agency.name for agency in decision["agencies"])
        paragraphs.append(
            f"{number}. {decision['text'].strip()}（责任单位：{names}；完成时限：{day_words(decision['due_date'])}）"
        )
    meeting.minutes = document_issue(
        actor=actor,
        agency=body.office,
        kind=Document.Kind.MINUTES,
        title=f"{meeting.title}纪要",
        context={
            "heading": f"{body.name}纪要",
            "body": paragraphs,
            "present": [
                f"{row.agency.name}{('（' + row.attendee + '）') if row.attendee else ''}" for row in present
            ],
        },
        target=meeting,
        issued_on=today,
    )
    meeting.record_minutes(summary=summary)
    meeting.save()
    messages = []
    for decision_data, period in zip(decisions, periods, strict=True):
        decision = Decision.objects.create(
            meeting=meeting, text=decision_data["text"].strip(), due_date=decision_data["due_date"]
        )
        for agency in decision_data["agencies"]:
            assignment = Assignment.objects.create(decision=decision, agency=agency)
            assignment.clock = deadline_start(
                actor=actor,
                rule=DECISION_RULE,
                target=decision,
                agency=agency,
                triggered_at=now,
                duration=period[agency.pk],
            )
            assignment.save(update_fields=["clock"])
        responsible = [agency.pk for agency in decision_data["agencies"]]
        messages.append(
            _message(
                people(responsible, R.HANDLER, R.HEAD),
                f"meeting-decision:{decision.pk}:assigned",
                f"【议定事项】{meeting.title}",
                f"{meeting.minutes.number}议定：{decision.text}。请于{day_words(decision.due_date)}前落实并报告办理情况。",
                decision,
            )
        )
    messages.append(
        _message(
            liaisons_and_heads(body, audience(meeting)),
            f"meeting:{meeting.pk}:minutes",
            f"【会议纪要】{meeting.title}",
            f"{meeting.minutes.number}已印发，议定事项{len(decisions)}项。",
            meeting,
        )
    )
    notify(messages, now=now)
    audit_record(
        actor=actor,
        action=MeetingAction.MINUTES_ISSUED,
        obj=meeting,
        agency=body.office,
        from_state="held",
        to_state=meeting.state,
        payload={"number": meeting.minutes.number, "decisions": len(decisions)},
        request=request,
    )
    return meeting


# Decisions ------------------------------------------------------------------------------------------------------


def _locked_assignment(assignment: Assignment, actor, seen_state) -> Assignment:
    # Lock order: the clock, then the assignment (as the deadline engine and its receivers do).
    clock_id = Assignment.objects.values_list("clock_id", flat=True).get(pk=assignment.pk)
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
    _refuse_if_moved_on(assignment, seen_state)
    if assignment.state != Assignment.State.OPEN:
        raise ConcurrentTransition(_(CONFLICT))
    return assignment


@transaction.atomic
def assignment_report(*, actor, assignment: Assignment, text: str, request=None, seen_state=None) -> Progress:
    """The responsible agency reports progress on its share of a decision; the office is told (督促检查)."""
    assignment = _locked_assignment(assignment, actor, seen_state)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write what has been done."), code="text_required")
    now = timezone.now()
    report = Progress.objects.create(assignment=assignment, text=text, reported_by=actor, reported_at=now)
    decision = assignment.decision
    notify(
        [
            _message(
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
    agency has completed it, the decision is completed and every member of the body is told."""
    assignment = _locked_assignment(assignment, actor, seen_state)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write how the decision was carried out."), code="text_required")
    now = timezone.now()
    Progress.objects.create(
        assignment=assignment, text=text, completes=True, reported_by=actor, reported_at=now
    )
    assignment.complete(by=actor, at=now)
    assignment.save()
    if assignment.clock is not None and assignment.clock.is_running:
        deadline_meet(actor=actor, deadline=assignment.clock, at=now)
    decision = (
        Decision.objects.select_for_update().select_related("meeting__body").get(pk=assignment.decision_id)
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
        _message(
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
            _message(
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
    notify(
        [
            _message(
                people([assignment.agency_id], R.HEAD, R.HANDLER),
                f"meeting-urge:{assignment.pk}:{local_date(now):%Y%m%d}",
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
