"""The sweep: remind before a clock runs out, mark it overdue when it has, escalate when it stays overdue.

Runs every minute from Celery beat (`sweep_deadlines_task`) and from `manage.py sweep_deadlines`. Correctness does
not depend on row locks (SQLite has none to skip): every claim is a conditional UPDATE … RETURNING that only the
first runner wins, and every event and notification has a unique key, so a second run, or a second worker at the
same moment, finds nothing left to do and sends nothing twice.

It is set-based because its busiest minute is heavy: at 00:00 every clock due the day before runs out at once.
A batch of 1,000 clocks costs a fixed handful of statements, whatever the number of clocks or recipients.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from notifications.services import notify

from . import daily, workdays
from .clocks import reminder_times, second_escalation_at
from .due import local_date
from .messages import Clock, clocks, to_handlers, to_heads_and_supervisors
from .models import Deadline, DeadlineEvent
from .signals import clocks_changed

logger = logging.getLogger(__name__)
BATCH = 1000
OPEN, OVERDUE = Deadline.State.OPEN, Deadline.State.OVERDUE


@dataclass
class SweepResult:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    recounted: int = 0  # the board's daily groups counted again (deadlines/daily.py)


def sweep(now: datetime | None = None) -> SweepResult:
    """Do everything that has fallen due by `now`; return how many clocks each step handled."""
    now = now or timezone.now()
    workdays.refresh()
    # Overdue first: a clock that has run out gets the overdue notice, not a stale reminder.
    overdue = _giving_way(_mark_overdue, now)
    result = SweepResult(
        reminded=_giving_way(_remind, now), overdue=overdue, escalated=_giving_way(_escalate, now)
    )
    result.recounted = daily.refresh()  # last: it counts what the steps above changed
    return result


# The sweep gives way to people. Its batches lock clocks and, through clocks_changed, rows of other apps (a lead's
# overdue mark) in the opposite order to a user's workflow, which locks its case first and its clocks after: one
# waiting for the other could deadlock, and PostgreSQL would then abort either. So the sweep waits for no row more
# than LOCK_TIMEOUT: the batch is rolled back whole and the next minute's sweep takes it again.
LOCK_TIMEOUT = "500ms"
LOCK_NOT_AVAILABLE = "55P03"


def _give_way() -> None:
    """Call first in each of the sweep's transactions (PostgreSQL; SQLite has one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [LOCK_TIMEOUT])


def _giving_way(step, now: datetime) -> int:
    """Run a step of the sweep; if it met a row held by someone else, leave what is left of it to the next sweep."""
    try:
        return step(now)
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
            raise
        logger.info(
            "The sweep gave way to a transaction holding a row (%s); the next sweep continues.", step.__name__
        )
        return 0


def _claim(ids: list[int], *, where: dict, set_: dict) -> list[int]:
    """UPDATE the rows among `ids` that still match `where`; return the ids this call changed.

    The conditional UPDATE … RETURNING (PostgreSQL, and SQLite since 3.35) is the claim: a concurrent runner that
    read the same rows gets none of them back. It bypasses django-fsm on purpose, to move sets of clocks at once.
    """
    if not ids:
        return []
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value

    def value(item):
        return adapt(item) if isinstance(item, datetime) else item

    assignments = ", ".join(f"{quote(column)} = %s" for column in set_)
    conditions = " AND ".join(
        f"{quote(column.removesuffix('__lt'))} {'<' if column.endswith('__lt') else '='} %s"
        for column in where
    )
    sql = (
        f"UPDATE {quote(Deadline._meta.db_table)} SET {assignments} "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND {conditions} RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [value(item) for item in set_.values()] + ids + [value(item) for item in where.values()]
        )
        return [row[0] for row in cursor.fetchall()]


def _record(ids: list[int], kind: str, *, step: int, now: datetime) -> None:
    """Write one event per clock (kind, step, due time); a second runner's copy is dropped by the unique index."""
    if not ids:
        return
    events, deadlines = DeadlineEvent._meta.db_table, Deadline._meta.db_table
    sql = (
        f"INSERT INTO {events} (deadline_id, kind, at, actor_id, step, old_due_at, new_due_at, note) "
        f"SELECT id, %s, %s, NULL, %s, NULL, due_at, '' FROM {deadlines} "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, connection.ops.adapt_datetimefield_value(now), step, *ids])


