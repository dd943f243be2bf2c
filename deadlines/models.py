from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .querysets import DeadlineQuerySet


class WorkCalendar(models.Model):
    """A working-day calendar. The national one is the default; a region may layer its own days over it."""

    NATIONAL = "national"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.OneToOneField(
        "agencies.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_calendar",
        help_text=_(
            "Leave empty for the national calendar. A region's calendar adds its own days to its parent's."
        ),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent calendar"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Bumped by every edit (deadlines/calendar.py); each process's cache compares it before trusting its copy.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        verbose_name = _("working-day calendar")
        verbose_name_plural = _("working-day calendars")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def root(self) -> "WorkCalendar":
        """The national calendar this one is layered on (itself if it is one): the one that publishes years."""
        calendar = self
        while calendar.parent_id is not None:
            calendar = calendar.parent
        return calendar


class CalendarDay(models.Model):
    """An exception to the Monday-Friday week: a statutory holiday, or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Statutory holiday (法定节假日)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 国庆节"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendarday_unique_date")]

    def __str__(self):
        return f"{self.date} {self.name} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holiday schedule has been published. Dates in unpublished years are provisional."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("published year")
        verbose_name_plural = _("published years")
        ordering = ["calendar", "-year"]
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="calendaryear_unique_year")]

    def __str__(self):
        return f"{self.calendar} {self.year}"


class DeadlineRule(models.Model):
    """A statutory time limit (domain.md §2.2), as data. Edits apply to deadlines started afterwards."""

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("days")
        HOURS = "hours", _("hours")

    class Side(models.TextChoices):
        SENDER = "sender", _("Referring agency (移送方)")
        RECEIVER = "receiver", _("Receiving agency (接收方)")
        AGENCY = "agency", _("Administrative enforcement agency (行政执法机关)")
        POLICE = "police", _("Public security organ (公安机关)")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    duration = models.PositiveIntegerField(_("duration"))
    unit = models.CharField(_("unit"), max_length=15, choices=Unit.choices)
    trigger_verb = models.CharField(
        _("trigger verb"),
        max_length=20,
        help_text=_("How the explanation names the trigger, e.g. 收到, 批准, 决定受理."),
    )
    acting_side = models.CharField(_("who must act"), max_length=10, choices=Side.choices)
    legal_source = models.TextField(_("legal source"))
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Switched off, the rule starts no new clock; the steps it belongs to go on without one."),
    )

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Deadline(ConcurrentTransitionMixin, models.Model):
    """A running statutory clock on an object of another app, for the agency that must act.

    State changes go through deadlines/clocks.py; the sweep (deadlines/sweep.py) moves open clocks to overdue with
    conditional updates.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        OVERDUE = "overdue", _("Overdue")
        CANCELLED = "cancelled", _("Cancelled")

    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    rule = models.ForeignKey(
        DeadlineRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="deadlines"
    )
    # The rule's duration and unit when the clock started: later edits of the rule do not move it.
    duration = models.PositiveIntegerField(_("duration"))
    unit = models.CharField(_("unit"), max_length=15, choices=DeadlineRule.Unit.choices)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("acting agency"), on_delete=models.PROTECT, related_name="deadlines"
    )
    calendar = models.ForeignKey(WorkCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT)
    triggered_at = models.DateTimeField(_("triggered at"))
    # The clock of a confidential matter (a suspected crime): supervisors see the clock, its rule, agency and due
    # time (they watch every clock), but not what it concerns.
    confidential = models.BooleanField(_("confidential"), default=False, db_default=False, editable=False)
    due_at = models.DateTimeField(_("due at"))
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The due date falls in a year whose holidays are not published."),
    )
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, protected=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue at"), null=True, blank=True)
    next_reminder_at = models.DateTimeField(_("next reminder at"), null=True, blank=True)
    reminder_step = models.PositiveSmallIntegerField(_("reminder step"), default=0)
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)
    escalation_step = models.PositiveSmallIntegerField(_("escalation step"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at"]
        indexes = [
            # The sweep: open clocks whose due time has passed.
            models.Index(fields=["due_at"], condition=models.Q(state="open"), name="deadline_open_due"),
            # The sweep: open clocks whose next reminder is due.
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(state="open", next_reminder_at__isnull=False),
                name="deadline_reminder_due",
            ),
            # The sweep: overdue clocks waiting for their second escalation.
            models.Index(
                fields=["next_escalation_at"],
                condition=models.Q(state="overdue", next_escalation_at__isnull=False),
                name="deadline_escalation_due",
            ),
            # 我的待办 and the supervisors' board: an agency's running clocks by time left. The board counts them
            # from the index alone (rule, state and calendar included: no visit to the table).
            models.Index(
                fields=["agency", "due_at"],
                include=["rule", "state", "calendar"],
                condition=models.Q(state__in=["open", "paused", "overdue"]),
                name="deadline_running_by_agency",
            ),
            # The clocks of one object (a referral's page).
            models.Index(fields=["content_type", "object_id"], name="deadline_target"),
            # The board's daily figures (deadlines/daily.py) and its lists of the clocks behind a figure.
            models.Index(fields=["due_at", "agency"], name="deadline_due_agency"),
        ]
        constraints = [
            # One running clock per object, rule and acting agency, even if a workflow step runs twice at once.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule", "agency"],
                condition=models.Q(state__in=["open", "paused", "overdue"]),
                name="deadline_one_running_per_target_rule",
            ),
        ]

    def __str__(self):
        # In the time zone the pages show (stored in UTC, it read 15:59 for a limit of 23:59 in China).
        return f"{self.rule.code} · {self.agency} · {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("deadlines:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.state in {self.State.OPEN, self.State.PAUSED, self.State.OVERDUE}

    @transition(field=state, source=State.OPEN, target=State.PAUSED)
    def pause(self, *, at):
        self.paused_at = at

    @transition(field=state, source=State.PAUSED, target=State.OPEN)
    def resume(self):
        self.paused_at = None

    @transition(field=state, source=[State.OPEN, State.OVERDUE], target=State.MET)
    def meet(self, *, at):
        self.met_at = at
        self.next_reminder_at = None
        self.next_escalation_at = None

    @transition(field=state, source=[State.OPEN, State.PAUSED, State.OVERDUE], target=State.CANCELLED)
    def cancel(self, *, at):
        self.cancelled_at = at
        self.next_reminder_at = None
        self.next_escalation_at = None


