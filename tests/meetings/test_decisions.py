"""Minutes record decisions (议定事项), each assigned agency gets a clock J1 to the due date, the sweep escalates it
when it runs out, and completion by every agency is notified to every member (宣恩 二(一))."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from deadlines.due import local_date
from deadlines.models import Deadline
from deadlines.sweep import sweep
from meetings import workflows
from meetings.models import Assignment, Decision, Meeting
from notifications.models import Notification

from .conftest import at
from .helpers import held

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def traveller():
    with time_machine.travel(at(2026, 11, 23, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def minuted(body, cast, agency, member_agency, coordinator):
    meeting = held(body, cast, [agency, member_agency, coordinator])
    return workflows.meeting_record_minutes(
        actor=cast["office_clerk"],
        meeting=meeting,
        summary="会议听取了各成员单位工作情况汇报，研究了评标专家管理问题。",
        decisions=[
            {
                "text": "建立评标专家抽取异常通报机制",
                "agencies": [agency, member_agency],
                "due_date": date(2026, 12, 4),
            }
        ],
    )


def test_minutes_number_the_document_and_start_a_clock_per_agency(minuted, agency, member_agency, liaison):
    assert minuted.state == Meeting.State.MINUTED
    assert minuted.minutes.kind == "minutes"
    assert "纪〔2026〕1号" in minuted.minutes.number
    decision = Decision.objects.get()
    clocks = Deadline.objects.filter(rule__code="J1").order_by("agency__name")
    assert {clock.agency for clock in clocks} == {agency, member_agency}
    # 9 working days after 23 November: due at the end of Friday 4 December.
    assert {local_date(clock.due_at) for clock in clocks} == {date(2026, 12, 4)}
    assert all(clock.target == decision for clock in clocks)
    assert clocks[0].rule.name.startswith("议定事项限期落实")  # J1, not the credit memos' M1
    assert Notification.objects.filter(recipient=liaison, key=f"meeting:{minuted.pk}:minutes").exists()


def test_a_due_date_on_a_weekend_is_refused(body, cast, agency):
    meeting = held(body, cast, [agency])
    with pytest.raises(ValidationError) as refused:
        workflows.meeting_record_minutes(
            actor=cast["office_clerk"],
            meeting=meeting,
            summary="纪要",
            decisions=[{"text": "事项", "agencies": [agency], "due_date": date(2026, 12, 5)}],
        )
    assert refused.value.code == "due_not_workday"
    assert Meeting.objects.get().state == Meeting.State.HELD
    assert not Decision.objects.exists()


def test_the_sweep_escalates_an_overdue_decision_once(minuted, agency, colleague, supervisor, traveller):
    traveller.move_to(at(2026, 12, 7, 9))
    sweep(at(2026, 12, 7, 9))
    clock = Deadline.objects.get(rule__code="J1", agency=agency)
    assert clock.state == Deadline.State.OVERDUE
    overdue = Notification.objects.filter(key__startswith=f"deadline:{clock.pk}:overdue")
    assert set(overdue.values_list("recipient", flat=True)) >= {colleague.pk, supervisor.pk}
    count = Notification.objects.count()
    sweep(at(2026, 12, 7, 9))
    assert Notification.objects.count() == count


def test_completion_by_every_agency_is_notified_to_every_member(
    minuted, agency, member_agency, insider, member_head, liaison, member_liaison, cast
):
    mine = Assignment.objects.get(agency=agency)
    with pytest.raises(PermissionDenied):  # another agency does not report for it
        workflows.assignment_complete(actor=member_head, assignment=mine, text="已完成")
    workflows.assignment_report(actor=insider, assignment=mine, text="已起草通报机制")
    workflows.assignment_complete(actor=insider, assignment=mine, text="通报机制已印发")
    assert Deadline.objects.get(rule__code="J1", agency=agency).state == Deadline.State.MET
    decision = Decision.objects.get()
    assert decision.state == Decision.State.OPEN
    assert not Notification.objects.filter(key=f"meeting-decision:{decision.pk}:completed").exists()

    workflows.assignment_complete(
        actor=member_head, assignment=Assignment.objects.get(agency=member_agency), text="已配合完成"
    )
    decision.refresh_from_db()
    assert decision.state == Decision.State.COMPLETED
    told = set(
        Notification.objects.filter(key=f"meeting-decision:{decision.pk}:completed").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"liaison", "member_liaison", "colleague", "member_head", "office_clerk", "supervisor"} <= told
    assert "outsider" not in told
    assert "invited_handler" not in told


def test_the_office_presses_an_agency_once_a_day(minuted, agency, colleague, insider, cast, client_for):
    share = Assignment.objects.get(agency=agency)
    with pytest.raises(PermissionDenied):
        workflows.assignment_urge(actor=insider, assignment=share)
    client = client_for(cast["office_clerk"])
    url = reverse("meetings:assignment_step", args=[share.pk, "urge"])
    assert client.post(url).status_code == 302
    again = client.post(url)
    assert again.status_code == 400
    assert "今天已督促" in again.text
    urged = Notification.objects.filter(key__startswith=f"meeting-urge:{share.pk}:")
    assert set(urged.values_list("recipient__username", flat=True)) == {"insider", "colleague"}
    assert urged.count() == 2  # once a day each, however often the office clicks
    presses = AuditEvent.objects.filter(action="meeting_decision_urged")
    assert presses.count() == 1  # and only the press that sent them is on the trail
    assert client_for(insider).post(url).status_code == 403


def test_an_agency_with_nobody_in_the_portal_is_not_pressed_for_nothing(minuted, member_agency, cast):
    from agencies.models import Membership

    share = Assignment.objects.get(agency=member_agency)
    Membership.objects.filter(agency=member_agency).delete()
    with pytest.raises(ValidationError) as refused:
        workflows.assignment_urge(actor=cast["office_clerk"], assignment=share)
    assert refused.value.code == "nobody"
    assert not AuditEvent.objects.filter(action="meeting_decision_urged").exists()


def test_decision_clocks_are_on_the_supervisors_board(minuted, supervisor, client_for):
    page = client_for(supervisor).get(reverse("dashboards:clocks"))
    assert page.status_code == 200
    assert "J1" in page.content.decode()


def test_a_decision_clock_page_links_the_meeting_for_those_who_see_it(minuted, agency, insider, client_for):
    clock = Deadline.objects.get(rule__code="J1", agency=agency)
    page = client_for(insider).get(reverse("deadlines:detail", args=[clock.pk]))
    assert page.status_code == 200
    assert Decision.objects.get().get_absolute_url() in page.content.decode()
