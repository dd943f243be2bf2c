"""Supervision notices (督办通知): issued by a supervisor on an overdue or endangered clock, they notify the agency,
show on the item's trail and the list, resolve with the clock they press on, and a red one that runs out goes to
the jurisdiction's coordinator, once.

The time is Tuesday 20 October 2026, 10:00 in China, unless a test says otherwise.
"""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_fsm import ConcurrentTransition

from agencies.models import Membership
from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Lead
from dashboards.models import SupervisionNotice
from dashboards.notice_rules import check_target_date, may_issue
from dashboards.notices import notice_issue, notice_resolve
from deadlines.clocks import deadline_cancel, deadline_meet, deadline_start, running_for
from deadlines.models import Deadline
from deadlines.sweep import sweep
from documents.models import Document
from notifications.models import Notification
from tests.concurrency import (
    in_another_transaction,
    run_concurrently,
    someone_waits_for_a_lock,
    transactional,
)
from tests.factories import MembershipFactory, lead_without_parties

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


NOW = at(2026, 10, 20, 10)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator_head(coordinator):
    return MembershipFactory(agency=coordinator, role=Membership.Role.HEAD, user__username="coord_head").user


@pytest.fixture
def lead(agency, insider, colleague):
    """Found on Friday 9 October: clock L2 (refer within 5 working days) was due on 15 October, 3 working days ago."""
    return lead_without_parties(agency, insider, discovered_on=date(2026, 10, 9))


@pytest.fixture
def clock(lead) -> Deadline:
    return running_for(lead, "L2").get()


def issue(supervisor, clock, **changes):
    arguments = {"grade": "yellow", "message": "请立即移送。", "target_date": date(2026, 10, 23)} | changes
    return notice_issue(actor=supervisor, deadline=clock, **arguments)


def post_new(client, clock, **changes):
    data = {
        "grade": "yellow",
        "message": "请立即移送并报告办理情况。",
        "target_date": "2026-10-23",
        "submission_key": str(uuid.uuid4()),
    } | changes
    return client.post(reverse("dashboards:notice_new", args=[clock.pk]), data)


def keys_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("key", flat=True))


# Issuing ----------------------------------------------------------------------------------------------------------


def test_a_supervisor_issues_a_numbered_notice_that_tells_the_heads_and_handlers(
    client_for, clock, supervisor, coordinator, agency, insider, colleague, outsider
):
    response = post_new(client_for(supervisor), clock)
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302
    assert response.url == notice.get_absolute_url()
    assert (notice.state, notice.grade, notice.agency, notice.issuing_agency) == (
        "open",
        "yellow",
        agency,
        coordinator,
    )
    document = notice.document
    assert document.kind == Document.Kind.CIRCULAR
    assert document.number == f"{coordinator.doc_prefix}发〔2026〕1号"
    assert (document.agency, document.addressee) == (coordinator, agency)
    assert "黄色督办" in document.title
    assert "于2026年10月23日前办结" in "".join(document.context["body"])
    # Its own clock S1 for the agency, due at the end of the target date.
    assert notice.clock.rule.code == "S1"
    assert notice.clock.agency == agency
    assert notice.clock.due_at == at(2026, 10, 23, 23, 59, 59, 999999)
    key = f"supervision:{notice.pk}:issued"
    assert key in keys_of(colleague)
    assert key in keys_of(insider)
    assert key not in keys_of(outsider)
    message = Notification.objects.get(recipient=colleague, key=key)
    assert message.title == "【黄色督办】L2 完成案件移送"
    assert message.url == notice.get_absolute_url()


def test_the_notice_shows_on_the_items_trail_for_its_agency_and_the_supervisor(
    client_for, lead, clock, supervisor, insider
):
    notice = issue(supervisor, clock)
    for user in (insider, supervisor):
        timeline = client_for(user).get(lead.get_absolute_url()).context["timeline"]
        [entry] = [entry for entry in timeline if entry.event.action == AuditEvent.Action.SUPERVISION_YELLOW]
        assert entry.event.agency_id == clock.agency_id
        assert entry.event.payload["number"] == notice.document.number
        assert entry.event.actor == supervisor


