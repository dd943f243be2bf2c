"""The sweep: remind before a clock runs out, mark it overdue when it has, escalate when it stays overdue.

Runs every minute from Celery beat (`sweep_deadlines_task`) and from `manage.py sweep_deadlines`. Correctness does
not depend on row locks (SQLite has none to skip): every claim is a conditional UPDATE that only the first
runner wins, and every event and notification has a unique key, so a second run, or a second worker at the same
moment, finds nothing left to do and sends nothing twice.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership
from agencies.people import members_in_role, supervisors_over
from notifications.services import Message, notify

from . import workdays
from .clocks import reminder_times, second_escalation_at
from .models import Deadline, DeadlineEvent

BATCH = 1000


@dataclass
class SweepResult:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0


def sweep(now: datetime | None = None) -> SweepResult:
    """Do everything that has fallen due by `now`; return how many clocks each step handled."""
    now = now or timezone.now()
    workdays.refresh()
    # Overdue first: a clock that has run out gets the overdue notice, not a stale reminder.
    overdue = _mark_overdue(now)
    return SweepResult(reminded=_remind(now), overdue=overdue, escalated=_escalate(now))


def _claim_overdue(ids: list[int], now: datetime) -> list[int]:
    """Move still-open, past-due clocks to overdue; return the ids this call moved.

    One conditional UPDATE … RETURNING (PostgreSQL, and SQLite since 3.35): a concurrent runner that read the same
    ids gets none of them back. django-fsm is bypassed on purpose, for a set-based claim.
    """
    table = Deadline._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, overdue_at = %s, escalation_step = 1, next_reminder_at = NULL "  # noqa: S608 - only placeholders are interpolated
            f"WHERE id IN ({placeholders}) AND state = %s AND due_at < %s RETURNING id",
            [Deadline.State.OVERDUE, now, *ids, Deadline.State.OPEN, now],
        )
        return [row[0] for row in cursor.fetchall()]


def _mark_overdue(now: datetime) -> int:
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                # Due at 23:59:59 means the whole of that second still counts ("截止…24时").
                Deadline.objects.filter(state=Deadline.State.OPEN, due_at__lt=now)
                .order_by("due_at")
                .values_list("id", flat=True)[:BATCH]
            )
            claimed = _claim_overdue(ids, now) if ids else []
            if claimed:
                deadlines = list(Deadline.objects.filter(id__in=claimed).select_related("rule", "agency"))
                for deadline in deadlines:
                    deadline.next_escalation_at = second_escalation_at(deadline)
                Deadline.objects.bulk_update(deadlines, ["next_escalation_at"])
                _record(deadlines, DeadlineEvent.Kind.OVERDUE, step=1, now=now)
                _tell_heads_and_supervisors(deadlines, step=1, now=now)
                total += len(claimed)
        if len(ids) < BATCH:
            return total


def _remind(now: datetime) -> int:
    total = 0
    due = Deadline.objects.filter(state=Deadline.State.OPEN, next_reminder_at__lte=now).select_related(
        "rule", "agency"
    )
    for deadline in due.order_by("next_reminder_at")[: BATCH * 10]:
        times = reminder_times(deadline)
        passed = [moment for moment in times if moment <= now]
        upcoming = [moment for moment in times if moment > now]
        step = len(passed)  # only the latest passed reminder is sent: an earlier one would be stale
        with transaction.atomic():
            claimed = Deadline.objects.filter(
                pk=deadline.pk, state=Deadline.State.OPEN, next_reminder_at=deadline.next_reminder_at
            ).update(next_reminder_at=upcoming[0] if upcoming else None, reminder_step=step)
            if not claimed or not step:
                continue
            _record([deadline], DeadlineEvent.Kind.REMINDED, step=step, now=now)
            handlers = members_in_role([deadline.agency_id], Membership.Role.HANDLER)
            notify(
                [
                    _message(deadline, user_id, kind="reminder", step=step)
                    for user_id in handlers.get(deadline.agency_id, ())
                ],
                now=now,
            )
            total += 1
    return total


def _escalate(now: datetime) -> int:
    total = 0
    due = Deadline.objects.filter(state=Deadline.State.OVERDUE, next_escalation_at__lte=now).select_related(
        "rule", "agency"
    )
    for deadline in due.order_by("next_escalation_at")[: BATCH * 10]:
        with transaction.atomic():
            claimed = Deadline.objects.filter(
                pk=deadline.pk, state=Deadline.State.OVERDUE, next_escalation_at=deadline.next_escalation_at
            ).update(next_escalation_at=None, escalation_step=2)
            if not claimed:
                continue
            _record([deadline], DeadlineEvent.Kind.ESCALATED, step=2, now=now)
            _tell_heads_and_supervisors([deadline], step=2, now=now)
            total += 1
    return total


def _record(deadlines: list[Deadline], kind: str, *, step: int, now: datetime) -> None:
    DeadlineEvent.objects.bulk_create(
        [DeadlineEvent(deadline=d, kind=kind, at=now, step=step, new_due_at=d.due_at) for d in deadlines],
        ignore_conflicts=True,
    )


def _tell_heads_and_supervisors(deadlines: list[Deadline], *, step: int, now: datetime) -> None:
    agency_ids = {deadline.agency_id for deadline in deadlines}
    heads = members_in_role(agency_ids, Membership.Role.HEAD)
    supervisors = supervisors_over(agency_ids)
    kind = "overdue" if step == 1 else "escalation"
    notify(
        [
            _message(deadline, user_id, kind=kind, step=step)
            for deadline in deadlines
            for user_id in heads.get(deadline.agency_id, set()) | supervisors.get(deadline.agency_id, set())
        ],
        now=now,
    )


TITLES = {
    "reminder": "【时限提醒】{rule}",
    "overdue": "【逾期督办】{rule}",
    "escalation": "【再次督办】{rule}",
}
BODIES = {
    "reminder": "{agency}：“{rule}”将于{due}到期，请及时办理。",
    "overdue": "{agency}：“{rule}”已于{due}逾期未办结，请督促办理。",
    "escalation": "{agency}：“{rule}”自{due}逾期，已超过{days}个工作日仍未办结，请督办。",
}


def _message(deadline: Deadline, user_id: int, *, kind: str, step: int) -> Message:
    due = timezone.localtime(deadline.due_at, timezone.get_default_timezone())
    fields = {
        "rule": f"{deadline.rule.code} {deadline.rule.name}",
        "agency": deadline.agency.name,
        "due": f"{due.year}年{due.month}月{due.day}日{due.hour}时{due.minute:02d}分",
        "days": settings.DEADLINE_SECOND_ESCALATION_WORKING_DAYS,
    }
    return Message(
        recipient_id=user_id,
        # One message per clock, kind, step and due time: a recomputed due time is a new occasion.
        key=f"deadline:{deadline.pk}:{kind}:{step}:{deadline.due_at:%Y%m%d%H%M}",
        title=TITLES[kind].format(**fields),
        body=BODIES[kind].format(**fields),
        url=reverse("deadlines:detail", args=[deadline.pk]),
        content_type_id=ContentType.objects.get_for_model(Deadline).pk,
        object_id=deadline.pk,
    )
