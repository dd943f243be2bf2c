"""Edit the working-day calendars: import a year from CSV, publish a year, change a day.

Every edit bumps the calendar's version (so that every process reloads it) and recomputes the due times of the
running clocks it affects, recording the old and new time on each.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify

from . import workdays
from .clocks import due_of, next_reminder, second_escalation_at
from .due import end_of
from .messages import Clock, to_heads_and_supervisors
from .models import CalendarDay, CalendarYear, Deadline, DeadlineEvent, WorkCalendar
from .signals import clocks_changed

HEADER = ["date", "kind", "name"]


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self):
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class CalendarError(Exception):
    pass


def check_publishable(*, calendar: WorkCalendar, year: int) -> None:
    """Raise CalendarError when `calendar` is a region's (only the national one publishes years, ADR 0006) or
    `year` has no holidays or make-up days entered in it."""
    if calendar.parent_id is not None:
        raise CalendarError(
            _(
                "Only the national calendar publishes a year: %(calendar)s adds its own days to it and follows its published years."
            )
            % {"calendar": calendar}
        )
    if not CalendarDay.objects.filter(calendar=calendar, date__year=year).exists():
        raise CalendarError(
            _(
                "%(year)d has no holidays entered yet: enter its days or import its CSV file before publishing it."
            )
            % {"year": year}
        )


class CalendarImportError(CalendarError):
    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def parse_calendar_csv(text: str) -> list[tuple[date, str, str]]:
    """Parse `date,kind,name` lines; raise CalendarImportError listing every bad line (numbered from 1)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [cell.strip() for cell in rows[0]] != HEADER:
        raise CalendarImportError([LineError(1, _("the first line must be the header: date,kind,name"))])
    errors, days, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            errors.append(
                LineError(number, _("expected 3 fields (date,kind,name), found %(n)d") % {"n": len(row)})
            )
            continue
        text_date, kind, name = (cell.strip() for cell in row)
        try:
            day = date.fromisoformat(text_date)
        except ValueError:
            errors.append(
                LineError(number, _("%(value)r is not a date like 2027-01-01") % {"value": text_date})
            )
            continue
        if kind not in (workdays.HOLIDAY, workdays.WORKDAY):
            errors.append(
                LineError(number, _("kind must be holiday or workday, not %(value)r") % {"value": kind})
            )
            continue
        if not name or len(name) > 50:
            errors.append(LineError(number, _("give the holiday's name (at most 50 characters)")))
            continue
        if kind == workdays.WORKDAY and day.weekday() < 5:
            errors.append(
                LineError(
                    number,
                    _("%(day)s is a weekday; a make-up working day is a Saturday or Sunday") % {"day": day},
                )
            )
            continue
        if day in seen:
            first_line, first = seen[day]
            if first == (kind, name):
                errors.append(LineError(number, _("duplicate of line %(line)d") % {"line": first_line}))
            else:
                errors.append(
                    LineError(
                        number, _("%(day)s is already on line %(line)d") % {"day": day, "line": first_line}
                    )
                )
            continue
        seen[day] = (number, (kind, name))
        days.append((day, kind, name))
    if errors:
        raise CalendarImportError(errors)
    if not days:
        raise CalendarImportError([LineError(2, _("the file has no days"))])
    return days


def years_of_file(days, named: list[int] | None) -> list[int]:
    """The years a file is for: those named, or else the one it has the most days of.

    A State Council notice for one year also lists the days of the year before that its New Year break takes
    (2023-12-30 and 31 in the notice for 2024): the notice is not for that year, which must be neither replaced
    nor published by it."""
    counts = Counter(day.year for day, _kind, _name in days)
    if named:
        if missing := sorted(set(named) - set(counts)):
            raise CalendarError(
                _("The file has no day of %(years)s.") % {"years": "、".join(map(str, missing))}
            )
        return sorted(set(named))
    most = max(counts.values())
    years = [year for year, count in counts.items() if count == most]
    if len(years) > 1:
        raise CalendarError(
            _("The file has as many days of %(years)s: name the years it is for (--year).")
            % {"years": "、".join(map(str, sorted(years)))}
        )
    return years


@transaction.atomic
def calendar_import(
    *,
    actor=None,
    calendar: WorkCalendar,
    text: str,
    source: str,
    years: list[int] | None = None,
    now: datetime | None = None,
):
    """Replace the calendar's days of the years the CSV text is for (years_of_file) and publish those years; enter
    its days of other years one by one, leaving those years' other days and their publication as they were. A
    region's calendar takes the days but publishes nothing: the national calendar publishes years (ADR 0006).

    All or nothing: a bad line rejects the whole file. Returns the years imported and the clocks recomputed.
    """
    now = now or timezone.now()
    days = parse_calendar_csv(text)
    years = years_of_file(days, years)
    CalendarDay.objects.filter(calendar=calendar, date__year__in=years).delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar=calendar, date=day, kind=kind, name=name)
            for day, kind, name in days
            if day.year in years
        ]
    )
    for day, kind, name in days:
        if day.year not in years:
            CalendarDay.objects.update_or_create(
                calendar=calendar, date=day, defaults={"kind": kind, "name": name}
            )
    for year in years if calendar.parent_id is None else []:
        CalendarYear.objects.update_or_create(
            calendar=calendar,
            year=year,
            defaults={"published_at": now, "published_by": actor, "source": source},
        )
    reason = _("%(years)s calendar imported from %(source)s") % {
        "years": "、".join(map(str, years)),
        "source": source,
    }
    touched = sorted({day.year for day, _kind, _name in days})
    recomputed = _calendar_changed(calendar, touched, reason=reason, now=now)
    return years, recomputed