def test_the_notice_shows_on_the_list_and_its_page(client_for, clock, supervisor, insider, colleague):
    notice = issue(supervisor, clock)
    for user in (supervisor, insider, colleague):
        client = client_for(user)
        listed = client.get(reverse("dashboards:notice_list"))
        assert list(listed.context["page"].object_list) == [notice]
        page = client.get(notice.get_absolute_url())
        assert page.status_code == 200
        assert notice.document.number in page.text
        assert reverse("documents:detail", args=[notice.document.pk]) in page.text
    assert client_for(supervisor).get(notice.get_absolute_url()).context["can_resolve"] is True
    assert client_for(colleague).get(notice.get_absolute_url()).context["can_resolve"] is False


def test_an_open_notice_is_the_supervisors_and_the_agencys_only(clock, supervisor, insider, outsider):
    # (The board lists the notices of its scope: test_board's test_an_open_supervision_notice_shows_on_the_boards…)
    notice = issue(supervisor, clock)
    assert list(SupervisionNotice.objects.visible_to(supervisor).open()) == [notice]
    assert list(SupervisionNotice.objects.visible_to(insider).open()) == [notice]
    assert list(SupervisionNotice.objects.visible_to(outsider).open()) == []


def test_an_endangered_clock_may_be_supervised(agency, insider, supervisor):
    """Found on 13 October: due today, 20 October (amber)."""
    clock = running_for(lead_without_parties(agency, insider, discovered_on=date(2026, 10, 13)), "L2").get()
    assert issue(supervisor, clock).state == "open"


def test_a_clock_on_time_cannot_be_supervised(client_for, agency, insider, supervisor):
    """Found on 19 October: due 26 October, 4 working days left."""
    clock = running_for(lead_without_parties(agency, insider, discovered_on=date(2026, 10, 19)), "L2").get()
    client = client_for(supervisor)
    page = client.get(reverse("dashboards:notice_new", args=[clock.pk]))
    assert page.status_code == 200
    assert page.context["pressing"] is False
    response = post_new(client, clock)
    assert response.status_code == 400
    assert not SupervisionNotice.objects.exists()
    with pytest.raises(ValidationError):
        issue(supervisor, clock)


def test_a_met_clock_cannot_be_supervised(clock, supervisor):
    deadline_meet(deadline=clock)
    with pytest.raises(ConcurrentTransition):
        issue(supervisor, clock)


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("2026-10-20", "target_not_future"),  # today
        ("2026-10-19", "target_not_future"),  # past
        ("2026-10-24", "target_not_workday"),  # a Saturday
        ("2026-13-01", "invalid"),  # no such date
        ("2027-10-21", "target_too_far"),  # a year and a day after today
        ("9999-12-31", "target_too_far"),
    ],
)
def test_a_target_date_must_be_a_working_day_after_today(client_for, clock, supervisor, target, code):
    response = post_new(client_for(supervisor), clock, target_date=target, message="请立即移送。")
    assert response.status_code == 400
    [error] = response.context["form"].errors.as_data()["target_date"]
    assert error.code == code
    assert "请立即移送。" in response.text  # what was typed is kept
    assert not SupervisionNotice.objects.exists()


def test_a_holiday_target_date_is_named(agency):
    with pytest.raises(ValidationError) as refused:
        check_target_date(date(2026, 10, 1), agency=agency, today=date(2026, 9, 29))
    assert "国庆节" in refused.value.messages[0]
    # Saturday 10 October is a working day (调休上班).
    check_target_date(date(2026, 10, 10), agency=agency, today=date(2026, 9, 29))


def test_a_target_date_may_be_a_year_after_today_and_no_later(agency):
    check_target_date(date(2027, 10, 20), agency=agency, today=date(2026, 10, 20))  # a Wednesday
    with pytest.raises(ValidationError) as refused:
        check_target_date(date(2027, 10, 21), agency=agency, today=date(2026, 10, 20))
    assert "2027年10月20日" in refused.value.messages[0]
    # From 29 February the year runs to 28 February.
    check_target_date(date(2029, 2, 28), agency=agency, today=date(2028, 2, 29))  # a Wednesday
    with pytest.raises(ValidationError):
        check_target_date(date(2029, 3, 1), agency=agency, today=date(2028, 2, 29))


