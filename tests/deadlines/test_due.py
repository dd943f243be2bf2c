"""Due times and their Chinese explanations (domain.md §2.1)."""

from datetime import date

import pytest

from deadlines.due import Pause, compute_due, explain

from .conftest import at

pytestmark = pytest.mark.django_db


def test_working_days_end_at_the_last_second_of_the_nth_working_day_in_shanghai():
    due, provisional = compute_due(triggered_at=at(2026, 9, 30, 16, 45), duration=5, unit="working_days")
    assert due == at(2026, 10, 13, 23, 59, 59, 999999)
    assert provisional is False


def test_the_trigger_day_counts_in_shanghai_time():
    # 17:30 UTC on 29 September is already 30 September in Shanghai.
    from datetime import UTC, datetime

    due, _ = compute_due(
        triggered_at=datetime(2026, 9, 29, 17, 30, tzinfo=UTC), duration=5, unit="working_days"
    )
    assert due == at(2026, 10, 13, 23, 59, 59, 999999)


def test_explanation_across_national_day():
    due, _ = compute_due(triggered_at=at(2026, 9, 30, 10), duration=5, unit="working_days")
    text = explain(
        triggered_at=at(2026, 9, 30, 10), trigger_verb="收到", duration=5, unit="working_days", due_at=due
    )
    assert text == (
        "2026-09-30 收到；10月1日至7日国庆节休息；10月10日（星期六）调休上班；第5个工作日为10月13日，截止10月13日24时"
    )


def test_explanation_across_spring_festival():
    due, _ = compute_due(triggered_at=at(2026, 2, 12, 9), duration=5, unit="working_days")
    text = explain(
        triggered_at=at(2026, 2, 12, 9), trigger_verb="收到", duration=5, unit="working_days", due_at=due
    )
    assert text == (
        "2026-02-12 收到；2月14日（星期六）调休上班；2月15日至23日春节休息；第5个工作日为2月26日，截止2月26日24时"
    )


def test_explanation_of_a_start_on_a_holiday():
    due, _ = compute_due(triggered_at=at(2026, 10, 3, 11), duration=5, unit="working_days")
    text = explain(
        triggered_at=at(2026, 10, 3, 11), trigger_verb="收到", duration=5, unit="working_days", due_at=due
    )
    assert text.startswith("2026-10-03 收到（国庆节休息日，当日不计入）；10月4日至7日国庆节休息")
    assert text.endswith("第5个工作日为10月13日，截止10月13日24时")


def test_calendar_days_roll_past_a_holiday_and_say_so():
    due, _ = compute_due(triggered_at=at(2026, 9, 28, 15), duration=3, unit="calendar_days")
    assert due == at(2026, 10, 8, 23, 59, 59, 999999)
    text = explain(
        triggered_at=at(2026, 9, 28, 15),
        trigger_verb="收到报告",
        duration=3,
        unit="calendar_days",
        due_at=due,
    )
    assert "第3日为10月1日（国庆节休息），顺延至10月8日，截止10月8日24时" in text


def test_24_hours_are_exact_across_midnight():
    due, provisional = compute_due(triggered_at=at(2026, 5, 9, 22, 30), duration=24, unit="hours")
    assert due == at(2026, 5, 10, 22, 30)
    assert provisional is False
    text = explain(
        triggered_at=at(2026, 5, 9, 22, 30), trigger_verb="批准", duration=24, unit="hours", due_at=due
    )
    assert text == "2026-05-09 22:30 批准；24小时内，截止2026年5月10日22时30分"


def test_24_hours_ignore_holidays():
    due, _ = compute_due(triggered_at=at(2026, 9, 30, 20), duration=24, unit="hours")
    assert due == at(2026, 10, 1, 20)


def test_a_deadline_into_an_unpublished_year_is_provisional_and_says_so():
    due, provisional = compute_due(triggered_at=at(2026, 12, 28, 9), duration=5, unit="working_days")
    assert (due.date(), provisional) == (date(2027, 1, 4), True)
    text = explain(
        triggered_at=at(2026, 12, 28, 9), trigger_verb="收到", duration=5, unit="working_days", due_at=due
    )
    assert "2027年节假日安排尚未公布，暂按周末休息推算（暂定）" in text
    assert text.endswith("第5个工作日为2027年1月4日，截止2027年1月4日24时")


def test_a_pause_moves_the_due_time_by_the_working_days_it_lasted():
    # Paused on Friday 9 October, resumed on Wednesday 14 October: 10, 12, 13, 14 October are 4 working days.
    pause = Pause(at(2026, 10, 9, 10), at(2026, 10, 14, 10))
    due, _ = compute_due(triggered_at=at(2026, 9, 30, 10), duration=5, unit="working_days", pauses=(pause,))
    assert due == at(2026, 10, 19, 23, 59, 59, 999999)
    text = explain(
        triggered_at=at(2026, 9, 30, 10),
        trigger_verb="收到",
        duration=5,
        unit="working_days",
        due_at=due,
        pauses=(pause,),
    )
    assert "2026-10-09至2026-10-14中止计时，顺延4个工作日" in text


def test_a_pause_of_an_hour_rule_moves_it_by_the_hours_paused():
    pause = Pause(at(2026, 5, 10, 8), at(2026, 5, 10, 11))
    due, _ = compute_due(triggered_at=at(2026, 5, 9, 22, 30), duration=24, unit="hours", pauses=(pause,))
    assert due == at(2026, 5, 11, 1, 30)
