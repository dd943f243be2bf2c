"""A joint meeting from end to end in a real browser: a member drafts an item, its head signs, the office plans the
meeting and compiles the item, the convener approves it, the office sends the notice, records the meeting held and
the minutes with a decision, the responsible agency completes it, and every member is told."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from agencies.models import Agency, Membership
from deadlines import workdays
from deadlines.clocks import calendar_for
from deadlines.models import Deadline
from meetings.models import AgendaItem, Body, BodyMember, Decision, Meeting
from notifications.models import Notification
from tests.concurrency import transactional
from tests.factories import AgencyFactory, MembershipFactory

from .test_referral_flow import as_user

pytestmark = [pytest.mark.e2e, transactional]


@pytest.fixture
def body(region, coordinator, agency, insider, colleague, supervisor, settings):
    settings.NOTIFICATION_QUIET_HOURS = (time(0), time(0))  # no quiet hours: the inbox shows messages at once
    convener = AgencyFactory(region=region, name="宣恩县人民政府办公室", kind=Agency.Kind.GOVERNMENT_OFFICE)
    finance = AgencyFactory(region=region, name="宣恩县财政局", kind=Agency.Kind.FINANCE)
    people = {}
    for username, member_of, role in [
        ("office_clerk", coordinator, Membership.Role.HANDLER),
        ("convener_head", convener, Membership.Role.HEAD),
        ("liaison", agency, Membership.Role.LIAISON),
        ("finance_head", finance, Membership.Role.HEAD),
        ("finance_liaison", finance, Membership.Role.LIAISON),
    ]:
        people[username] = MembershipFactory(agency=member_of, role=role, user__username=username).user
    body = Body.objects.create(
        region=region, name="宣恩县公共资源交易联席会议", convener=convener, office=coordinator
    )
    BodyMember.objects.create(body=body, agency=agency, liaison=people["liaison"])
    BodyMember.objects.create(body=body, agency=finance, liaison=people["finance_liaison"])
    return body


def test_a_meeting_from_item_to_completed_decision(
    new_page, live_server, body, agency, coordinator, time_machine
):
    member = as_user(new_page, live_server, "insider")
    member.goto(f"{live_server.url}/meetings/")
    member.get_by_role("link", name="起草议题").click()
    member.get_by_label("议题名称").fill("评标专家重复抽取问题")
    member.get_by_label("提请研究的事项").fill("多个房建项目评标专家短期内重复抽中，建议研究回避规则。")
    member.get_by_role("button", name="保存草稿").click()
    member.get_by_role("heading", name="评标专家重复抽取问题").wait_for()
    item_url = member.url
    assert member.get_by_role("button", name="报送联席会议办公室").count() == 0  # not signed yet

    head = as_user(new_page, live_server, "colleague")
    head.goto(item_url)
    head.get_by_role("button", name="负责人签字").click()
    head.get_by_text("已签字，可以报送联席会议办公室。").wait_for()

    member.goto(item_url)
    member.get_by_role("button", name="报送联席会议办公室").click()
    member.get_by_text("已报送联席会议办公室。").wait_for()

    office = as_user(new_page, live_server, "office_clerk")
    office.goto(f"{live_server.url}/meetings/")
    office.get_by_role("link", name="筹备会议").click()
    office.get_by_label("会议类型").select_option(value="plenary")
    office.get_by_label("会议名称").fill("下半年联席会议全体会议")
    starts = timezone.localtime() + timedelta(days=1)
    office.get_by_label("时间").fill(starts.strftime("%Y-%m-%dT09:00"))
    office.get_by_label("地点").fill("县政务服务中心三楼会议室")
    office.get_by_role("button", name="筹备会议").click()
    office.get_by_text("会议已筹备").wait_for()
    meeting_url = office.url
    office.goto(item_url)
    office.get_by_label("会议").select_option(label="下半年联席会议全体会议")
    office.get_by_role("button", name="列入会议议题").click()
    office.get_by_text("已列入会议议题，待召集人审定。").wait_for()

    convener = as_user(new_page, live_server, "convener_head")
    convener.goto(f"{live_server.url}/")
    convener.get_by_role("link", name="审定议题").click()  # 我的待办 leads to the item
    convener.get_by_role("button", name="审定列入议程").click()
    convener.get_by_text("已审定列入会议议程。").wait_for()
    assert AgendaItem.objects.get().state == AgendaItem.State.APPROVED

    office.goto(meeting_url)
    office.get_by_role("button", name="印发会议通知").click()
    office.get_by_text("会议通知已编号").wait_for()
    office.get_by_text("如会议已提前召开，请勾选下方确认项").wait_for()  # the meeting is tomorrow

    # The next day, after the meeting (the server runs in this process, so it moves too): signed in again.
    time_machine.move_to(starts.replace(hour=11, minute=0), tick=True)
    office = as_user(new_page, live_server, "office_clerk")
    office.goto(meeting_url)
    office.get_by_role("button", name="登记会议召开").click()
    office.get_by_text("已登记会议召开及出席情况。").wait_for()
    office.get_by_label("会议研究情况").fill("会议研究了评标专家重复抽取问题。")
    office.locator("#id_decision-0-text").fill("县住建局会同县财政局制定评标专家抽取回避规则")
    office.locator("#id_decision-0-agencies").select_option(label=[agency.name, "宣恩县财政局"])
    due = workdays.add_working_days(timezone.localdate(), 5, calendar=calendar_for(agency).pk)
    office.locator("#id_decision-0-due_date").fill(due.isoformat())
    # Three rows come with the page; a fourth is added in place (and, left blank, is ignored like the others).
    office.get_by_role("button", name="添加议定事项").click()
    office.locator("#id_decision-3-text").wait_for()
    assert office.locator("#id_decision-TOTAL_FORMS").input_value() == "4"
    office.get_by_role("button", name="印发会议纪要").click()
    office.get_by_text("会议纪要已编号，议定事项开始计时。").wait_for()
    assert Meeting.objects.get().state == Meeting.State.MINUTED
    assert Deadline.objects.filter(rule__code="J1").count() == 2

    for username in ("insider", "finance_head"):
        page = as_user(new_page, live_server, username)
        page.get_by_role(
            "link", name="落实议定事项", exact=True
        ).click()  # 我的待办, with the decision's clock
        page.get_by_label("办理情况").fill(f"{username}：回避规则已印发执行。")
        page.get_by_role("button", name="报告办结").click()
        page.get_by_text("已办结，时限已完成").wait_for()

    decision = Decision.objects.get()
    assert decision.state == Decision.State.COMPLETED
    assert set(Deadline.objects.filter(rule__code="J1").values_list("state", flat=True)) == {"met"}
    told = set(
        Notification.objects.filter(key=f"meeting-decision:{decision.pk}:completed").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"liaison", "finance_liaison", "colleague", "finance_head", "office_clerk", "supervisor"} <= told

    liaison = as_user(new_page, live_server, "finance_liaison")
    liaison.goto(f"{live_server.url}/notifications/")
    liaison.get_by_text("【议定事项落实通报】下半年联席会议全体会议").first.wait_for()