def test_the_target_date_stays_when_the_calendar_changes_before_it(supervisor, clock):
    from deadlines.calendar import calendar_day_save
    from deadlines.due import end_of
    from deadlines.models import CalendarDay, WorkCalendar

    notice = issue(supervisor, clock, target_date=date(2026, 10, 23))
    assert notice.clock.due_at == end_of(date(2026, 10, 23))
    national = WorkCalendar.objects.get(code=WorkCalendar.NATIONAL)
    # A day off added before it does not move the date the notice prints (a count of working days would).
    calendar_day_save(
        actor=None, day=CalendarDay(calendar=national, date=date(2026, 10, 21), kind="holiday", name="测试")
    )
    notice.clock.refresh_from_db()
    assert notice.clock.due_at == end_of(date(2026, 10, 23))
    # The day itself ceasing to be a working day moves it to the next one, Monday.
    calendar_day_save(
        actor=None, day=CalendarDay(calendar=national, date=date(2026, 10, 23), kind="holiday", name="测试")
    )
    notice.clock.refresh_from_db()
    assert notice.clock.due_at == end_of(date(2026, 10, 26))


# Who may --------------------------------------------------------------------------------------------------------


def test_only_supervisors_over_the_agency_may_issue(client_for, clock, colleague, insider):
    for user in (colleague, insider):  # they see their own clock
        client = client_for(user)
        assert client.get(reverse("dashboards:notice_new", args=[clock.pk])).status_code == 403
        assert post_new(client, clock).status_code == 403
        with pytest.raises(PermissionDenied):
            issue(user, clock)
    assert not SupervisionNotice.objects.exists()


def test_those_who_cannot_see_the_clock_get_404_everywhere(
    client_for, clock, supervisor, outsider, foreign_supervisor
):
    notice = issue(supervisor, clock)
    for user in (outsider, foreign_supervisor):
        client = client_for(user)
        assert client.get(reverse("dashboards:notice_new", args=[clock.pk])).status_code == 404
        assert post_new(client, clock).status_code == 404
        assert client.get(notice.get_absolute_url()).status_code == 404
        resolve_url = reverse("dashboards:notice_resolve", args=[notice.pk])
        assert client.post(resolve_url, {"note": "x"}).status_code == 404
        assert list(client.get(reverse("dashboards:notice_list")).context["page"].object_list) == []


def notices_listed(client, **query) -> str:
    response = client.get(reverse("dashboards:notice_list"), query)
    assert response.status_code == 200
    if query:
        assert response["Content-Type"].startswith("text/csv")
        return b"".join(response.streaming_content).decode()
    return response.text


def test_an_outsider_sees_no_notice_of_another_agency_or_region_on_the_page_or_in_the_csv(
    client_for, clock, supervisor, outsider, foreign_supervisor
):
    notice = issue(supervisor, clock)
    for user in (outsider, foreign_supervisor):
        for query in ({}, {"format": "csv"}):
            text = notices_listed(client_for(user), **query)
            assert notice.document.number not in text
            assert notice.get_absolute_url() not in text
    for query in ({}, {"format": "csv"}):
        assert notice.document.number in notices_listed(client_for(supervisor), **query)


def test_anonymous_is_sent_to_log_in(client, clock):
    assert client.get(reverse("dashboards:notice_new", args=[clock.pk])).status_code == 302
    assert client.get(reverse("dashboards:notice_list")).status_code == 302


def test_the_agencys_head_may_read_but_not_resolve(client_for, clock, supervisor, colleague):
    notice = issue(supervisor, clock)
    client = client_for(colleague)
    response = client.post(reverse("dashboards:notice_resolve", args=[notice.pk]), {"note": "已办。"})
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.state == "open"


# Twice, and at once ------------------------------------------------------------------------------------------------


def test_the_same_form_sent_twice_gives_one_notice(client_for, clock, supervisor):
    key = str(uuid.uuid4())
    client = client_for(supervisor)
    first = post_new(client, clock, submission_key=key)
    second = post_new(client, clock, submission_key=key)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert SupervisionNotice.objects.count() == 1


def test_a_second_yellow_notice_on_the_clock_is_refused(client_for, clock, supervisor):
    issue(supervisor, clock)
    with pytest.raises(ValidationError):
        issue(supervisor, clock)
    # A page shown before the first notice was issued is out of date: 409.
    response = post_new(client_for(supervisor), clock, grade="red", seen_state="running.0")
    assert response.status_code == 409
    assert SupervisionNotice.objects.count() == 1


