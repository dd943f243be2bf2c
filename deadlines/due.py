"""Pure due-date computation and its explanation in Chinese (domain.md §2.1). No database writes."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from . import workdays

# Legal periods are counted in China's time whatever TIME_ZONE says (it only changes how times are displayed).
LEGAL_TZ = ZoneInfo("Asia/Shanghai")
# The last instant of the day ("截止…24时"): a clock is overdue only once the day is over.
END_OF_DAY = time(23, 59, 59, 999999)
WEEKDAYS = "一二三四五六日"
WORKING_DAYS, CALENDAR_DAYS, HOURS = "working_days", "calendar_days", "hours"


@dataclass(frozen=True)
class Pause:
    paused_at: datetime
    resumed_at: datetime


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day: 31 January + 1 = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def local_date(moment: datetime) -> date:
    """The calendar day of `moment` in China."""
    return timezone.localtime(moment, LEGAL_TZ).date()


def end_of(day: date) -> datetime:
    """The last instant of `day` in China: "截止…24时"."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LEGAL_TZ)


def compute_due(
    *, triggered_at: datetime, duration: int, unit: str, calendar=None, pauses: tuple[Pause, ...] = ()
) -> tuple[datetime, bool]:
    """Return the due time and whether it is provisional (it counts days of a year with no published schedule).

    The trigger day is not counted; N working days end at 23:59:59 of the N-th working day after it; N days end on
    the N-th day, moved to the next working day when that is not one; N hours are exact. Each completed pause
    moves the due time by the working days (or days, or hours) it lasted.
    """
    if unit == HOURS:
        due = triggered_at + timedelta(hours=duration)
        for pause in pauses:
            due += pause.resumed_at - pause.paused_at
        return due, False
    start = local_date(triggered_at)
    paused_days = [(local_date(pause.paused_at), local_date(pause.resumed_at)) for pause in pauses]
    if unit == WORKING_DAYS:
        due_day = workdays.add_working_days(start, duration, calendar=calendar)
        for paused, resumed in paused_days:
            shift = workdays.working_days_between(paused, resumed, calendar=calendar)
            due_day = workdays.add_working_days(due_day, shift, calendar=calendar)
    elif unit == CALENDAR_DAYS:
        # Add the paused days to the count before rolling forward once: rolling first would add a day too many.
        total = duration + sum((resumed - paused).days for paused, resumed in paused_days)
        due_day = workdays.add_calendar_days(start, total, calendar=calendar)
    else:
        raise ValueError(f"unknown deadline unit {unit!r}")
    provisional = any(
        workdays.is_provisional(date(year, 1, 1), calendar=calendar)
        for year in range(start.year, due_day.year + 1)
    )
    return end_of(due_day), provisional


def month_day(day: date, reference_year: int) -> str:
    prefix = f"{day.year}年" if day.year != reference_year else ""
    return f"{prefix}{day.month}月{day.day}日"


def weekday(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _exception_runs(first: date, last: date, calendar) -> list[str]:
    """Describe the holidays and make-up working days between two dates, e.g. "10月1日至7日国庆节休息"."""
    parts, day, year = [], first, first.year
    while day <= last:
        exception = workdays.day_name(day, calendar=calendar)
        if exception and exception[0] == workdays.HOLIDAY:
            run_end = day
            while (
                run_end < last
                and workdays.day_name(run_end + timedelta(days=1), calendar=calendar) == exception
            ):
                run_end += timedelta(days=1)
            if run_end == day:
                parts.append(f"{month_day(day, year)}{exception[1]}休息")
            elif run_end.month == day.month and run_end.year == day.year:
                parts.append(f"{month_day(day, year)}至{run_end.day}日{exception[1]}休息")
            else:
                parts.append(f"{month_day(day, year)}至{month_day(run_end, year)}{exception[1]}休息")
            day = run_end
        elif exception:
            parts.append(f"{month_day(day, year)}（{weekday(day)}）调休上班")
        day += timedelta(days=1)
    return parts


def explain(
    *,
    triggered_at: datetime,
    trigger_verb: str,
    duration: int,
    unit: str,
    due_at: datetime,
    calendar=None,
    pauses: tuple[Pause, ...] = (),
) -> str:
    """Explain a due time in Chinese, e.g.
    "2026-09-30 收到；10月1日至7日国庆节休息；10月10日（星期六）调休上班；第5个工作日为10月13日，截止10月13日24时".
    """
    trigger = timezone.localtime(triggered_at, LEGAL_TZ)
    if unit == HOURS:
        due = timezone.localtime(due_at, LEGAL_TZ)
        parts = [f"{trigger:%Y-%m-%d %H:%M} {trigger_verb}", f"{duration}小时内"]
        parts += [_pause_text(pause, unit, calendar) for pause in pauses]
        return "；".join(parts) + f"，截止{due.year}年{due.month}月{due.day}日{due.hour}时{due.minute:02d}分"

    start, due_day = trigger.date(), local_date(due_at)
    parts = [f"{start:%Y-%m-%d} {trigger_verb}"]
    if workdays.day_name(start, calendar=calendar):
        kind, name = workdays.day_name(start, calendar=calendar)
        parts[0] += f"（{name}{'休息' if kind == workdays.HOLIDAY else '调休上班'}日，当日不计入）"
    parts += _exception_runs(start + timedelta(days=1), due_day, calendar)
    unpublished = sorted(
        {
            year
            for year in range(start.year, due_day.year + 1)
            if workdays.is_provisional(date(year, 1, 1), calendar=calendar)
        }
    )
    if unpublished:
        years = "、".join(f"{year}年" for year in unpublished)
        parts.append(f"{years}节假日安排尚未公布，暂按周末休息推算（暂定）")
    parts += [_pause_text(pause, unit, calendar) for pause in pauses]
    if unit == WORKING_DAYS and not pauses:
        parts.append(f"第{duration}个工作日为{month_day(due_day, start.year)}")
    elif unit == CALENDAR_DAYS and not pauses:
        nth = start + timedelta(days=duration)
        if nth == due_day:
            parts.append(f"第{duration}日为{month_day(nth, start.year)}")
        else:
            exception = workdays.day_name(nth, calendar=calendar)
            reason = f"{exception[1]}休息" if exception else f"{weekday(nth)}休息"
            parts.append(
                f"第{duration}日为{month_day(nth, start.year)}（{reason}），顺延至{month_day(due_day, start.year)}"
            )
    return "；".join(parts) + f"，截止{month_day(due_day, start.year)}24时"


def _pause_text(pause: Pause, unit: str, calendar) -> str:
    paused, resumed = local_date(pause.paused_at), local_date(pause.resumed_at)
    if unit == HOURS:
        hours = (pause.resumed_at - pause.paused_at).total_seconds() / 3600
        return f"中止计时{hours:g}小时"
    if unit == WORKING_DAYS:
        days = workdays.working_days_between(paused, resumed, calendar=calendar)
        return f"{paused:%Y-%m-%d}至{resumed:%Y-%m-%d}中止计时，顺延{days}个工作日"
    return f"{paused:%Y-%m-%d}至{resumed:%Y-%m-%d}中止计时，顺延{(resumed - paused).days}日"
