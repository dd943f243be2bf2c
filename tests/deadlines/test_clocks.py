"""Starting, meeting, pausing and cancelling clocks; recomputation when the calendar changes."""

import pytest
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from deadlines.clocks import (
    deadline_cancel,
    deadline_meet,
    deadline_pause,
    deadline_resume,
    deadline_start,
    explanation,
    running_for,
)
from deadlines.models import Deadline, DeadlineEvent, DeadlineRule
from tests.concurrency import run_concurrently, transactional

from .conftest import at

pytestmark = pytest.mark.django_db


def test_start_computes_the_due_time_and_records_it(agency, insider):
    deadline = deadline_start(
        actor=insider, rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10)
    )
    assert deadline.due_at == at(2026, 10, 13, 23, 59, 59, 999999)
    assert deadline.state == Deadline.State.OPEN
    assert deadline.calendar.code == "national"
    started = deadline.events.get()
    assert (started.kind, started.actor, started.new_due_at) == ("started", insider, deadline.due_at)
    assert explanation(deadline).endswith("第5个工作日为10月13日，截止10月13日24时")
    # Named (admin, logs) in the time zone the pages show, not in UTC's 15:59.
    assert str(deadline) == f"L3 · {agency} · 2026-10-13 23:59"
    assert str(started) == f"{deadline.pk} {started.get_kind_display()} 2026-09-30 10:00"


def test_reminders_are_planned_one_working_day_before_and_on_the_morning(agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))
    assert (deadline.next_reminder_at, deadline.reminder_step) == (at(2026, 10, 12, 9), 1)


def test_editing_a_rule_applies_to_deadlines_started_afterwards(agency, other_agency):
    before = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 11, 2, 10))
    DeadlineRule.objects.filter(code="L3").update(duration=7)
    after = deadline_start(rule="L3", target=other_agency, agency=agency, triggered_at=at(2026, 11, 2, 10))
    before.refresh_from_db()
    assert before.due_at == at(2026, 11, 9, 23, 59, 59, 999999)
    assert after.due_at == at(2026, 11, 11, 23, 59, 59, 999999)


def test_meet_stops_the_clock_and_a_second_meet_is_refused(agency, insider):
    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))
    deadline = deadline_meet(actor=insider, deadline=deadline, at=at(2026, 10, 9, 15))
    assert (deadline.state, deadline.met_at, deadline.next_reminder_at) == ("met", at(2026, 10, 9, 15), None)
    with pytest.raises(TransitionNotAllowed):
        deadline_meet(actor=insider, deadline=deadline)
    assert deadline.events.filter(kind="met").count() == 1


def test_meeting_late_is_recorded_as_such(agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))
    deadline_meet(deadline=deadline, at=at(2026, 10, 14, 9))
    assert deadline.events.get(kind="met").note == "逾期办结"


def test_pause_and_resume_shift_the_due_time_by_the_paused_working_days(agency, insider):
    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))
    deadline = deadline_pause(actor=insider, deadline=deadline, reason="等待补正材料", at=at(2026, 10, 9, 10))
    assert deadline.state == "paused"
    deadline = deadline_resume(actor=insider, deadline=deadline, at=at(2026, 10, 14, 10))
    assert deadline.state == "open"
    assert deadline.due_at == at(2026, 10, 19, 23, 59, 59, 999999)
    resumed = deadline.events.get(kind="resumed")
    assert (resumed.old_due_at, resumed.new_due_at) == (at(2026, 10, 13, 23, 59, 59, 999999), deadline.due_at)
    assert "中止计时，顺延4个工作日" in explanation(deadline)


def test_cancel_records_the_reason(agency, insider):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    deadline = deadline_cancel(actor=insider, deadline=deadline, reason="移送方撤回")
    assert deadline.state == "cancelled"
    assert deadline.events.get(kind="cancelled").note == "移送方撤回"
    assert not running_for(agency).exists()


def test_a_paused_clock_cannot_be_met_until_resumed(agency, insider):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    deadline_pause(actor=insider, deadline=deadline, reason="补正")
    with pytest.raises(TransitionNotAllowed):
        deadline_meet(actor=insider, deadline=deadline)


def test_running_for_finds_an_objects_clocks_by_rule(agency, other_agency):
    deadline_start(rule="L3", target=agency, agency=agency)
    deadline_start(rule="L4", target=agency, agency=agency)
    deadline_start(rule="L3", target=other_agency, agency=agency)
    assert running_for(agency).count() == 2
    assert running_for(agency, "L4").get().rule.code == "L4"


