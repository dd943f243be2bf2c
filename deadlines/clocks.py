"""Start, meet, cancel, pause and resume clocks: the only way other apps touch deadlines.

Call these inside the caller's transaction (the referral that is sent meets one clock and starts the next).
Each locks its row, checks the transition, saves (django-fsm's ConcurrentTransitionMixin makes a concurrent
second transition fail instead of repeating), and records a DeadlineEvent.
"""

import logging
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency

from . import workdays
from .due import CALENDAR_DAYS, LEGAL_TZ, Pause, compute_due, explain, local_date
from .models import Deadline, DeadlineEvent, DeadlineRule, WorkCalendar
from .signals import clocks_changed

logger = logging.getLogger(__name__)


def calendar_for(agency: Agency) -> WorkCalendar:
    """The calendar of the agency's region (the nearest region up the tree that has one), else the national one."""
    region = agency.region
    while region is not None:
        calendar = WorkCalendar.objects.filter(region=region).first()
        if calendar is not None:
            return calendar
        region = region.parent
    return WorkCalendar.objects.get(code=WorkCalendar.NATIONAL)


def pauses_of(deadline: Deadline) -> tuple[Pause, ...]:
    """The completed pauses of a clock, from its history."""
    pauses, paused_at = [], None
    for kind, at in (
        deadline.events.filter(kind__in=["paused", "resumed"]).order_by("at", "id").values_list("kind", "at")
    ):
        if kind == "paused":
            paused_at = at
        elif paused_at is not None:
            pauses.append(Pause(paused_at, at))
            paused_at = None
    return tuple(pauses)


def due_of(deadline: Deadline, *, extra_pause: Pause | None = None) -> tuple[datetime, bool]:
    """Recompute a clock's due time and provisional flag from its trigger, rule snapshot and pauses."""
    pauses = pauses_of(deadline) + ((extra_pause,) if extra_pause else ())
    return compute_due(
        triggered_at=deadline.triggered_at,
        duration=deadline.duration,
        unit=deadline.unit,
        calendar=deadline.calendar_id,
        pauses=pauses,
    )


def explanation(deadline: Deadline) -> str:
    """The clock's due time explained in Chinese."""
    return explain(
        triggered_at=deadline.triggered_at,
        trigger_verb=deadline.rule.trigger_verb,
        duration=deadline.duration,
        unit=deadline.unit,
        due_at=deadline.due_at,
        calendar=deadline.calendar_id,
        pauses=pauses_of(deadline),
    )


def reminder_times(deadline: Deadline) -> list[datetime]:
    """When to remind the acting agency (settings.DEADLINE_REMINDERS), after the trigger and before the due time."""
    zone = LEGAL_TZ
    due_day = local_date(deadline.due_at)
    times = set()
    for working_days_before, at in settings.DEADLINE_REMINDERS:
        day = workdays.add_working_days(due_day, -working_days_before, calendar=deadline.calendar_id)
        moment = datetime.combine(day, at, tzinfo=zone)
        if deadline.triggered_at < moment < deadline.due_at:
            times.add(moment)
    return sorted(times)


def second_escalation_at(*, due_at: datetime, calendar_id: int) -> datetime:
    """09:00 of the N-th working day after the due day (settings.DEADLINE_SECOND_ESCALATION_WORKING_DAYS)."""
    day = workdays.add_working_days(
        local_date(due_at), settings.DEADLINE_SECOND_ESCALATION_WORKING_DAYS, calendar=calendar_id
    )
    return datetime.combine(day, time(9, 0), tzinfo=LEGAL_TZ)


def next_reminder(deadline: Deadline, after: datetime) -> tuple[datetime | None, int]:
    """The first reminder after `after`, and its step number (1-based position in reminder_times)."""
    for step, moment in enumerate(reminder_times(deadline), start=1):
        if moment > after:
            return moment, step
    return None, 0


def lock_target(deadline: Deadline) -> None:
    """Lock the row of the object `deadline` runs on (a lead, a referral), as that object's own workflows lock it.

    Call it first where a clock is acted on from outside those workflows (a supervision notice on it). They lock
    their object, then take the audit head (issuing their letter), then meet the clock: code that took the clock
    first and the head after could hold the clock while a workflow holds the head and waits for the clock."""
    model = ContentType.objects.get_for_id(deadline.content_type_id).model_class()
    list(model.objects.select_for_update().filter(pk=deadline.object_id).values_list("pk", flat=True))


def _locked(deadline: Deadline) -> Deadline:
    # of=("self",): joined rows (the rule) are read, not locked; locking them would make every step on any clock
    # of one rule wait for the others, and cross with the audit head into deadlocks.
    return Deadline.objects.select_for_update(of=("self",)).select_related("rule").get(pk=deadline.pk)