def test_a_clock_that_runs_out_while_the_form_is_open_is_still_the_forms(
    client_for, agency, insider, supervisor
):
    """Found on 13 October: due today, 20 October (amber); the sweep marks it overdue before the form is sent."""
    clock = running_for(lead_without_parties(agency, insider, discovered_on=date(2026, 10, 13)), "L2").get()
    form = client_for(supervisor).get(reverse("dashboards:notice_new", args=[clock.pk])).context["form"]
    shown = form["seen_state"].value()
    with time_machine.travel(at(2026, 10, 21, 0, 5), tick=False):
        sweep()
        assert Deadline.objects.get(pk=clock.pk).state == Deadline.State.OVERDUE
        # (Signed in again: fourteen hours on, the first session has timed out.)
        response = post_new(client_for(supervisor), clock, seen_state=shown)
    assert response.status_code == 302
    assert SupervisionNotice.objects.get().deadline_id == clock.pk


@transactional
def test_two_supervisors_issuing_at_once_give_one_notice(clock, supervisor, coordinator):
    from django.test import Client

    second = MembershipFactory(agency=coordinator, role=Membership.Role.SUPERVISOR).user
    form = Client()
    form.force_login(supervisor)
    seen = form.get(reverse("dashboards:notice_new", args=[clock.pk])).context["form"]["seen_state"].value()

    def submit(user):
        def run():
            client = Client()
            client.force_login(user)
            return post_new(client, clock, seen_state=seen).status_code

        return run

    users = iter([supervisor, second])
    with time_machine.travel(NOW, tick=False):
        results = run_concurrently(lambda: submit(next(users))(), times=2)
    assert sorted(results) == [302, 409]
    assert SupervisionNotice.objects.count() == 1


@transactional
def test_one_form_sent_twice_at_once_gives_one_notice(clock, supervisor):
    from django.test import Client

    key = str(uuid.uuid4())

    def submit():
        client = Client()
        client.force_login(supervisor)
        return post_new(client, clock, submission_key=key).status_code

    with time_machine.travel(NOW, tick=False):
        assert run_concurrently(submit, times=2) == [302, 302]
    assert SupervisionNotice.objects.count() == 1


def half_way_through_a_step_on(lead):
    """What a workflow on the lead has done when it is about to meet the lead's clock: locked the lead, and issued
    its letter, whose audit event holds the audit head until the step commits."""

    def take():
        Lead.objects.select_for_update().get(pk=lead.pk)
        audit_record(actor=None, action=AuditEvent.Action.DOCUMENT_ISSUED, obj=lead)

    return take


def meet_once_someone_waits(clock):
    """The step's last part, taken as soon as the notice's transaction waits for one of its locks."""

    def then():
        if not someone_waits_for_a_lock():
            return False
        deadline_meet(deadline=clock)
        return True

    return then


@transactional
def test_a_notice_issued_while_a_step_on_its_case_is_half_way_waits_for_the_step(lead, clock, supervisor):
    # Taking the clock before the audit head would close a circle with the step (PostgreSQL: deadlock detected).
    step = in_another_transaction(
        half_way_through_a_step_on(lead), commit_when=meet_once_someone_waits(clock)
    )
    with step, pytest.raises(ConcurrentTransition):  # the clock it was for was met meanwhile
        issue(supervisor, clock)
    assert not SupervisionNotice.objects.exists()


@transactional
def test_a_notice_resolved_while_a_step_on_its_case_is_half_way_waits_for_the_step(lead, clock, supervisor):
    notice = issue(supervisor, clock)
    step = in_another_transaction(
        half_way_through_a_step_on(lead), commit_when=meet_once_someone_waits(clock)
    )
    with step, pytest.raises(ConcurrentTransition):  # meeting the clock resolved it meanwhile
        notice_resolve(actor=supervisor, notice=notice, note="已移送。")
    notice.refresh_from_db()
    assert notice.state == "resolved"


# Red supersedes yellow -----------------------------------------------------------------------------------------------


