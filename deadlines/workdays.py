"""Working-day arithmetic over the calendar tables (domain.md §2.1, §8).

Each function answers from an in-process copy of a calendar: its exception days and published years, turned into
prefix sums of working days over a range of whole years, so that a call is a few list look-ups. The copy is
loaded once, its range grows when a date outside it is asked for, `clear_cache()` drops it (calendar edits do so on
commit) and other processes re-validate it against `WorkCalendar.version` at most every `RECHECK_SECONDS`.

Years without a published schedule count Monday-Friday only; their dates are provisional (`is_provisional`).
`chinese_calendar` is never called here: it only seeded the tables.
"""

import time
from dataclasses import dataclass
from datetime import date

RECHECK_SECONDS = 5.0
HOLIDAY, WORKDAY = "holiday", "workday"


@dataclass(frozen=True)
class Table:
    """Prefix sums of working days over whole years first_year..last_year. Never changed once built."""

    first_year: int
    last_year: int
    first_ordinal: int
    cumulative: list[int]  # working days in [first day, first day + i]
    ordinals: list[int]  # the working days' ordinals, ascending

    def count_through(self, day: date) -> int:
        return self.cumulative[day.toordinal() - self.first_ordinal]

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year


EMPTY = Table(first_year=0, last_year=-1, first_ordinal=0, cumulative=[], ordinals=[])


@dataclass
class CalendarData:
    chain: tuple[int, ...]  # the calendar's id, then its parents'
    versions: tuple[int, ...]
    exceptions: dict[
        date, tuple[str, str]
    ]  # date -> (kind, name); a calendar's own days win over its parent's
    published: frozenset[int]  # the years the root (national) calendar has published
    recheck_at: float
    # Web threads share this object: a wider table is built aside and swapped in with one assignment, and every
    # computation reads `table` once, so no reader ever sees a half-built range.
    table: Table = EMPTY

    def is_workday(self, day: date) -> bool:
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception[0] == WORKDAY
        return day.weekday() < 5

    def build(self, first_year: int, last_year: int) -> Table:
        """Compute the prefix sums for whole years first_year..last_year (clamped to 1..9999)."""
        first_year, last_year = max(first_year, 1), min(last_year, 9999)
        first_ordinal = date(first_year, 1, 1).toordinal()
        cumulative, ordinals, count = [], [], 0
        for ordinal in range(first_ordinal, date(last_year, 12, 31).toordinal() + 1):
            if self.is_workday(date.fromordinal(ordinal)):
                count += 1
                ordinals.append(ordinal)
            cumulative.append(count)
        return Table(first_year, last_year, first_ordinal, cumulative, ordinals)

    def covering(self, first_year: int, last_year: int) -> Table:
        """A table covering first_year..last_year (with a year's margin when it has to grow)."""
        table = self.table
        if table.covers(first_year, last_year):
            return table
        if table is EMPTY:
            table = self.build(first_year - 1, last_year + 2)
        else:
            table = self.build(min(table.first_year, first_year - 1), max(table.last_year, last_year + 1))
        self.table = table
        return table

    def add(self, start: date, n: int) -> date:
        if n == 0:
            return start
        # Roughly 250 working days a year: cover enough years for the jump, then check and widen if needed.
        years = abs(n) // 200 + 1
        while True:
            if n > 0:
                table = self.covering(start.year, min(start.year + years, 9999))
                index = table.count_through(start) + n - 1
                if index < len(table.ordinals):
                    return date.fromordinal(table.ordinals[index])
                if table.last_year >= 9999:
                    raise OverflowError("date out of range")
            else:
                table = self.covering(max(start.year - years, 1), start.year)
                index = table.count_through(start) - self.is_workday(start) + n
                if index >= 0:
                    return date.fromordinal(table.ordinals[index])
                if table.first_year <= 1:
                    raise OverflowError("date out of range")
            years *= 2

    def between(self, start: date, end: date) -> int:
        table = self.covering(start.year, end.year)  # both counts from one table
        return table.count_through(end) - table.count_through(start)