@transaction.atomic
def deadline_start(
    *,
    actor=None,
    rule: str | DeadlineRule,
    target,
    agency: Agency,
    triggered_at: datetime | None = None,
    confidential: bool = False,
    until: date | None = None,
) -> Deadline | None:
    """Start the clock of `rule` (a code or a rule) on `target` for `agency`, counting from `triggered_at`.

    If that clock is already running it is returned unchanged. A rule the administrator switched off starts none
    (None): the step it belongs to goes on without that clock. Records a STARTED event. The rule's duration and unit are copied, so later edits of the rule do not move it.
    `until` replaces them where a person set the day in a document (a supervision notice's target date, a
    decision's due date in the minutes): the clock ends with that day, counted in days from the trigger, so a
    change of the calendar moves it only if that very day stops being a working day (to the next one).
    """
    if isinstance(rule, str):
        rule = DeadlineRule.objects.get(code=rule)
    if not rule.is_active:
        logger.info("Deadline rule %s is switched off: no clock started on %r.", rule.code, target)
        return None
    existing = running_for(target, rule.code).filter(agency=agency).first()
    if existing is not None:
        return existing  # a retried or repeated workflow step does not start a second clock
    triggered_at = triggered_at or timezone.now()
    calendar = calendar_for(agency)
    if until is None:
        duration, unit = rule.duration, rule.unit
    else:
        duration, unit = (until - local_date(triggered_at)).days, CALENDAR_DAYS
    due_at, provisional = compute_due(
        triggered_at=triggered_at, duration=duration, unit=unit, calendar=calendar.pk
    )
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        rule=rule,
        duration=duration,
        unit=unit,
        agency=agency,
        calendar=calendar,
        triggered_at=triggered_at,
        due_at=due_at,
        provisional=provisional,
        confidential=confidential,
    )
    deadline.next_reminder_at, deadline.reminder_step = next_reminder(deadline, triggered_at)
    deadline.save()
    DeadlineEvent.objects.create(
        deadline=deadline, kind="started", at=triggered_at, actor=actor, new_due_at=due_at
    )
    clocks_changed.send(sender=Deadline, deadline_ids=[deadline.pk])
    return deadline


@transaction.atomic
def deadline_meet(*, actor=None, deadline: Deadline, at: datetime | None = None) -> Deadline:
    """Stop an open or overdue clock because the required act was done. Records MET (late if past due)."""
    deadline = _locked(deadline)
    at = at or timezone.now()
    deadline.meet(at=at)
    deadline.save()
    late = "逾期办结" if at > deadline.due_at else ""
    DeadlineEvent.objects.create(deadline=deadline, kind="met", at=at, actor=actor, note=late)
    clocks_changed.send(sender=Deadline, deadline_ids=[deadline.pk])
    return deadline


@transaction.atomic
def deadline_cancel(*, actor=None, deadline: Deadline, reason: str, at: datetime | None = None) -> Deadline:
    """Stop a clock that no longer applies (the case was withdrawn or forwarded). Records CANCELLED with reason."""
    deadline = _locked(deadline)
    at = at or timezone.now()
    deadline.cancel(at=at)
    deadline.save()
    DeadlineEvent.objects.create(deadline=deadline, kind="cancelled", at=at, actor=actor, note=reason)
    clocks_changed.send(sender=Deadline, deadline_ids=[deadline.pk])
    return deadline


@transaction.atomic
def deadline_pause(*, actor, deadline: Deadline, reason: str, at: datetime | None = None) -> Deadline:
    """Stop the clock (e.g. waiting for the sender to complete the materials). Records PAUSED with reason."""
    deadline = _locked(deadline)
    at = at or timezone.now()
    deadline.pause(at=at)
    deadline.next_reminder_at = None
    deadline.save()
    DeadlineEvent.objects.create(deadline=deadline, kind="paused", at=at, actor=actor, note=reason)
    clocks_changed.send(sender=Deadline, deadline_ids=[deadline.pk])
    return deadline


@transaction.atomic
def deadline_resume(*, actor, deadline: Deadline, at: datetime | None = None) -> Deadline:
    """Restart a paused clock; its due time moves by the working days (or days, hours) it was paused."""
    deadline = _locked(deadline)
    at = at or timezone.now()
    old_due, pause = deadline.due_at, Pause(deadline.paused_at, at)
    deadline.resume()
    deadline.due_at, deadline.provisional = due_of(deadline, extra_pause=pause)
    deadline.next_reminder_at, deadline.reminder_step = next_reminder(deadline, at)
    deadline.save()
    DeadlineEvent.objects.create(
        deadline=deadline, kind="resumed", at=at, actor=actor, old_due_at=old_due, new_due_at=deadline.due_at
    )
    clocks_changed.send(sender=Deadline, deadline_ids=[deadline.pk], previous_due={deadline.pk: old_due})
    return deadline


def running_for(target, rule_code: str | None = None):
    """The running clocks of an object, optionally of one rule."""
    clocks = Deadline.objects.running().filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    )
    return clocks.filter(rule__code=rule_code) if rule_code else clocks