def test_a_red_notice_supersedes_an_open_yellow_one(clock, supervisor, colleague):
    yellow = issue(supervisor, clock)
    red = issue(
        supervisor, clock, grade="red", message="限期办结，逾期报协调机构。", target_date=date(2026, 10, 22)
    )
    yellow.refresh_from_db()
    assert yellow.state == "superseded"
    assert yellow.clock.state == Deadline.State.CANCELLED
    assert red.supersedes == yellow
    assert red.state == "open"
    assert f"{yellow.document.number}号黄色督办通知不再执行" in "".join(red.document.context["body"])
    assert list(SupervisionNotice.objects.open()) == [red]
    with pytest.raises(ValidationError):  # no second red on the same clock
        issue(supervisor, clock, grade="red")


# Resolution -------------------------------------------------------------------------------------------------------------


def test_meeting_the_supervised_clock_resolves_the_notice_and_meets_its_clock(clock, supervisor, colleague):
    notice = issue(supervisor, clock)
    deadline_meet(deadline=clock, at=at(2026, 10, 21, 15))
    notice.refresh_from_db()
    assert notice.state == "resolved"
    assert notice.resolved_by is None
    assert notice.resolved_at == at(2026, 10, 21, 15)
    assert notice.clock.state == Deadline.State.MET
    assert notice.clock.met_at == at(2026, 10, 21, 15)
    assert f"supervision:{notice.pk}:resolved" in keys_of(supervisor)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SUPERVISION_RESOLVED)
    assert events.get().object_id == clock.object_id


def test_cancelling_the_supervised_clock_resolves_the_notice_and_cancels_its_clock(clock, supervisor):
    notice = issue(supervisor, clock)
    deadline_cancel(deadline=clock, reason="案件撤回")
    notice.refresh_from_db()
    assert notice.state == "resolved"
    assert notice.clock.state == Deadline.State.CANCELLED


def test_a_supervisor_resolves_a_notice_with_a_note(client_for, clock, supervisor, colleague):
    notice = issue(supervisor, clock)
    url = reverse("dashboards:notice_resolve", args=[notice.pk])
    client = client_for(supervisor)
    assert client.post(url, {"note": "  "}).status_code == 400  # a note is required
    response = client.post(url, {"note": "已约谈，单位说明情况属实。"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.state, notice.resolved_by, notice.resolution_note) == (
        "resolved",
        supervisor,
        "已约谈，单位说明情况属实。",
    )
    assert notice.clock.state == Deadline.State.CANCELLED
    assert f"supervision:{notice.pk}:resolved" in keys_of(colleague)
    assert client.post(url, {"note": "再次办结"}).status_code == 409  # already resolved
    assert list(SupervisionNotice.objects.open()) == []
    with pytest.raises(ConcurrentTransition):
        notice_resolve(actor=supervisor, notice=notice, note="again")


# Escalation -------------------------------------------------------------------------------------------------------


def test_a_red_notice_that_runs_out_goes_to_the_coordinator_once(
    clock, supervisor, colleague, coordinator_head, insider, outsider
):
    notice = issue(supervisor, clock, grade="red", target_date=date(2026, 10, 22))
    with time_machine.travel(at(2026, 10, 23, 0, 5), tick=False):
        assert sweep(at(2026, 10, 23, 0, 5)).overdue >= 1
        sweep(at(2026, 10, 23, 0, 6))
    notice.refresh_from_db()
    assert notice.state == "escalated"
    assert notice.escalated_at == at(2026, 10, 23, 0, 5)
    key = f"supervision:{notice.pk}:escalated"
    assert keys_of(coordinator_head).count(key) == 1
    assert keys_of(supervisor).count(key) == 1  # the coordinator's supervisors
    assert key not in keys_of(insider)
    assert key not in keys_of(outsider)
    assert Notification.objects.filter(key=key).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUPERVISION_ESCALATED).count() == 1
    # Still on the board until resolved; meeting the clock late resolves it.
    assert list(SupervisionNotice.objects.open()) == [notice]
    with time_machine.travel(at(2026, 10, 26, 9), tick=False):
        deadline_meet(deadline=clock)
    notice.refresh_from_db()
    assert notice.state == "resolved"


