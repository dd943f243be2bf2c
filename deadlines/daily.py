"""The board's daily figures: for each day, agency and rule, how the clocks that fell due that day stand.

The supervisors' board must answer from a few hundred rows, not from a million clocks. Every clock change marks
its group (due day, agency, rule) stale in the transaction of the change (the clocks_changed signal, which also
says where a moved clock was due before); the sweep counts the stale groups again from that day's clocks (index
on due_at), a batch at a time. A change and its stale mark commit together, so no change is ever left uncounted;
counting runs under one lock, so an older count never overwrites a newer one.
"""

from datetime import date, datetime, time

from django.db import connection, transaction
from django.db.models import Q

from . import workdays
from .due import LEGAL_TZ, end_of, local_date
from .models import ClockDay, ClockDayStale, Deadline

BATCH = 2000
# pg_advisory_xact_lock key of the counting (any constant unique in this database).
LOCK_KEY = 7_311_950_001
COUNTS = ("met_in_time", "met_late", "overdue", "pending", "met_working_days")


def on_clocks_changed(sender, *, deadline_ids, previous_due=None, **kwargs) -> None:
    """Mark the groups of the changed clocks stale: where they are due now and, for moved ones, where they were."""
    previous_due = previous_due or {}
    groups = set()
    for pk, due_at, agency_id, rule_id in Deadline.objects.filter(id__in=deadline_ids).values_list(
        "id", "due_at", "agency_id", "rule_id"
    ):
        groups.add((local_date(due_at), agency_id, rule_id))
        if pk in previous_due:
            groups.add((local_date(previous_due[pk]), agency_id, rule_id))
    mark_stale(groups)


def mark_stale(groups) -> None:
    ClockDayStale.objects.bulk_create(
        [ClockDayStale(day=day, agency_id=agency_id, rule_id=rule_id) for day, agency_id, rule_id in groups],
        ignore_conflicts=True,
    )


def refresh() -> int:
    """Count every stale group again; return how many groups were counted."""
    total = 0
    while True:
        with transaction.atomic():
            _lock()
            # By day: a batch then covers few days (the counting reads those days' clocks).
            stale = list(
                ClockDayStale.objects.order_by("day", "agency_id", "rule_id").values_list(
                    "id", "day", "agency_id", "rule_id"
                )[:BATCH]
            )
            ClockDayStale.objects.filter(id__in=[row[0] for row in stale]).delete()
            _count({(day, agency_id, rule_id) for _, day, agency_id, rule_id in stale})
            total += len(stale)
        if len(stale) < BATCH:
            return total


def _lock() -> None:
    # SQLite's write transaction (IMMEDIATE, see settings) already excludes every other writer.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _count(groups: set[tuple[date, int, int]]) -> None:
    """Count the groups again from their days' clocks: one query for all of them (a range per run of days)."""
    if not groups:
        return
    counts = {group: dict.fromkeys(COUNTS, 0) for group in groups}
    days = Q()
    for first, last in _runs(sorted({day for day, _, _ in groups})):
        days |= Q(due_at__gte=datetime.combine(first, time.min, tzinfo=LEGAL_TZ), due_at__lte=end_of(last))
    clocks = (
        Deadline.objects.filter(days, agency_id__in={agency_id for _, agency_id, _ in groups})
        .exclude(state=Deadline.State.CANCELLED)
        .values_list("agency_id", "rule_id", "state", "due_at", "met_at", "triggered_at", "calendar_id")
    )
    for agency_id, rule_id, state, due_at, met_at, triggered_at, calendar_id in clocks.iterator(
        chunk_size=5000
    ):
        group = counts.get((local_date(due_at), agency_id, rule_id))
        if group is None:
            continue  # a group of the same days that is not stale
        if state == Deadline.State.MET:
            group["met_in_time" if met_at <= due_at else "met_late"] += 1
            group["met_working_days"] += workdays.working_days_between(
                local_date(triggered_at), local_date(met_at), calendar=calendar_id
            )
        elif state == Deadline.State.OVERDUE:
            group["overdue"] += 1
        else:  # open or paused (an open one past due is marked overdue by this same sweep)
            group["pending"] += 1
    rows, emptied = [], Q()
    for (day, agency_id, rule_id), values in counts.items():
        due = values["met_in_time"] + values["met_late"] + values["overdue"] + values["pending"]
        if due:
            rows.append(ClockDay(day=day, agency_id=agency_id, rule_id=rule_id, due=due, **values))
        else:
            emptied |= Q(day=day, agency_id=agency_id, rule_id=rule_id)
    ClockDay.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["day", "agency", "rule"],
        update_fields=["due", *COUNTS],
        batch_size=1000,
    )
    if emptied:
        ClockDay.objects.filter(emptied).delete()


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, last), …]."""
    runs = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
