"""Working-day arithmetic over the calendar tables (domain.md §2.1, §8).

Each function answers from an in-process copy of a calendar: its exception days and published years, turned into
prefix sums of working days over a range of whole years, so that a call is a few list look-ups. The copy is
loaded once, its range grows when a date outside it is asked for, `clear_cache()` drops it (calendar edits do so on
commit) and other processes re-validate it against `WorkCalendar.version` at most every `RECHECK_SECONDS`.

Years without a published schedule count Monday-Friday only; their dates are provisional (`is_provisional`).
`chinese_calendar` is never called here: it only seeded the tables.
"""

import time
from dataclasses import dataclass, field
from datetime import date

RECHECK_SECONDS = 5.0
HOLIDAY, WORKDAY = "holiday", "workday"


@dataclass
class CalendarData:
    chain: tuple[int, ...]  # the calendar's id, then its parents'
    versions: tuple[int, ...]
    exceptions: dict[
        date, tuple[str, str]
    ]  # date -> (kind, name); a calendar's own days win over its parent's
    published: frozenset[int]
    recheck_at: float
    first_year: int = 0
    last_year: int = -1
    first_ordinal: int = 0
    cumulative: list[int] = field(default_factory=list)  # working days in [first day, first day + i]
    ordinals: list[int] = field(default_factory=list)  # the working days' ordinals, ascending

    def is_workday(self, day: date) -> bool:
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception[0] == WORKDAY
        return day.weekday() < 5

    def build(self, first_year: int, last_year: int) -> None:
        """Compute the prefix sums for whole years first_year..last_year (clamped to 1..9999)."""
        first_year, last_year = max(first_year, 1), min(last_year, 9999)
        self.first_year, self.last_year = first_year, last_year
        self.first_ordinal = date(first_year, 1, 1).toordinal()
        cumulative, ordinals, count = [], [], 0
        for ordinal in range(self.first_ordinal, date(last_year, 12, 31).toordinal() + 1):
            if self.is_workday(date.fromordinal(ordinal)):
                count += 1
                ordinals.append(ordinal)
            cumulative.append(count)
        self.cumulative, self.ordinals = cumulative, ordinals

    def ensure(self, first_year: int, last_year: int) -> None:
        """Grow the range (with a year's margin) so that it covers first_year..last_year."""
        if self.first_year <= first_year and last_year <= self.last_year:
            return
        if self.last_year < self.first_year:
            self.build(first_year - 1, last_year + 2)
        else:
            self.build(min(self.first_year, first_year - 1), max(self.last_year, last_year + 1))

    def count_through(self, day: date) -> int:
        """Working days from the start of the range up to and including `day`."""
        if not (self.first_year <= day.year <= self.last_year):
            self.ensure(day.year, day.year)
        return self.cumulative[day.toordinal() - self.first_ordinal]

    def add(self, start: date, n: int) -> date:
        if n == 0:
            return start
        if n > 0:
            index = self.count_through(start) + n - 1
            while index >= len(self.ordinals):
                if self.last_year >= 9999:
                    raise OverflowError("date out of range")
                self.build(self.first_year, self.last_year + 1 + n // 200)
            return date.fromordinal(self.ordinals[index])
        while True:
            before = self.count_through(start) - self.is_workday(start)
            index = before + n
            if index >= 0:
                return date.fromordinal(self.ordinals[index])
            if self.first_year <= 1:
                raise OverflowError("date out of range")
            self.build(self.first_year - 1 - (-n) // 200, self.last_year)


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
    published = frozenset(CalendarYear.objects.filter(calendar_id__in=chain).values_list("year", flat=True))
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
    data = calendar_data(calendar)
    data.ensure(start.year, end.year)  # both counts must share one origin
    return data.count_through(end) - data.count_through(start)


def day_name(day: date, *, calendar=None) -> tuple[str, str] | None:
    """The (kind, name) of an exception day, e.g. ("holiday", "国庆节"), or None for an ordinary day."""
    return calendar_data(calendar).exceptions.get(day)


def unpublished_years(today: date, *, calendar=None) -> list[int]:
    """This year and next, where their holiday schedule is not published yet (banner and system check)."""
    published = calendar_data(calendar).published
    return [year for year in (today.year, today.year + 1) if year not in published]
