"""What a running clock's badge says once it is late: the working days late, the hours late for a 24-hour rule,
and plainly "overdue" while no working day has passed since (a clock due on a Friday, over a holiday)."""

import pytest
from django.utils import translation

from deadlines.board import clock_view
from deadlines.due import HOURS, WORKING_DAYS
from deadlines.models import Deadline

from .conftest import at

pytestmark = pytest.mark.django_db


def badge(national, *, due, now, unit=WORKING_DAYS, state=Deadline.State.OVERDUE):
    deadline = Deadline(state=state, due_at=due, unit=unit, calendar_id=national.pk)
    with translation.override("zh-hans"):
        return clock_view(deadline, now=now).label


def test_working_days_late(national):
    assert badge(national, due=at(2026, 10, 13, 23, 59), now=at(2026, 10, 14, 10)) == "逾期 1 个工作日"


@pytest.mark.parametrize(
    "now",
    [at(2026, 10, 1, 9), at(2026, 10, 7, 18)],  # 国庆: 1-8 October are no working days
    ids=["the first day of the holiday", "the last"],
)
def test_late_over_a_holiday_is_overdue_not_0_working_days_late(national, now):
    assert badge(national, due=at(2026, 9, 30, 23, 59), now=now) == "已逾期"


@pytest.mark.parametrize(("now", "expected"), [(at(2026, 10, 14, 10, 10), 1), (at(2026, 10, 14, 12, 30), 3)])
def test_a_24_hour_clock_counts_the_hours_late(national, now, expected):
    assert badge(national, due=at(2026, 10, 14, 10), now=now, unit=HOURS) == f"逾期 {expected} 小时"
