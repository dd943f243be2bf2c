from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deadlines.calendar import calendar_import
from deadlines.models import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A 2027 schedule for the tests (the real one is not published yet): New Year 1-3 January, a make-up Saturday.
CALENDAR_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-06,workday,春节
"""


def at(*args) -> datetime:
    """A moment in Asia/Shanghai, e.g. at(2026, 9, 30, 10)."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def national(db):
    return WorkCalendar.objects.get(code=WorkCalendar.NATIONAL)


@pytest.fixture
def import_2027(national):
    def run(now=None):
        return calendar_import(calendar=national, text=CALENDAR_2027, source="2027.csv", now=now)

    return run