_cache: dict[int | None, CalendarData] = {}


def clear_cache() -> None:
    """Forget every loaded calendar (after an edit, and between tests)."""
    _cache.clear()


def _load(calendar_id: int | None) -> CalendarData:
    from .models import CalendarDay, CalendarYear, WorkCalendar

    if calendar_id is None:
        calendar = WorkCalendar.objects.filter(code=WorkCalendar.NATIONAL).first()
    else:
        calendar = WorkCalendar.objects.get(pk=calendar_id)
    chain, versions = [], []
    while calendar is not None:
        chain.append(calendar.pk)
        versions.append(calendar.version)
        calendar = calendar.parent
    exceptions = {}
    # Parents first, so that a region's own days override the national ones.
    for calendar_pk in reversed(chain):
        for day, kind, name in CalendarDay.objects.filter(calendar_id=calendar_pk).values_list(
            "date", "kind", "name"
        ):
            exceptions[day] = (kind, name)
    # Only the root (national) calendar publishes years: a region's own days do not make a year final.
    published = frozenset(
        CalendarYear.objects.filter(calendar_id=chain[-1] if chain else None).values_list("year", flat=True)
    )
    return CalendarData(
        chain=tuple(chain),
        versions=tuple(versions),
        exceptions=exceptions,
        published=published,
        recheck_at=time.monotonic() + RECHECK_SECONDS,
    )


def _is_current(data: CalendarData) -> bool:
    from .models import WorkCalendar

    versions = dict(WorkCalendar.objects.filter(pk__in=data.chain).values_list("pk", "version"))
    return tuple(versions.get(pk) for pk in data.chain) == data.versions


def calendar_data(calendar=None) -> CalendarData:
    """The cached data of a calendar (a WorkCalendar, its id, or None for the national calendar)."""
    key = getattr(calendar, "pk", calendar)
    data = _cache.get(key)
    if data is not None and time.monotonic() < data.recheck_at:
        return data
    if data is not None and data.chain and _is_current(data):
        data.recheck_at = time.monotonic() + RECHECK_SECONDS
        return data
    data = _cache[key] = _load(key)
    return data


def refresh() -> None:
    """Re-validate every cached calendar now (the sweep calls this before it computes anything)."""
    for data in _cache.values():
        data.recheck_at = 0.0


def is_workday(day: date, *, calendar=None) -> bool:
    return calendar_data(calendar).is_workday(day)


def is_provisional(day: date, *, calendar=None) -> bool:
    """True when `day` lies in a year whose holiday schedule has not been published."""
    return day.year not in calendar_data(calendar).published


def add_working_days(start: date, n: int, *, calendar=None) -> date:
    """The n-th working day after `start` (the start day itself is not counted); n < 0 counts backwards."""
    return calendar_data(calendar).add(start, n)


def add_calendar_days(start: date, n: int, *, calendar=None) -> date:
    """The n-th day after `start`, moved forward to the next working day if it is not one (民法典 Art. 203)."""
    data = calendar_data(calendar)
    day = date.fromordinal(start.toordinal() + n)
    if data.is_workday(day):
        return day
    return data.add(day, 1)


def working_days_between(start: date, end: date, *, calendar=None) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    return calendar_data(calendar).between(start, end)


def day_name(day: date, *, calendar=None) -> tuple[str, str] | None:
    """The (kind, name) of an exception day, e.g. ("holiday", "国庆节"), or None for an ordinary day."""
    return calendar_data(calendar).exceptions.get(day)


def unpublished_years(today: date, *, calendar=None) -> list[int]:
    """This year and next, where their holiday schedule is not published yet (banner and system check)."""
    published = calendar_data(calendar).published
    return [year for year in (today.year, today.year + 1) if year not in published]
