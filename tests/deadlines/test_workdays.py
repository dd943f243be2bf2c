"""Working-day counting (domain.md §2.1 and §8) against the seeded 2004-2026 national calendar."""

from datetime import date

import pytest

from deadlines import workdays
from deadlines.calendar import calendar_day_save
from deadlines.models import CalendarDay, WorkCalendar
from deadlines.workdays import (
    add_calendar_days,
    add_working_days,
    is_provisional,
    is_workday,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # National Day 2026: 1-7 October off, Saturday 10 October worked (domain.md §2 example).
        (date(2026, 9, 30), 5, date(2026, 10, 13)),
        # Starting on a holiday: the start day is not counted, the count begins after it.
        (date(2026, 10, 3), 5, date(2026, 10, 13)),
        # Sunday 20 September 2026 is a make-up working day.
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        # Spring Festival 2026: Saturday 14 February worked, 15-23 February off.
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        # Labour Day 2026: 1-5 May off, Saturday 9 May worked.
        (date(2026, 4, 30), 3, date(2026, 5, 8)),
        (date(2026, 4, 30), 4, date(2026, 5, 9)),
        # An ordinary week: Friday + 1 is Monday.
        (date(2026, 11, 20), 1, date(2026, 11, 23)),
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
        # Backwards: the 5th working day before 13 October is 30 September.
        (date(2026, 10, 13), -5, date(2026, 9, 30)),
        (date(2026, 10, 8), -1, date(2026, 9, 30)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_2026_has_248_working_days():
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_working_days_between_excludes_the_start_and_includes_the_end():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert working_days_between(date(2026, 10, 13), date(2026, 9, 30)) == 0


def test_is_workday_knows_holidays_make_up_days_and_weekends():
    assert is_workday(date(2026, 10, 1)) is False
    assert is_workday(date(2026, 10, 10)) is True  # Saturday, make-up
    assert is_workday(date(2026, 11, 21)) is False  # ordinary Saturday
    assert is_workday(date(2026, 11, 23)) is True


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # The 3rd day is 1 October (holiday): rolled forward to the next working day, 8 October.
        (date(2026, 9, 28), 3, date(2026, 10, 8)),
        # The 3rd day is a Saturday: rolled to Monday.
        (date(2026, 11, 18), 3, date(2026, 11, 23)),
        # The 3rd day is a make-up Saturday: a working day, not rolled.
        (date(2026, 10, 7), 3, date(2026, 10, 10)),
        (date(2026, 11, 16), 3, date(2026, 11, 19)),
    ],
)
def test_add_calendar_days_rolls_forward_past_days_off(start, n, expected):
    assert add_calendar_days(start, n) == expected


def test_a_year_without_data_counts_weekends_only_and_is_provisional():
    assert is_provisional(date(2027, 1, 4)) is True
    assert is_provisional(date(2026, 12, 31)) is False
    assert add_working_days(date(2026, 12, 28), 5) == date(
        2027, 1, 4
    )  # 1 January 2027 counted, provisionally


def test_crossing_into_2027_is_recomputed_after_import(import_2027):
    assert add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 4)
    import_2027()
    assert add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 5)
    assert is_provisional(date(2027, 1, 4)) is False
    assert is_workday(date(2027, 2, 6)) is True


@pytest.mark.parametrize("start", [date(1, 1, 10), date(1900, 3, 1), date(2003, 12, 30), date(2100, 6, 1)])
def test_any_date_works(start):
    forward = add_working_days(start, 20)
    assert working_days_between(start, forward) == 20
    back = add_working_days(forward, -20)
    assert back == start if is_workday(start) else back < start


def test_far_jumps_extend_the_cached_range():
    assert add_working_days(date(2026, 1, 1), 2000) > date(2033, 1, 1)
    assert add_working_days(date(2026, 1, 1), -2000) < date(2019, 1, 1)


def test_editing_a_day_is_seen_at_once_in_this_process(national):
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    calendar_day_save(
        actor=None, day=CalendarDay(calendar=national, date=date(2026, 11, 23), kind="holiday", name="测试")
    )
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 24)


def test_other_processes_notice_an_edit_through_the_version(national):
    assert is_workday(date(2026, 11, 23)) is True
    workdays.calendar_data().recheck_at = float("inf")  # this process trusts its copy until told to re-check
    # Another process edits the calendar: the row changes and the version is bumped, this cache is not cleared.
    CalendarDay.objects.create(calendar=national, date=date(2026, 11, 23), kind="holiday", name="测试")
    WorkCalendar.objects.filter(pk=national.pk).update(version=national.version + 1)
    assert is_workday(date(2026, 11, 23)) is True
    workdays.refresh()  # what the sweep does first, and what RECHECK_SECONDS does by itself
    assert is_workday(date(2026, 11, 23)) is False


def test_a_region_calendar_adds_its_own_days(national, region):
    local = WorkCalendar.objects.create(code="xuanen", name="宣恩县", region=region, parent=national)
    CalendarDay.objects.create(calendar=local, date=date(2026, 11, 23), kind="holiday", name="地方节日")
    assert is_workday(date(2026, 11, 23), calendar=local) is False
    assert is_workday(date(2026, 11, 23)) is True
    assert is_workday(date(2026, 10, 1), calendar=local) is False  # the national holidays still apply
    assert is_provisional(date(2026, 5, 1), calendar=local) is False  # published nationally


def test_threads_sharing_the_cache_never_see_a_half_built_range():
    """Web threads share one cache; one thread widening the range must not disturb another's answer."""
    from tests.concurrency import run_concurrently

    workdays.calendar_data()  # load in this thread; the threads below only compute

    def compute():
        answers = set()
        for year in range(2026, 1990, -1):  # each step widens the range backwards
            answers.add(add_working_days(date(2026, 9, 30), 5))
            add_working_days(date(year, 6, 1), 1)
        return answers

    for answers in run_concurrently(compute, times=4):
        assert answers == {date(2026, 10, 13)}


def test_a_regions_own_days_do_not_publish_a_national_year(national, region):
    local = WorkCalendar.objects.create(code="xuanen", name="宣恩县", region=region, parent=national)
    from django.utils import timezone

    from deadlines.models import CalendarYear

    CalendarYear.objects.create(calendar=local, year=2027, published_at=timezone.now())
    assert is_provisional(date(2027, 3, 1), calendar=local) is True