@transaction.atomic
def calendar_year_publish(
    *, actor, calendar: WorkCalendar, year: int, source: str = "admin", now: datetime | None = None
) -> int:
    """Publish a year as it stands (its holidays entered in the admin). Returns the clocks recomputed.

    Refuses a year with no days entered: publishing it would turn its provisional clocks final on weekends only.
    """
    now = now or timezone.now()
    check_publishable(calendar=calendar, year=year)
    CalendarYear.objects.update_or_create(
        calendar=calendar, year=year, defaults={"published_at": now, "published_by": actor, "source": source}
    )
    return _calendar_changed(
        calendar, [year], reason=_("%(year)d calendar published") % {"year": year}, now=now
    )


@transaction.atomic
def calendar_day_save(*, actor, day: CalendarDay, now: datetime | None = None) -> int:
    """Save an added or edited exception day. Returns the clocks recomputed."""
    now = now or timezone.now()
    previous = (
        CalendarDay.objects.filter(pk=day.pk).values_list("date", flat=True).first() if day.pk else None
    )
    day.full_clean()
    day.save()
    reason = _("%(day)s changed to %(kind)s") % {"day": day.date, "kind": day.get_kind_display()}
    years = sorted({day.date.year, previous.year if previous else day.date.year})
    return _calendar_changed(day.calendar, years, reason=reason, now=now)


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay, now: datetime | None = None) -> int:
    """Remove an exception day (it becomes an ordinary day). Returns the clocks recomputed."""
    now = now or timezone.now()
    calendar, year, text = day.calendar, day.date.year, str(day.date)
    day.delete()
    return _calendar_changed(calendar, [year], reason=_("%(day)s removed") % {"day": text}, now=now)


def _calendar_changed(calendar: WorkCalendar, years: list[int], *, reason: str, now: datetime) -> int:
    WorkCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1)
    workdays.clear_cache()
    transaction.on_commit(workdays.clear_cache)
    return recompute_running(calendar=calendar, years=years, reason=reason, now=now)


def recompute_running(*, calendar: WorkCalendar, years: list[int], reason: str, now: datetime) -> int:
    """Recompute the due time of every running clock that counts days of `years` in `calendar` or a calendar
    layered on it; record old and new time on each that moved. Returns how many moved.

    The rows are locked first (PostgreSQL; SQLite's IMMEDIATE transaction already excludes other writers), so a
    sweep running meanwhile waits instead of marking a clock overdue under a due time that is being replaced. An
    overdue clock that the new calendar gives more time runs again, and those told it was late are told so.
    """
    calendars = _with_children(calendar)
    first, last = min(years), max(years)
    affected = Deadline.objects.running().filter(calendar_id__in=calendars).exclude(unit="hours")
    affected = affected.filter(
        Q(provisional=True)
        | Q(triggered_at__lt=end_of(date(last, 12, 31)), due_at__gte=end_of(date(first - 1, 12, 31)))
    )
    moved, reopened = {}, []
    for deadline in affected.select_related("rule", "agency").select_for_update(of=("self",)):
        old_due = deadline.due_at
        new_due, provisional = due_of(deadline)
        if new_due == old_due and provisional == deadline.provisional:
            continue
        deadline.due_at = new_due  # reminders are computed from the new due time
        changes = {"due_at": new_due, "provisional": provisional}
        if deadline.state == Deadline.State.OVERDUE and new_due > now:
            changes |= {"state": Deadline.State.OPEN, "overdue_at": None, "next_escalation_at": None}
            changes["escalation_step"] = 0
            reopened.append(deadline)
        elif deadline.state == Deadline.State.OVERDUE and deadline.escalation_step == 1:
            # Still late, but the second escalation counts from the due day, which moved.
            changes["next_escalation_at"] = second_escalation_at(
                due_at=new_due, calendar_id=deadline.calendar_id
            )
        if changes.get("state", deadline.state) == Deadline.State.OPEN:
            changes["next_reminder_at"], changes["reminder_step"] = next_reminder(deadline, now)
        Deadline.objects.filter(pk=deadline.pk).update(**changes)  # locked above: nothing else changed it
        DeadlineEvent.objects.create(
            deadline=deadline, kind="recomputed", at=now, old_due_at=old_due, new_due_at=new_due, note=reason
        )
        moved[deadline.pk] = old_due
    if moved:
        clocks_changed.send(sender=Deadline, deadline_ids=list(moved), previous_due=moved)
    if reopened:
        DeadlineEvent.objects.bulk_create(
            [
                DeadlineEvent(deadline=d, kind="reopened", at=now, new_due_at=d.due_at, note=reason)
                for d in reopened
            ]
        )
        notify(to_heads_and_supervisors([Clock.of(d) for d in reopened], kind="reopened", step=0), now=now)
    return len(moved)


def _with_children(calendar: WorkCalendar) -> set[int]:
    found, level = {calendar.pk}, {calendar.pk}
    while level:
        level = set(WorkCalendar.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found