def test_importing_2027_recomputes_running_deadlines_and_records_old_and_new(agency, import_2027):
    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 12, 28, 9))
    assert (deadline.due_at, deadline.provisional) == (at(2027, 1, 4, 23, 59, 59, 999999), True)
    met = deadline_start(rule="L4", target=agency, agency=agency, triggered_at=at(2026, 12, 28, 9))
    deadline_meet(deadline=met, at=at(2026, 12, 30, 9))
    years, moved = import_2027()
    assert (years, moved) == ([2027], 1)
    deadline.refresh_from_db()
    assert (deadline.due_at, deadline.provisional) == (at(2027, 1, 5, 23, 59, 59, 999999), False)
    event = deadline.events.get(kind="recomputed")
    assert (event.old_due_at, event.new_due_at) == (
        at(2027, 1, 4, 23, 59, 59, 999999),
        at(2027, 1, 5, 23, 59, 59, 999999),
    )
    assert "2027.csv" in event.note
    met.refresh_from_db()
    assert met.due_at == at(2027, 1, 4, 23, 59, 59, 999999)  # a met clock is history: never moved


def test_a_recomputation_that_gives_more_time_reopens_an_overdue_clock(agency, import_2027):
    from deadlines.sweep import sweep

    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 12, 28, 9))
    sweep(at(2027, 1, 5, 0, 30))  # past the provisional 4 January
    deadline.refresh_from_db()
    assert deadline.state == "overdue"
    import_2027(now=at(2027, 1, 5, 1))  # with the real New Year holiday the clock runs until 5 January
    deadline.refresh_from_db()
    assert deadline.state == "open"
    assert deadline.due_at == at(2027, 1, 5, 23, 59, 59, 999999)


def test_a_recomputation_that_leaves_a_clock_late_moves_its_second_escalation_with_its_due_day(
    agency, national
):
    from deadlines.calendar import calendar_import
    from deadlines.sweep import sweep

    from .conftest import CALENDAR_2027

    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 12, 28, 9))
    sweep(at(2027, 1, 5, 0, 30))  # late since the provisional 4 January: escalated again 3 working days after
    deadline.refresh_from_db()
    assert deadline.next_escalation_at == at(2027, 1, 7, 9)
    calendar_import(calendar=national, text=CALENDAR_2027, source="2027.csv", now=at(2027, 1, 6, 10))
    deadline.refresh_from_db()
    assert (deadline.state, deadline.due_at) == ("overdue", at(2027, 1, 5, 23, 59, 59, 999999))
    assert deadline.next_escalation_at == at(2027, 1, 8, 9)


@transactional
def test_two_simultaneous_meets_record_one(agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    outcomes = run_concurrently(lambda: deadline_meet(deadline=Deadline.objects.get(pk=deadline.pk)))
    assert sum(isinstance(outcome, Deadline) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, (TransitionNotAllowed, ConcurrentTransition)) for outcome in outcomes) == 1
    assert DeadlineEvent.objects.filter(deadline=deadline, kind="met").count() == 1


def test_starting_a_running_clock_again_returns_it(agency):
    first = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))
    again = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 10, 9, 10))
    assert again == first
    assert again.due_at == at(2026, 10, 13, 23, 59, 59, 999999)
    assert Deadline.objects.count() == 1


def test_a_met_clock_can_be_started_afresh(agency):
    first = deadline_start(rule="L3", target=agency, agency=agency)
    deadline_meet(deadline=first)
    assert deadline_start(rule="L3", target=agency, agency=agency) != first


def test_a_switched_off_rule_starts_nothing(agency):
    DeadlineRule.objects.filter(code="L3").update(is_active=False)
    assert deadline_start(rule="L3", target=agency, agency=agency) is None
    assert not Deadline.objects.exists()


def test_reopening_is_recorded_and_told_to_those_who_heard_it_was_late(
    agency, colleague, supervisor, import_2027
):
    from deadlines.sweep import sweep
    from notifications.models import Notification

    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 12, 28, 9))
    sweep(at(2027, 1, 5, 0, 30))
    import_2027(now=at(2027, 1, 5, 1))  # while 5 January, the due day it gets, is still to come
    assert deadline.events.filter(kind="reopened").count() == 1
    titles = list(
        Notification.objects.filter(recipient=supervisor).order_by("pk").values_list("title", flat=True)
    )
    assert titles == [
        "【逾期督办】L3 不属本部门职责的，退回案件材料并书面说明理由",
        "【恢复计时】L3 不属本部门职责的，退回案件材料并书面说明理由",
    ]


def test_a_calendar_day_pause_is_added_before_rolling_forward(agency, insider):
    # C2 (3 days) from Wednesday 18 November: day 3 is Saturday, rolled to Monday 23 November. A one-day pause
    # makes day 3 Sunday 22 November, still rolled to Monday 23 November.
    deadline = deadline_start(rule="C2", target=agency, agency=agency, triggered_at=at(2026, 11, 18, 10))
    assert deadline.due_at == at(2026, 11, 23, 23, 59, 59, 999999)
    deadline = deadline_pause(actor=insider, deadline=deadline, reason="补正", at=at(2026, 11, 19, 10))
    deadline = deadline_resume(actor=insider, deadline=deadline, at=at(2026, 11, 20, 10))
    assert deadline.due_at == at(2026, 11, 23, 23, 59, 59, 999999)


def test_legal_time_is_china_time_whatever_time_zone_displays(settings, agency):
    settings.TIME_ZONE = "UTC"
    deadline = deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 10, 9, 3))
    assert deadline.due_at == at(2026, 10, 15, 23, 59, 59, 999999)