def test_a_yellow_notice_that_runs_out_is_not_escalated(clock, supervisor, colleague, coordinator_head):
    notice = issue(supervisor, clock, target_date=date(2026, 10, 22))
    with time_machine.travel(at(2026, 10, 23, 0, 5), tick=False):
        sweep(at(2026, 10, 23, 0, 5))
    notice.refresh_from_db()
    assert notice.clock.state == Deadline.State.OVERDUE
    assert notice.state == "open"
    assert not Notification.objects.filter(key__endswith=":escalated").exists()
    assert keys_of(coordinator_head) == []


# Confidential clocks ----------------------------------------------------------------------------------------------


def test_a_confidential_clock_is_not_described_in_the_notice(client_for, lead, agency, supervisor, colleague):
    secret = deadline_start(
        rule="L3", target=lead, agency=agency, triggered_at=at(2026, 10, 9, 10), confidential=True
    )
    notice = issue(supervisor, secret)
    words = str(lead)
    assert words not in "".join(notice.document.context["body"])
    assert notice.document.confidential is True
    for message in Notification.objects.filter(key=f"supervision:{notice.pk}:issued"):
        assert words not in message.body
    assert words not in str(notice)
    page = client_for(supervisor).get(notice.get_absolute_url())
    assert page.status_code == 200
    assert page.context["item"]["url"] == lead.get_absolute_url()  # the supervisor may see this lead itself


# A referral: both agencies see the notice on the case ------------------------------------------------------------


