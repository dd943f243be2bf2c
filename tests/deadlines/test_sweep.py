"""The sweep reminds, marks overdue and escalates exactly once per step, however often and wherever it runs."""

import pytest
from django.core.management import call_command

from deadlines.clocks import deadline_meet, deadline_start
from deadlines.models import Deadline, DeadlineEvent
from deadlines.sweep import sweep
from notifications.models import Notification
from tests.concurrency import in_another_transaction, run_concurrently, transactional
from tests.factories import DutyItemFactory

from .conftest import at


@pytest.fixture
def clock(agency, insider, colleague, supervisor, outsider, foreign_supervisor):
    """L3 received 30 September 2026: due 13 October 23:59:59; reminders 12 October 09:00 and 13 October 08:30."""
    return deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))


def messages_to(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("key", flat=True))


def test_nothing_happens_before_the_first_reminder(db, clock, insider):
    assert sweep(at(2026, 10, 12, 8, 59)).reminded == 0
    assert not Notification.objects.exists()


def test_handlers_are_reminded_a_working_day_before_and_on_the_morning(db, clock, insider, colleague):
    assert sweep(at(2026, 10, 12, 9)).reminded == 1
    assert sweep(at(2026, 10, 12, 9, 1)).reminded == 0
    assert sweep(at(2026, 10, 13, 8, 30)).reminded == 1
    assert messages_to(insider) == [
        f"deadline:{clock.pk}:reminder:1:202610131559",
        f"deadline:{clock.pk}:reminder:2:202610131559",
    ]
    assert messages_to(colleague) == []  # the head hears only when it is late
    reminder = Notification.objects.filter(recipient=insider).first()
    assert reminder.title == "【时限提醒】L3 不属本部门职责的，退回案件材料并书面说明理由"
    assert "2026年10月13日23时59分" in reminder.body
    assert reminder.url == clock.get_absolute_url()


def test_a_late_first_sweep_sends_only_the_latest_reminder(db, clock, insider):
    sweep(at(2026, 10, 13, 9))
    assert messages_to(insider) == [f"deadline:{clock.pk}:reminder:2:202610131559"]


def test_expiry_marks_overdue_and_tells_the_head_and_the_supervisor_once(
    db, clock, insider, colleague, supervisor, outsider, foreign_supervisor
):
    assert sweep(at(2026, 10, 13, 23, 59, 59, 999999)).overdue == 0  # the whole last second still counts
    assert sweep(at(2026, 10, 14, 0, 0, 0, 1)).overdue == 1
    assert sweep(at(2026, 10, 14, 0, 5)).overdue == 0
    clock.refresh_from_db()
    assert clock.state == Deadline.State.OVERDUE
    assert clock.events.filter(kind="overdue").count() == 1
    key = f"deadline:{clock.pk}:overdue:1:202610131559"
    assert messages_to(colleague) == [key]
    assert messages_to(supervisor) == [key]
    assert messages_to(outsider) == []
    assert messages_to(foreign_supervisor) == []
    assert key not in messages_to(insider)


def test_a_clock_still_overdue_is_escalated_again_after_three_working_days(db, clock, colleague, supervisor):
    sweep(at(2026, 10, 14, 9))
    assert sweep(at(2026, 10, 16, 8, 59)).escalated == 0
    assert sweep(at(2026, 10, 16, 9)).escalated == 1
    assert sweep(at(2026, 10, 16, 9, 1)).escalated == 0
    second = f"deadline:{clock.pk}:escalation:2:202610131559"
    assert second in messages_to(supervisor)
    assert second in messages_to(colleague)
    assert Notification.objects.get(recipient=supervisor, key=second).title.startswith("【再次督办】")


def test_a_met_clock_is_left_alone(db, clock, insider):
    deadline_meet(deadline=clock, at=at(2026, 10, 9, 10))
    result = sweep(at(2026, 10, 20, 9))
    assert (result.reminded, result.overdue, result.escalated) == (0, 0, 0)
    assert not Notification.objects.exists()


def test_messages_due_in_quiet_hours_wait_until_morning(db, clock, colleague):
    sweep(at(2026, 10, 14, 0, 0, 1))
    message = Notification.objects.get(recipient=colleague)
    assert message.deliver_after == at(2026, 10, 14, 7, 0)
    assert message.email_next_attempt_at == at(2026, 10, 14, 7, 0)


def test_the_command_runs_the_sweep_at_a_given_moment(db, clock, capsys):
    call_command("sweep_deadlines", "--now", "2026-10-14T09:00+08:00")
    assert capsys.readouterr().out.strip() == "reminded 0, overdue 1, escalated 0"


@transactional
def test_two_sweeps_at_once_send_each_message_once(clock, insider, colleague, supervisor):
    for moment in (at(2026, 10, 12, 9), at(2026, 10, 14, 9), at(2026, 10, 16, 9)):
        outcomes = run_concurrently(lambda moment=moment: sweep(moment), times=4)
        assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert len(messages_to(insider)) == 1  # one reminder; the second was passed by the time of the next sweep
    assert len(messages_to(colleague)) == 2  # overdue, second escalation
    assert len(messages_to(supervisor)) == 2
    assert (
        DeadlineEvent.objects.filter(deadline=clock, kind__in=["reminded", "overdue", "escalated"]).count()
        == 3
    )


def test_many_due_clocks_are_handled_in_batches(db, agency, colleague, monkeypatch):
    from deadlines import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "BATCH", 7)
    clocks = [
        deadline_start(
            rule="L3", target=DutyItemFactory(agency=agency), agency=agency, triggered_at=at(2026, 9, 30, 10)
        )
        for _ in range(20)
    ]
    assert sweep(at(2026, 10, 14, 9)).overdue == 20
    assert Notification.objects.filter(recipient=colleague).count() == len(clocks)


@transactional
def test_the_sweep_gives_way_to_a_transaction_holding_a_clock(clock, colleague):
    """A user's workflow holding the clock (or the case a clock's change touches) is not waited for: the sweep
    leaves that batch to the next minute instead of queueing behind it, or deadlocking with it."""
    import time

    with in_another_transaction(lambda: Deadline.objects.select_for_update().get(pk=clock.pk)):
        started = time.monotonic()
        assert sweep(at(2026, 10, 14, 9)).overdue == 0
        assert time.monotonic() - started < 5  # gave way after the lock timeout, did not wait for the holder
        clock.refresh_from_db()
        assert clock.state == Deadline.State.OPEN
    assert sweep(at(2026, 10, 14, 9, 1)).overdue == 1  # the next sweep takes it
    assert len(messages_to(colleague)) == 1