class DeadlineEvent(models.Model):
    """The history of a clock: what happened, when, by whom, and how its due time moved."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("Cancelled")
        RECOMPUTED = "recomputed", _("Due date recomputed")
        REMINDED = "reminded", _("Reminder sent")
        OVERDUE = "overdue", _("Marked overdue")
        ESCALATED = "escalated", _("Escalated")
        REOPENED = "reopened", _("Running again")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT
    )
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    old_due_at = models.DateTimeField(_("old due time"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("new due time"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("deadline event")
        verbose_name_plural = _("deadline events")
        ordering = ["at", "id"]
        constraints = [
            # The sweep records each reminder, overdue mark and escalation once per step and due time, however
            # often it runs and on however many workers.
            models.UniqueConstraint(
                fields=["deadline", "kind", "step", "new_due_at"],
                condition=models.Q(kind__in=["reminded", "overdue", "escalated"]),
                name="deadlineevent_sweep_once",
            ),
        ]

    def __str__(self):
        return f"{self.deadline_id} {self.get_kind_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class ClockDay(models.Model):
    """The clocks of one agency and rule that fell due on one day, counted by outcome: the supervisors' board and
    statistics read these few rows instead of the clocks themselves (deadlines/daily.py keeps them current)."""

    day = models.DateField(_("due day"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.CASCADE, related_name="+")
    due = models.PositiveIntegerField(_("due"), default=0)  # every clock due that day but the cancelled ones
    met_in_time = models.PositiveIntegerField(_("met in time"), default=0)
    met_late = models.PositiveIntegerField(_("met late"), default=0)
    overdue = models.PositiveIntegerField(_("overdue, not met"), default=0)
    pending = models.PositiveIntegerField(_("running, not yet due"), default=0)
    # Working days from the trigger day to the day the act was done, summed over the met clocks (for averages).
    met_working_days = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("clocks of a day")
        verbose_name_plural = _("clocks of a day")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "rule"], name="clockday_unique_group"),
        ]
        indexes = [models.Index(fields=["agency", "day"], name="clockday_agency_day")]

    def __str__(self):
        return f"{self.day} {self.agency_id} {self.rule_id}: {self.due}"


class ClockDayStale(models.Model):
    """A group of ClockDay whose clocks changed since it was counted; written in the transaction of the change,
    taken and counted again by the sweep."""

    day = models.DateField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "rule"], name="clockdaystale_unique_group"),
        ]

    def __str__(self):
        return f"{self.day} {self.agency_id} {self.rule_id}"