def _mark_overdue(now: datetime) -> int:
    total = 0
    while True:
        with transaction.atomic():
            _give_way()
            rows = list(
                # A clock is due until the last instant of its day (23:59:59.999999, "截止…24时").
                Deadline.objects.filter(state=OPEN, due_at__lt=now)
                .order_by("due_at")
                .values_list("id", "due_at", "calendar_id", "agency_id", "rule_id")[:BATCH]
            )
            claimed = []
            # The second escalation is planned in the claiming UPDATE: one statement per distinct time (clocks
            # due on the same day share one), and each row is written once.
            for moment, ids in _by_second_escalation(rows).items():
                claimed += _claim(
                    ids,
                    where={"state": OPEN, "due_at__lt": now},
                    set_={
                        "state": OVERDUE,
                        "overdue_at": now,
                        "escalation_step": 1,
                        "next_reminder_at": None,
                        "next_escalation_at": moment,
                    },
                )
            if claimed:
                _record(claimed, DeadlineEvent.Kind.OVERDUE, step=1, now=now)
                clocks_changed.send(sender=Deadline, deadline_ids=claimed)
                wanted = set(claimed)
                items = clocks([row for row in rows if row[0] in wanted])
                notify(to_heads_and_supervisors(items, kind="overdue", step=1), now=now)
                total += len(claimed)
        if len(rows) < BATCH:
            return total


def _by_second_escalation(rows) -> dict[datetime, list[int]]:
    """Group clock ids by the time of their second escalation, computed once per calendar and due day."""
    groups, computed = defaultdict(list), {}
    for pk, due_at, calendar_id, _agency_id, _rule_id in rows:
        day = (calendar_id, local_date(due_at))
        if day not in computed:
            computed[day] = second_escalation_at(due_at=due_at, calendar_id=calendar_id)
        groups[computed[day]].append(pk)
    return groups


def _remind(now: datetime) -> int:
    due = Deadline.objects.filter(state=OPEN, next_reminder_at__lte=now).select_related("rule", "agency")
    total = 0
    while batch := list(due.order_by("next_reminder_at")[:BATCH]):
        # Clocks that share their planned reminder, step and next reminder are claimed with one statement.
        groups: dict[tuple, list[Deadline]] = defaultdict(list)
        for deadline in batch:
            times = reminder_times(deadline)
            upcoming = [moment for moment in times if moment > now]
            step = len(times) - len(upcoming)  # the latest passed reminder; an earlier one would be stale
            groups[deadline.next_reminder_at, upcoming[0] if upcoming else None, step].append(deadline)
        with transaction.atomic():
            _give_way()
            for (planned, following, step), deadlines in groups.items():
                claimed = set(
                    _claim(
                        [deadline.pk for deadline in deadlines],
                        where={"state": OPEN, "next_reminder_at": planned},
                        set_={"next_reminder_at": following, "reminder_step": step},
                    )
                )
                if not step or not claimed:
                    continue
                _record(sorted(claimed), DeadlineEvent.Kind.REMINDED, step=step, now=now)
                items = [Clock.of(deadline) for deadline in deadlines if deadline.pk in claimed]
                notify(to_handlers(items, kind="reminder", step=step), now=now)
                total += len(items)
    return total


def _escalate(now: datetime) -> int:
    due = Deadline.objects.filter(state=OVERDUE, next_escalation_at__lte=now)
    total = 0
    while batch := list(due.order_by("next_escalation_at").values_list("id", "next_escalation_at")[:BATCH]):
        groups = defaultdict(list)
        for pk, planned in batch:
            groups[planned].append(pk)
        with transaction.atomic():
            _give_way()
            for planned, ids in groups.items():
                claimed = _claim(
                    ids,
                    where={"state": OVERDUE, "next_escalation_at": planned},
                    set_={"next_escalation_at": None, "escalation_step": 2},
                )
                _record(claimed, DeadlineEvent.Kind.ESCALATED, step=2, now=now)
                rows = Deadline.objects.filter(id__in=claimed).values_list(
                    "id", "due_at", "calendar_id", "agency_id", "rule_id"
                )
                notify(to_heads_and_supervisors(clocks(rows), kind="escalation", step=2), now=now)
                total += len(claimed)
    return total