def test_a_notice_on_a_referral_shows_to_the_sender_and_the_receiver(
    client_for, agency, other_agency, insider, colleague, supervisor
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Referral
    from cases.workflows import lead_approve, lead_submit, lead_verify, referral_send
    from tests.cases.files import PDF

    receiver = MembershipFactory(agency=other_agency, role=Membership.Role.HANDLER).user
    with time_machine.travel(at(2026, 10, 9, 10), tick=False):  # sent on 9 October: L3 was due on 16 October
        lead = lead_without_parties(agency, insider, discovered_on=date(2026, 10, 9))
        lead_verify(actor=insider, lead=lead, findings="核实。")
        lead_verify(actor=MembershipFactory(agency=agency).user, lead=lead, findings="核实。")
        lead_submit(actor=insider, lead=lead, report_file=SimpleUploadedFile("报告.pdf", PDF))
        lead_approve(actor=colleague, lead=lead)
        referral = referral_send(
            actor=insider,
            lead=lead,
            receiver=other_agency,
            destination=Referral.Destination.SUPERVISORY,
            method=Referral.Method.DIRECT,
            legal_basis="《中华人民共和国招标投标法实施条例》第四十条",
            materials=[{"name": "核实情况报告", "copies": 1, "pages": 3, "is_original": True, "note": ""}],
        )
    notice = issue(supervisor, running_for(referral, "L3").get(), grade="red")
    assert notice.agency == other_agency
    for user in (insider, receiver, supervisor):
        timeline = client_for(user).get(lead.get_absolute_url()).context["timeline"]
        assert [
            entry.event.payload["number"] for entry in timeline if entry.event.action == "supervision_red"
        ] == [notice.document.number]
    # The notice's page links the case to those who may see it.
    assert (
        client_for(receiver).get(notice.get_absolute_url()).context["item"]["url"] == lead.get_absolute_url()
    )


# Pages' queries ----------------------------------------------------------------------------------------------------


def test_the_list_costs_the_same_for_one_notice_or_many(client_for, agency, insider, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(supervisor)
    url = reverse("dashboards:notice_list")
    issue(
        supervisor,
        running_for(lead_without_parties(agency, insider, discovered_on=date(2026, 10, 9)), "L2").get(),
    )
    client.get(url)  # caches warmed (content types, calendars)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        issue(
            supervisor,
            running_for(lead_without_parties(agency, insider, discovered_on=date(2026, 10, 9)), "L2").get(),
            grade="red",
        )
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


# The demo ----------------------------------------------------------------------------------------------------------------


def test_the_demo_notice_is_issued_once_on_a_late_demo_clock(settings, monkeypatch):
    from django.core.management import call_command

    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026pass")
    with time_machine.travel(at(2026, 11, 5, 10), tick=False):
        call_command("seed_demo")
        call_command("seed_demo_cases")
        call_command("seed_demo_notices")
        call_command("seed_demo_notices")
    notice = SupervisionNotice.objects.get()
    assert (notice.grade, notice.issued_by.username) == ("yellow", "xe_supervisor")
    # The demo lead found three weeks ago and not yet referred: its L2 is late.
    assert (notice.deadline.rule.code, notice.deadline.target.project.name) == (
        "L2",
        "宣恩县万寨乡集镇污水处理设备采购",
    )


def test_the_notice_renders_as_an_official_document(clock, supervisor, coordinator):
    from documents.pdf import render_html

    notice = issue(supervisor, clock, grade="red")
    html = render_html(notice.document)
    assert f"{coordinator.name}文件" in html  # 文件格式: a 通知 of the supervisor's agency
    assert notice.document.number in html
    assert "（红色督办）" in html
    assert "督办意见：请立即移送。" in html
    assert "逾期仍未办结的，将提请" in html


def test_a_notice_on_a_suspected_crime_says_nothing_of_it_to_the_supervisors(
    client_for, region, agency, insider, colleague, supervisor
):
    from tests.cases.criminal import advance, make_cast, start

    cast = make_cast(region)
    second = MembershipFactory(agency=agency).user
    with time_machine.travel(
        at(2026, 10, 9, 10), tick=False
    ):  # received by the police on 9 October: C6 is late
        lead = lead_without_parties(agency, insider, discovered_on=date(2026, 10, 9))
        criminal = start(lead, insider, [insider, second], cast.police)
        for state in ("awaiting_decision", "approved", "transferred", "received"):
            criminal = advance(criminal, state, team=[insider, second], head=colleague, cast=cast)
    clock = running_for(criminal).get(agency=cast.police)
    assert clock.confidential is True
    notice = issue(supervisor, clock, grade="red")
    secrets = (criminal.suspected_offence, lead.project.name)
    body = "".join(notice.document.context["body"]) + notice.document.title
    messages = [
        m.body + m.title for m in Notification.objects.filter(key__startswith=f"supervision:{notice.pk}:")
    ]
    assert messages  # the police heads and handlers are told
    for secret in secrets:
        assert secret not in body
        assert all(secret not in message for message in messages)
    page = client_for(supervisor).get(notice.get_absolute_url())
    assert page.status_code == 200
    assert page.context["item"] == {"name": "", "url": ""}
    for secret in secrets:
        assert secret not in page.text
    # The police see the notice, its document and the case it presses on, and it is on the case's trail.
    police_page = client_for(cast.police_head).get(notice.get_absolute_url())
    assert police_page.context["item"]["url"] == criminal.get_absolute_url()
    assert police_page.context["document"] == notice.document
    timeline = client_for(cast.police_head).get(criminal.get_absolute_url()).context["timeline"]
    assert [entry.event.action for entry in timeline if entry.event.action.startswith("supervision")] == [
        "supervision_red"
    ]


@pytest.mark.parametrize(
    ("target", "words"),
    [("2026-10-20", "限期办结日期须晚于今天"), ("2026-10-24", "是星期六，不是工作日，请选择一个工作日")],
)
def test_a_wrong_target_date_is_explained_in_chinese(client_for, clock, supervisor, target, words):
    response = post_new(client_for(supervisor), clock, target_date=target)
    assert words in response.text


def test_the_pages_speak_chinese(client_for, clock, supervisor):
    notice = issue(supervisor, clock)
    client = client_for(supervisor)
    assert "下发督办通知" in client.get(reverse("dashboards:notice_new", args=[clock.pk])).text
    page = client.get(notice.get_absolute_url()).text
    assert "黄色督办" in page
    assert "督办中" in page
    assert "暂无督办通知" in client_for(MembershipFactory().user).get(reverse("dashboards:notice_list")).text


def test_pages_may_offer_the_notice_to_supervisors_on_pressing_clocks_only(
    clock, agency, insider, supervisor, colleague
):
    on_time = running_for(lead_without_parties(agency, insider, discovered_on=date(2026, 10, 19)), "L2").get()
    assert may_issue(supervisor, clock, now=NOW) is True
    assert may_issue(colleague, clock, now=NOW) is False
    assert may_issue(supervisor, on_time, now=NOW) is False
    notice = issue(supervisor, clock, target_date=date(2026, 10, 21))
    assert may_issue(supervisor, notice.clock, now=at(2026, 10, 21, 10)) is False  # a notice's own clock
