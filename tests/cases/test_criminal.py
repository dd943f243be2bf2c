"""Criminal referrals under Decree 310 (rules C1-C12): the whole path through the workflows, each step's clock and
document, refusals of bad input and of steps out of order, and who sees the case.

The helpers (the police and procuratorate cast, `start`, `advance`) are in tests/cases/criminal.py, the fixtures
in tests/cases/conftest.py."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm import ConcurrentTransition

from agencies.models import Agency, Membership
from audit.models import AuditEvent
from cases.models import CriminalReferral, Evidence
from cases.workflows import criminal as steps
from deadlines.clocks import explanation, running_for
from deadlines.models import CalendarDay, Deadline
from documents.models import Document
from notifications.models import Notification
from tests.deadlines.conftest import SHANGHAI, at
from tests.factories import AgencyFactory, MembershipFactory

from .criminal import advance, report, start

pytestmark = pytest.mark.django_db

State = CriminalReferral.State


# The whole path -----------------------------------------------------------------------------------------------------


def test_the_whole_path_to_the_handover_with_reconsideration_and_supervision(
    criminal, team, colleague, cast, agency
):
    """Team and report (C2), approval (C3), transfer, receipt (C6), refusal (C9), reconsideration (C10), upheld
    (C11), supervision, then the police open the case (C12) and the items are handed over."""
    assert set(criminal.team.all()) == set(team)
    criminal = steps.criminal_submit(actor=team[1], criminal=criminal, report_file=report())
    assert criminal.report.lead == criminal.lead  # kept as evidence of the lead
    assert running_for(criminal, "C2").get().agency == agency
    assert Notification.objects.filter(recipient=colleague, key=f"criminal:{criminal.pk}:submitted").exists()

    criminal = steps.criminal_approve(actor=colleague, criminal=criminal)
    assert not running_for(criminal, "C2").exists()
    assert running_for(criminal, "C3").get().agency == agency

    criminal = advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    letter = criminal.transfer_letter
    assert (letter.kind, letter.agency, letter.addressee) == (Document.Kind.LETTER, agency, cast.police)
    assert letter.number == f"{agency.doc_prefix}函〔{letter.year}〕1号"
    assert letter.title == "涉嫌犯罪案件移送书"
    assert letter.context["attachments"] == [
        "涉嫌犯罪案件情况的调查报告",
        "涉案物品清单",
        "其他有关涉嫌犯罪的材料：询问笔录3份",
    ]
    assert (criminal.with_investigation_report, criminal.with_items_list, criminal.with_expert_opinion) == (
        True,
        True,
        False,
    )
    assert not running_for(criminal, "C3").exists()
    assert Notification.objects.filter(
        recipient=cast.police_handler, key=f"criminal:{criminal.pk}:transferred"
    ).exists()

    criminal = steps.criminal_receive(actor=cast.police_handler, criminal=criminal)
    assert (criminal.receipt.kind, criminal.receipt.agency) == (Document.Kind.RECEIPT, cast.police)
    assert criminal.receipt.context["original_number"] == letter.number
    assert criminal.receipt.number.startswith("宣公回〔")
    assert running_for(criminal, "C6").get().agency == cast.police
    assert Notification.objects.filter(recipient=team[0], key=f"criminal:{criminal.pk}:received").exists()

    criminal = advance(criminal, State.NOT_OPENED, team=team, head=colleague, cast=cast)
    assert criminal.police_reasons == "现有证据不足以证明有犯罪事实。"
    assert not running_for(criminal, "C6").exists()
    assert running_for(criminal, "C9").get().agency == agency
    notice = Document.objects.get(title="不予立案通知书")
    assert (notice.kind, notice.agency, notice.addressee) == (Document.Kind.NOTICE, cast.police, agency)

    criminal = advance(criminal, State.RECONSIDERATION, team=team, head=colleague, cast=cast)
    assert not running_for(criminal, "C9").exists()
    assert running_for(criminal, "C10").get().agency == cast.police
    assert Document.objects.get(title="提请复议书").addressee == cast.police

    criminal = advance(criminal, State.REFUSAL_UPHELD, team=team, head=colleague, cast=cast)
    assert not running_for(criminal, "C10").exists()
    assert running_for(criminal, "C11").get().agency == agency

    assert not CriminalReferral.objects.visible_to(cast.prosecutor).exists()
    criminal = advance(criminal, State.SUPERVISION, team=team, head=colleague, cast=cast)
    assert not running_for(criminal, "C11").exists()
    assert criminal.procuratorate == cast.procuratorate
    assert CriminalReferral.objects.visible_to(cast.prosecutor).get() == criminal
    supervision = Document.objects.get(addressee=cast.procuratorate)
    assert notice.number in " ".join(supervision.context["body"])
    assert Notification.objects.filter(
        recipient=cast.prosecutor, key=f"criminal:{criminal.pk}:supervision"
    ).exists()

    criminal = steps.criminal_open_case(actor=cast.police_head, criminal=criminal)
    assert criminal.state == State.CASE_OPENED
    assert running_for(criminal, "C12").get().agency == agency
    criminal = steps.criminal_hand_over(actor=team[0], criminal=criminal, note="投标文件原件12册，U盘1个。")
    assert criminal.state == State.HANDED_OVER
    assert not running_for(criminal).exists()
    assert set(
        Deadline.objects.filter(object_id=criminal.pk, rule__code__startswith="C").values_list(
            "rule__code", "state"
        )
    ) == {(code, "met") for code in ("C2", "C3", "C6", "C9", "C10", "C11", "C12")}
    assert list(
        AuditEvent.objects.filter(object_id=criminal.pk, action__startswith="criminal_")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "criminal_started",
        "criminal_submitted",
        "criminal_approved",
        "criminal_transferred",
        "criminal_received",
        "criminal_declined",
        "criminal_reconsideration_requested",
        "criminal_upheld",
        "criminal_supervision_requested",
        "criminal_case_opened",
        "criminal_handed_over",
    ]


def test_the_police_open_the_case_at_once_and_the_items_follow(criminal, team, colleague, cast):
    criminal = advance(criminal, State.RECEIVED, team=team, head=colleague, cast=cast)
    criminal = steps.criminal_open_case(actor=cast.police_head, criminal=criminal)
    notice = Document.objects.get(title="立案告知书")
    assert (notice.kind, notice.agency, notice.addressee) == (
        Document.Kind.NOTICE,
        cast.police,
        criminal.agency,
    )
    assert Deadline.objects.get(object_id=criminal.pk, rule__code="C6").state == "met"
    assert running_for(criminal, "C12").exists()
    assert Notification.objects.filter(
        recipient=team[1], key__startswith=f"criminal:{criminal.pk}:opened"
    ).exists()


def test_a_reconsideration_may_overturn_the_refusal(criminal, team, colleague, cast):
    criminal = advance(criminal, State.RECONSIDERATION, team=team, head=colleague, cast=cast)
    criminal = steps.criminal_overturn(actor=cast.police_head, criminal=criminal)
    assert criminal.state == State.CASE_OPENED
    assert Deadline.objects.get(object_id=criminal.pk, rule__code="C10").state == "met"
    assert running_for(criminal, "C12").exists()
    assert Document.objects.filter(title="复议决定书（立案）").exists()


def test_supervision_may_be_asked_straight_after_the_refusal(criminal, team, colleague, cast):
    criminal = advance(criminal, State.NOT_OPENED, team=team, head=colleague, cast=cast)
    criminal = steps.criminal_request_supervision(
        actor=team[1], criminal=criminal, procuratorate=cast.procuratorate, grounds="应当立案而不立案。"
    )
    assert criminal.state == State.SUPERVISION
    assert Deadline.objects.get(object_id=criminal.pk, rule__code="C9").state == "met"


def test_accepting_the_refusal_closes_the_case_and_cancels_its_option_clock(criminal, team, colleague, cast):
    criminal = advance(criminal, State.REFUSAL_UPHELD, team=team, head=colleague, cast=cast)
    criminal = steps.criminal_accept_refusal(actor=colleague, criminal=criminal)
    assert criminal.state == State.CLOSED
    assert Deadline.objects.get(object_id=criminal.pk, rule__code="C11").state == "cancelled"
    # A closed case lets the lead start another on new facts.
    assert start(criminal.lead, team[0], team, cast.police).state == State.PREPARING


def test_the_head_refuses_with_reasons_kept_on_record(criminal, team, colleague, cast):
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=colleague, cast=cast)
    criminal = steps.criminal_refuse(actor=colleague, criminal=criminal, reasons="涉案金额未达立案追诉标准。")
    assert (criminal.state, criminal.refusal_reasons, criminal.decided_by) == (
        State.REFUSED,
        "涉案金额未达立案追诉标准。",
        colleague,
    )
    assert Deadline.objects.get(object_id=criminal.pk, rule__code="C2").state == "met"
    assert not running_for(criminal, "C3").exists()
    event = AuditEvent.objects.get(object_id=criminal.pk, action="criminal_refused")
    assert event.payload == {"reasons": "涉案金额未达立案追诉标准。"}
    assert Notification.objects.filter(recipient=team[0], key=f"criminal:{criminal.pk}:refused").exists()


# Clocks -------------------------------------------------------------------------------------------------------------


def test_the_heads_3_days_roll_past_the_national_day_holiday(criminal, team):
    """Report received Tuesday 29 September 2026: the 3rd day is 2 October, inside the National Day holiday
    (1-7 October). 民法典 Art. 203: the period ends on the day after the holiday ends, 8 October, at 24:00."""
    with time_machine.travel(at(2026, 9, 29, 10), tick=False):
        criminal = steps.criminal_submit(actor=team[0], criminal=criminal, report_file=report())
    clock = running_for(criminal, "C2").get()
    assert clock.unit == "calendar_days"
    due = clock.due_at.astimezone(SHANGHAI)
    holiday = sorted(
        CalendarDay.objects.filter(kind="holiday", name="国庆节", date__year=2026).values_list(
            "date", flat=True
        )
    )
    assert (holiday[0], holiday[-1]) == (date(2026, 10, 1), date(2026, 10, 7))
    assert date(2026, 10, 2) in holiday  # the plain 3rd day is a holiday …
    assert due.date() == date(2026, 10, 8)  # … so the period ends the day after the holiday
    assert due.date() > holiday[-1]
    assert (due.hour, due.minute) == (23, 59)
    assert "顺延至10月8日" in explanation(clock)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 9, 29), date(2026, 10, 8)),  # 3rd day 2 October, National Day: the day after the holiday
        (date(2026, 10, 2), date(2026, 10, 8)),  # received during the holiday: the start day is not counted
        (date(2026, 9, 22), date(2026, 9, 28)),  # 3rd day 25 September, Mid-Autumn (25-27): Monday 28th
        (
            date(2026, 10, 7),
            date(2026, 10, 10),
        ),  # 3rd day Saturday 10 October, a make-up working day: no roll
        (date(2026, 11, 2), date(2026, 11, 5)),  # an ordinary week: the 3rd day
    ],
)
def test_decree_310_days_are_calendar_days_rolled_past_rest_days(criminal, team, received, due):
    with time_machine.travel(at(received.year, received.month, received.day, 15), tick=False):
        criminal = steps.criminal_submit(actor=team[0], criminal=criminal, report_file=report())
    assert running_for(criminal, "C2").get().due_at == datetime(
        due.year, due.month, due.day, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )


def test_a_decision_on_the_day_after_the_holiday_is_in_time(criminal, team, colleague):
    with time_machine.travel(at(2026, 9, 29, 10), tick=False):
        criminal = steps.criminal_submit(actor=team[0], criminal=criminal, report_file=report())
    with time_machine.travel(at(2026, 10, 8, 17), tick=False):
        steps.criminal_approve(actor=colleague, criminal=criminal)
    clock = Deadline.objects.get(object_id=criminal.pk, rule__code="C2")
    assert clock.state == "met"
    assert clock.met_at <= clock.due_at


def test_the_24_hour_transfer_runs_across_midnight_to_the_minute(criminal, team, colleague, cast):
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=colleague, cast=cast)
    with time_machine.travel(at(2026, 10, 12, 22, 30), tick=False):
        criminal = steps.criminal_approve(actor=colleague, criminal=criminal)
    clock = running_for(criminal, "C3").get()
    assert clock.unit == "hours"
    assert clock.due_at == at(2026, 10, 13, 22, 30)  # exact: not the end of a day
    with time_machine.travel(at(2026, 10, 13, 22, 29), tick=False):
        advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    clock.refresh_from_db()
    assert clock.state == "met"
    assert clock.met_at < clock.due_at


def test_the_police_3_days_run_from_their_receipt(criminal, team, colleague, cast):
    criminal = advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):  # a Monday
        criminal = steps.criminal_receive(actor=cast.police_handler, criminal=criminal)
    assert running_for(criminal, "C6").get().due_at == datetime(
        2026, 11, 5, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )


# Refusals -----------------------------------------------------------------------------------------------------------


def test_a_team_of_fewer_than_two_is_refused(lead, insider, second_handler, cast):
    for team in ([insider], [insider, insider], []):
        with pytest.raises(ValidationError) as refused:
            start(lead, insider, team, cast.police)
        assert refused.value.code == "team"
    assert not CriminalReferral.objects.exists()


def test_the_team_must_be_staff_of_the_agency(lead, insider, outsider, cast):
    with pytest.raises(ValidationError):
        start(lead, insider, [insider, outsider], cast.police)
    with pytest.raises(ValidationError):
        start(lead, insider, [insider, cast.police_handler], cast.police)
    assert not CriminalReferral.objects.exists()


def test_only_the_police_of_the_same_level_receive_it(lead, insider, team, foreign_region, other_agency):
    elsewhere = AgencyFactory(region=foreign_region, name="鄂尔多斯市公安局", kind=Agency.Kind.POLICE)
    for police in (elsewhere, other_agency):
        with pytest.raises(ValidationError):
            start(lead, insider, team, police)
    assert not CriminalReferral.objects.exists()


def test_a_second_start_while_one_runs_is_a_conflict(criminal, lead, insider, team, cast):
    with pytest.raises(ConcurrentTransition):
        start(lead, insider, team, cast.police)
    assert CriminalReferral.objects.count() == 1


def test_a_refusal_without_reasons_is_refused(criminal, team, colleague, cast):
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=colleague, cast=cast)
    with pytest.raises(ValidationError) as refused:
        steps.criminal_refuse(actor=colleague, criminal=criminal, reasons="  ")
    assert refused.value.code == "reasons_required"
    criminal = advance(criminal, State.RECEIVED, team=team, head=colleague, cast=cast)
    with pytest.raises(ValidationError):
        steps.criminal_decline(actor=cast.police_head, criminal=criminal, reasons="")
    criminal = advance(criminal, State.RECONSIDERATION, team=team, head=colleague, cast=cast)
    with pytest.raises(ValidationError):
        steps.criminal_uphold(actor=cast.police_head, criminal=criminal, reasons=" ")
    assert CriminalReferral.objects.get(pk=criminal.pk).state == State.RECONSIDERATION


def test_the_transfer_needs_the_investigation_report(criminal, team, colleague, cast):
    criminal = advance(criminal, State.APPROVED, team=team, head=colleague, cast=cast)
    with pytest.raises(ValidationError) as refused:
        steps.criminal_transfer(
            actor=team[0], criminal=criminal, investigation_report=False, items_list=True, expert_opinion=True
        )
    assert refused.value.code == "investigation_report_required"
    assert CriminalReferral.objects.get(pk=criminal.pk).state == State.APPROVED
    assert not Document.objects.exists()  # no number taken


def test_steps_out_of_order_are_refused(criminal, team, colleague, cast):
    with pytest.raises(PermissionDenied):  # no transfer before the head approved
        steps.criminal_transfer(
            actor=team[0],
            criminal=criminal,
            investigation_report=True,
            items_list=False,
            expert_opinion=False,
        )
    with pytest.raises(PermissionDenied):  # no decision before the report
        steps.criminal_approve(actor=colleague, criminal=criminal)
    criminal = advance(criminal, State.APPROVED, team=team, head=colleague, cast=cast)
    with pytest.raises(PermissionDenied):  # the police cannot sign for what was not sent
        steps.criminal_receive(actor=cast.police_handler, criminal=criminal)
    criminal = advance(criminal, State.RECEIVED, team=team, head=colleague, cast=cast)
    with pytest.raises(PermissionDenied):  # no handover before the case is opened
        steps.criminal_hand_over(actor=team[0], criminal=criminal, note="物品")
    with pytest.raises(PermissionDenied):  # no reconsideration of a refusal not made
        steps.criminal_request_reconsideration(actor=team[0], criminal=criminal, grounds="理由")
    assert CriminalReferral.objects.get(pk=criminal.pk).state == State.RECEIVED


def test_the_report_is_the_teams_and_the_decision_another_heads(criminal, agency, colleague, team, cast):
    other_handler = MembershipFactory(agency=agency, role=Membership.Role.HANDLER).user
    with pytest.raises(ValidationError) as refused:
        steps.criminal_submit(actor=other_handler, criminal=criminal, report_file=report())
    assert refused.value.code == "not_on_team"
    head_on_team = MembershipFactory(agency=agency, role=Membership.Role.HEAD).user
    criminal.team.add(head_on_team)
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=colleague, cast=cast)
    with pytest.raises(ValidationError) as refused:
        steps.criminal_approve(actor=head_on_team, criminal=criminal)
    assert refused.value.code == "own_report"


def test_a_stale_page_is_a_conflict_and_changes_nothing(criminal, team, colleague, cast):
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=colleague, cast=cast)
    seen = CriminalReferral.objects.get(pk=criminal.pk).page_token
    steps.criminal_approve(actor=colleague, criminal=criminal, seen_state=seen)
    with pytest.raises(ConcurrentTransition):
        steps.criminal_refuse(actor=colleague, criminal=criminal, reasons="不批准。", seen_state=seen)
    assert CriminalReferral.objects.get(pk=criminal.pk).state == State.APPROVED


def test_a_failed_report_leaves_no_file(criminal, team, settings):
    with pytest.raises(ValidationError):
        steps.criminal_submit(
            actor=team[0], criminal=criminal, report_file=SimpleUploadedFile("报告.pdf", b"<html></html>")
        )
    assert not Evidence.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def test_a_report_whose_transaction_fails_leaves_no_file(criminal, team, settings, monkeypatch):
    def fails(**_arguments):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(steps, "deadline_start", fails)  # starting C2 fails after the file is written
    with pytest.raises(RuntimeError):
        steps.criminal_submit(actor=team[0], criminal=criminal, report_file=report())
    assert not Evidence.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert CriminalReferral.objects.get(pk=criminal.pk).state == State.PREPARING


# Who sees it --------------------------------------------------------------------------------------------------------


def visible(user) -> bool:
    return CriminalReferral.objects.visible_to(user).exists()


def test_the_two_sides_see_it_and_nobody_else(
    criminal, team, colleague, cast, supervisor, foreign_supervisor, outsider, django_user_model
):
    assert visible(team[0])
    assert visible(colleague)
    # Before the transfer the police see nothing of the agency's deliberation.
    assert not visible(cast.police_handler)
    criminal = advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    assert visible(cast.police_handler)
    assert visible(cast.police_head)
    # The region's supervisors, other agencies, and the procuratorate (not asked yet) do not.
    for user in (supervisor, foreign_supervisor, outsider, cast.prosecutor):
        assert not visible(user), user
    assert visible(django_user_model.objects.create_superuser("operator", password="x"))


def test_a_member_who_left_no_longer_sees_it(criminal, team):
    Membership.objects.filter(user=team[1]).update(is_active=False)
    assert not visible(team[1])
