"""Agenda items: the head's signature before submission (宣恩 二(一): 经部门主要领导签字后，送联席会议办公室), the
office compiles, the convener approves or returns with reasons."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_fsm import ConcurrentTransition

from agencies.models import Membership
from audit.models import AuditEvent
from meetings import services, workflows
from meetings.models import AgendaItem, BodyMember, Meeting
from notifications.models import Notification
from tests.factories import MembershipFactory

from .conftest import at
from .helpers import draft, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        yield


def test_an_unsigned_item_cannot_be_submitted(body, agency, insider, cast):
    item = draft(body, agency, insider)
    with pytest.raises(ValidationError) as refused:
        workflows.item_submit(actor=insider, item=item)
    assert refused.value.code == "unsigned"
    assert AgendaItem.objects.get().state == AgendaItem.State.DRAFT


def test_the_head_signs_and_a_handler_may_not(body, agency, insider, colleague, cast):
    item = draft(body, agency, insider)
    with pytest.raises(PermissionDenied):
        workflows.item_sign(actor=insider, item=item)
    with pytest.raises(PermissionDenied):  # the head of another agency neither
        workflows.item_sign(actor=cast["member_head"], item=item)
    item = workflows.item_sign(actor=colleague, item=item)
    assert (item.state, item.signed_by) == (AgendaItem.State.SIGNED, colleague)
    item = workflows.item_submit(actor=insider, item=item)
    assert item.state == AgendaItem.State.SUBMITTED
    office = Notification.objects.filter(recipient__in=[cast["office_clerk"], cast["supervisor"]])
    assert office.count() == 2
    assert "已经负责人签字" in office.first().body


def test_compile_approve_and_reject_with_reasons(body, agency, insider, colleague, cast):
    office, convener = cast["office_clerk"], cast["convener_head"]
    meeting = plan(body, office)
    first, second = draft(body, agency, insider, "议题一"), draft(body, agency, insider, "议题二")
    for item in (first, second):
        workflows.item_sign(actor=colleague, item=item)
        workflows.item_submit(actor=insider, item=item)
    with pytest.raises(PermissionDenied):  # the proposing agency does not compile
        workflows.item_compile(actor=insider, item=first, meeting=meeting)
    for item in (first, second):
        workflows.item_compile(actor=office, item=item, meeting=meeting)
    assert Notification.objects.filter(recipient=convener, key__startswith="meeting-item:").count() == 2

    with pytest.raises(PermissionDenied):  # the office does not decide the agenda
        workflows.item_approve(actor=office, item=first)
    with pytest.raises(ValidationError):  # the notice waits for the convener's decisions
        workflows.meeting_notify(actor=office, meeting=meeting)

    first = workflows.item_approve(actor=convener, item=first)
    with pytest.raises(ValidationError) as no_reason:
        workflows.item_reject(actor=convener, item=second, reason="  ")
    assert no_reason.value.code == "reason_required"
    second = workflows.item_reject(actor=convener, item=second, reason="属日常监管事项，由住建局自行处理。")

    assert first.state == AgendaItem.State.APPROVED
    assert (second.state, second.return_reason) == (
        AgendaItem.State.RETURNED,
        "属日常监管事项，由住建局自行处理。",
    )
    assert second.signed_by is None  # a returned item is signed again before it goes back
    returned = Notification.objects.get(recipient=colleague, key__contains=":returned:")
    assert "属日常监管事项" in returned.body
    with pytest.raises(ValidationError):
        workflows.item_submit(actor=insider, item=second)
    actions = list(AuditEvent.objects.filter(object_id=second.pk).values_list("action", flat=True))
    assert actions[-1] == "meeting_item_returned"

    workflows.meeting_notify(actor=office, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.notice.kind == "circular"
    assert meeting.notice.context["tables"][0]["rows"] == [[1, "议题一", agency.name]]


def test_a_second_click_on_a_moved_on_item_is_a_conflict(body, agency, insider, colleague):
    item = draft(body, agency, insider)
    shown = item.page_token
    workflows.item_sign(actor=colleague, item=item, seen_state=shown)
    with pytest.raises(ConcurrentTransition):
        workflows.item_sign(actor=colleague, item=item, seen_state=shown)


def test_the_head_signs_only_the_text_their_page_showed(body, agency, insider, colleague):
    second_handler = MembershipFactory(agency=agency, role=Membership.Role.HANDLER).user
    item = draft(body, agency, insider)
    shown = item.page_token  # the head's page and a colleague's edit form, both opened now
    services.item_revise(
        actor=insider, item=item, title="议题（修改稿）", description="新的内容", seen_state=shown
    )
    with pytest.raises(ConcurrentTransition):  # the state is still draft: the text is not the one shown
        workflows.item_sign(actor=colleague, item=item, seen_state=shown)
    with pytest.raises(ConcurrentTransition):  # nor is a second revision written over the first
        services.item_revise(
            actor=second_handler, item=item, title="另一稿", description="另一内容", seen_state=shown
        )
    item.refresh_from_db()
    assert (item.state, item.title) == (AgendaItem.State.DRAFT, "议题（修改稿）")
    workflows.item_sign(actor=colleague, item=item, seen_state=item.page_token)


def test_a_cancelled_meeting_gives_its_items_back_and_tells_whom_its_notice_reached(
    body, agency, insider, colleague, liaison, cast
):
    office, convener = cast["office_clerk"], cast["convener_head"]
    meeting = plan(body, office)
    item = draft(body, agency, insider)
    workflows.item_sign(actor=colleague, item=item)
    workflows.item_submit(actor=insider, item=item)
    workflows.item_compile(actor=office, item=item, meeting=meeting)
    workflows.item_approve(actor=convener, item=item)
    workflows.meeting_notify(actor=office, meeting=meeting)
    with pytest.raises(ValidationError):
        workflows.meeting_cancel(actor=office, meeting=meeting, reason="")
    with pytest.raises(PermissionDenied):
        workflows.meeting_cancel(actor=convener, meeting=meeting, reason="改期")
    workflows.meeting_cancel(actor=office, meeting=meeting, reason="与县委常委会冲突，另行通知")
    item.refresh_from_db()
    assert (item.state, item.meeting, item.signed_by) == (AgendaItem.State.SUBMITTED, None, colleague)
    cancelled = Notification.objects.get(recipient=liaison, key=f"meeting:{meeting.pk}:cancelled")
    assert "另行通知" in cancelled.body
    workflows.item_compile(actor=office, item=item, meeting=plan(body, office, title="改期后的全体会议"))


def test_a_draft_is_revised_before_the_head_signs_it_and_not_after(
    body, agency, insider, colleague, client_for
):
    item = draft(body, agency, insider)
    client = client_for(insider)
    edit = reverse("meetings:item_edit", args=[item.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"title": "评标专家抽取回避问题", "description": "补充了三个项目的情况。"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "评标专家抽取回避问题"
    workflows.item_sign(actor=colleague, item=item)
    assert client.get(edit).status_code == 409  # what the head signed stays as signed


def test_the_notice_reaches_liaisons_heads_and_invited_agencies_only(
    body, invited_agency, liaison, member_liaison, cast
):
    invited_head = MembershipFactory(agency=invited_agency, role=Membership.Role.HEAD).user
    meeting = plan(body, cast["office_clerk"], kind="ad_hoc", title="临时会议", invited=[invited_agency])
    workflows.meeting_notify(actor=cast["office_clerk"], meeting=meeting)
    told = set(
        Notification.objects.filter(key=f"meeting:{meeting.pk}:notice").values_list("recipient", flat=True)
    )
    people = {
        liaison,
        member_liaison,
        cast["colleague"],
        cast["member_head"],
        cast["convener_head"],
        invited_head,
    }
    assert {person.pk for person in people} <= told
    assert cast["outsider"].pk not in told
    assert cast["insider"].pk not in told  # handlers hear through their liaison and heads


def test_a_liaison_officer_works_in_the_member_agency(body, agency, member_liaison, liaison):
    member = BodyMember.objects.get(body=body, agency=agency)
    member.liaison = member_liaison
    with pytest.raises(ValidationError):
        member.full_clean()
    member.liaison = liaison
    member.full_clean()


def test_no_notice_for_a_meeting_whose_time_has_passed(body, cast):
    office = cast["office_clerk"]
    meeting = plan(body, office, when=at(2026, 11, 23, 15))
    with time_machine.travel(at(2026, 11, 23, 16), tick=False), pytest.raises(ValidationError) as refused:
        workflows.meeting_notify(actor=office, meeting=meeting)
    assert refused.value.code == "past"
    meeting.refresh_from_db()
    assert (meeting.state, meeting.notice) == (Meeting.State.PLANNED, None)
