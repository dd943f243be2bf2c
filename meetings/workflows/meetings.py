"""Meetings: the notice (通知), cancellation, attendance, and the minutes (纪要) with the decisions and their clocks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from agencies.models import Agency
from audit.services import audit_record
from deadlines.clocks import deadline_start
from deadlines.due import local_date
from documents.models import Document
from documents.services import document_issue
from notifications.services import notify

from ..models import KIND_WORDS, AgendaItem, Assignment, Attendance, Decision, Meeting, MeetingAction
from .common import (
    CONFLICT,
    DECISION_RULE,
    R,
    audience,
    check_due_date,
    day_words,
    is_office,
    liaisons_and_heads,
    message_about,
    people,
    refuse_if_moved_on,
    time_words,
)


def _locked_meeting(meeting: Meeting, actor, seen_state) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body__office").get(pk=meeting.pk)
    )
    if not is_office(actor, meeting.body):
        raise PermissionDenied(_("Only the joint meeting's office prepares and records its meetings."))
    refuse_if_moved_on(meeting, seen_state)
    return meeting


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
    if meeting.starts_at <= now:
        raise ValidationError(
            _("The meeting's time has passed: cancel it, or plan it again for a time still to come."),
            code="past",
        )
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
    # The notice goes to every member and invited agency, who may not all see the cases: it gives their number
    # only (the meeting's page lists each reader those it may see).
    if cases := meeting.cases.count():
        paragraphs.append(f"会商案件{cases}件。")
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
            message_about(
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
                message_about(
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
    *,
    actor,
    meeting: Meeting,
    attendance: list[tuple[Agency, bool, str]],
    met_early: bool = False,
    request=None,
    seen_state=None,
) -> Meeting:
    """Record that the meeting was held and who attended for each agency (出席). Before the meeting's day only with
    `met_early`, the office's word that it met earlier than its notice said (on the trail)."""
    meeting = _locked_meeting(meeting, actor, seen_state)
    if meeting.state != Meeting.State.NOTIFIED:
        raise ConcurrentTransition(_(CONFLICT))
    now = timezone.now()
    if meeting.is_before_its_day(now) and not met_early:  # a meeting still to come, held by a wrong click
        raise ValidationError(
            _(
                "The meeting is set for %(day)s: record it as held from that day on, or confirm that it has "
                "met already, earlier than its notice said."
            )
            % {"day": date_format(meeting.day())},
            code="early",
        )
    allowed = audience(meeting)
    if any(agency.pk not in allowed for agency, _present, _who in attendance):
        raise ValidationError(_("Record attendance for the body's and the invited agencies only."))
    if not any(present for _agency, present, _who in attendance):
        raise ValidationError(_("Record at least one agency present."), code="nobody")
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
        payload={
            "present": sum(1 for _a, present, _w in attendance if present),
            **({"met_early": True} if meeting.is_before_its_day(now) else {}),
        },
        request=request,
    )
    return meeting


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
        for agency in decision["agencies"]:  # each in its own agency's calendar
            check_due_date(decision["due_date"], agency=agency, today=today)
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
    for decision_data in decisions:
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
                until=decision_data["due_date"],
            )
            assignment.save(update_fields=["clock"])
        responsible = [agency.pk for agency in decision_data["agencies"]]
        messages.append(
            message_about(
                people(responsible, R.HANDLER, R.HEAD),
                f"meeting-decision:{decision.pk}:assigned",
                f"【议定事项】{meeting.title}",
                f"{meeting.minutes.number}议定：{decision.text}。请于{day_words(decision.due_date)}前落实并报告办理情况。",
                decision,
            )
        )
    messages.append(
        message_about(
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
