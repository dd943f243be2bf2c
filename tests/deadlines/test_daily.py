"""The board's daily figures follow the clocks: every change is counted by the next sweep, once, and equals a count
made directly from the clocks."""

from collections import Counter

from deadlines.clocks import deadline_cancel, deadline_meet, deadline_pause, deadline_resume, deadline_start
from deadlines.daily import refresh
from deadlines.models import ClockDay, ClockDayStale, Deadline
from deadlines.sweep import sweep
from tests.concurrency import run_concurrently, transactional
from tests.factories import DutyItemFactory

from .conftest import at


def start(agency, rule="L3", when=(2026, 9, 30, 10)):
    """L3 (5 working days) from 30 September 2026 (National Day week, make-up Saturday 10 October): due 13 October."""
    return deadline_start(
        rule=rule, target=DutyItemFactory(agency=agency), agency=agency, triggered_at=at(*when)
    )


def figures():
    return {
        (row.day.isoformat(), row.agency_id, row.rule.code): (
            row.due,
            row.met_in_time,
            row.met_late,
            row.overdue,
            row.pending,
            row.met_working_days,
        )
        for row in ClockDay.objects.select_related("rule")
    }


def counted_directly():
    """The same figures computed from the clocks, the slow way."""
    from deadlines import workdays
    from deadlines.due import local_date

    result = Counter()
    for clock in Deadline.objects.exclude(state="cancelled").select_related("rule"):
        key = (local_date(clock.due_at).isoformat(), clock.agency_id, clock.rule.code)
        if clock.state == "met":
            kind = "met_in_time" if clock.met_at <= clock.due_at else "met_late"
            result[key, "days"] += workdays.working_days_between(
                local_date(clock.triggered_at), local_date(clock.met_at), calendar=clock.calendar_id
            )
        else:
            kind = "overdue" if clock.state == "overdue" else "pending"
        result[key, kind] += 1
    keys = {key for key, _ in result}
    return {
        key: (
            sum(result[key, kind] for kind in ("met_in_time", "met_late", "overdue", "pending")),
            result[key, "met_in_time"],
            result[key, "met_late"],
            result[key, "overdue"],
            result[key, "pending"],
            result[key, "days"],
        )
        for key in keys
    }


def test_a_started_clock_is_counted_pending_on_its_due_day(db, agency):
    start(agency)
    assert ClockDayStale.objects.count() == 1  # marked in the transaction that started it
    assert refresh() == 1
    assert figures() == {("2026-10-13", agency.pk, "L3"): (1, 0, 0, 0, 1, 0)}
    assert not ClockDayStale.objects.exists()
    assert refresh() == 0


def test_every_outcome_is_counted_as_the_clocks_say(db, agency, other_agency):
    in_time, late, overdue, cancelled, paused = (start(agency) for _ in range(5))
    elsewhere = start(other_agency, rule="L2")
    deadline_meet(deadline=in_time, at=at(2026, 10, 9, 15))  # the 2nd working day
    deadline_cancel(deadline=cancelled, reason="撤回", at=at(2026, 10, 9, 15))
    deadline_pause(actor=None, deadline=paused, reason="补正材料", at=at(2026, 10, 9, 15))
    sweep(at(2026, 10, 14, 0, 0, 1))  # the others run out
    deadline_meet(deadline=late, at=at(2026, 10, 15, 10))  # the 7th
    sweep(at(2026, 10, 15, 10, 1))
    assert figures() == counted_directly()
    assert figures()["2026-10-13", agency.pk, "L3"] == (4, 1, 1, 1, 1, 2 + 7)
    assert overdue.state == "open"  # as read before the sweep: the figures follow the sweep's mark
    # kept apart by agency and rule
    assert figures()["2026-10-13", other_agency.pk, "L2"] == (1, 0, 0, 1, 0, 0)
    assert elsewhere.pk


def test_a_clock_that_moves_leaves_its_old_day(db, agency):
    clock = start(agency)
    deadline_pause(actor=None, deadline=clock, reason="补正材料", at=at(2026, 10, 9, 9))
    refresh()
    # 3 working days later (the 10th is a make-up Saturday)
    deadline_resume(actor=None, deadline=clock, at=at(2026, 10, 13, 9))
    refresh()
    assert figures() == counted_directly() == {("2026-10-16", agency.pk, "L3"): (1, 0, 0, 0, 1, 0)}


def test_a_group_whose_clocks_are_all_cancelled_disappears(db, agency):
    clock = start(agency)
    refresh()
    deadline_cancel(deadline=clock, reason="撤回")
    refresh()
    assert figures() == {}


@transactional
def test_two_sweeps_at_once_count_each_group_right(agency):
    clocks = [start(agency) for _ in range(6)]
    for clock in clocks[:3]:
        deadline_meet(deadline=clock, at=at(2026, 10, 12, 9))
    outcomes = run_concurrently(lambda: sweep(at(2026, 10, 14, 9)), times=3)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert figures() == counted_directly() == {("2026-10-13", agency.pk, "L3"): (6, 3, 0, 3, 0, 3 * 4)}
    assert not ClockDayStale.objects.exists()
