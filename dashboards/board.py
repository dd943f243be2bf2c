"""The figures of the supervisors' board (督办看板), for one scope (dashboards/scope.py) and one period.

Nothing here reads all the clocks: running clocks come through their partial index (there are few of them next to
the finished ones), outcomes over a period from the daily figures the sweep keeps (deadlines.daily), referral
decisions through their own indexes. Each part is one grouped query, whatever the number of agencies or clocks.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncWeek

from cases.models import Lead, Referral
from deadlines import workdays
from deadlines.due import LEGAL_TZ, end_of, local_date
from deadlines.models import ClockDay, Deadline, DeadlineRule, WorkCalendar

from .models import SupervisionNotice
from .periods import Period
from .scope import Scope

# How late an overdue clock is, in working days: "at most 1" (also a clock of hours that ran out today), 2-3 …
BANDS = ((0, 1), (2, 3), (4, 5), (6, 10), (11, None))
BUCKETS = ("overdue", "due_today", "due_soon", "later", "paused")
TREND_WEEKS = 12


@dataclass
class Open:
    """Running clocks by how pressing they are."""

    overdue: int = 0
    due_today: int = 0
    due_soon: int = 0  # due on the next working day
    later: int = 0
    paused: int = 0
    late: list[int] = field(default_factory=lambda: [0] * len(BANDS))  # overdue ones by band of BANDS

    @property
    def total(self) -> int:
        return self.overdue + self.due_today + self.due_soon + self.later + self.paused

    def add(self, bucket: str, count: int, band: int | None) -> None:
        setattr(self, bucket, getattr(self, bucket) + count)
        if band is not None:
            self.late[band] += count


@dataclass
class Outcome:
    """The clocks that fell due in a period, by how they stand."""

    met_in_time: int = 0
    met_late: int = 0
    overdue: int = 0
    pending: int = 0
    met_working_days: int = 0

    def add(self, row: dict) -> None:
        for name in ("met_in_time", "met_late", "overdue", "pending", "met_working_days"):
            setattr(self, name, getattr(self, name) + (row[name] or 0))

    @property
    def decided(self) -> int:
        return self.met_in_time + self.met_late + self.overdue

    @property
    def late(self) -> int:
        return self.met_late + self.overdue

    @property
    def rate(self) -> float | None:
        """The on-time rate: met in time out of those met or overdue (None before any fell due)."""
        return self.met_in_time / self.decided if self.decided else None

    @property
    def average_working_days(self) -> float | None:
        met = self.met_in_time + self.met_late
        return self.met_working_days / met if met else None


@dataclass
class AgencyFigures:
    agency: object
    open: Open = field(default_factory=Open)
    outcome: Outcome = field(default_factory=Outcome)
    returned: int = 0
    forwarded: int = 0
    needs_designation: int = 0

    @property
    def quiet(self) -> bool:
        """Nothing to show: no running clock, none due in the period, no referral returned or forwarded."""
        outcome = self.outcome
        return not (
            self.open.total
            or outcome.decided
            or outcome.pending
            or self.returned
            or self.forwarded
            or self.needs_designation
        )


@dataclass
class RuleFigures:
    rule_id: int
    code: str
    name: str
    open: Open = field(default_factory=Open)
    outcome: Outcome = field(default_factory=Outcome)


@dataclass
class Week:
    start: date
    outcome: Outcome


@dataclass
class Board:
    scope: Scope
    period: Period
    today: date
    agencies: list[AgencyFigures]
    rules: list[RuleFigures]
    weeks: list[Week]
    total_open: Open
    total_outcome: Outcome
    notices: list  # open supervision notices (督办通知) on the scope's clocks, the nearest target date first


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LEGAL_TZ)


def classify(*, state: str, day: date, today: date, calendar_id: int) -> tuple[str, int | None]:
    """The bucket of a running clock due on `day`, and for an overdue one its band in BANDS."""
    if state == Deadline.State.PAUSED:
        return "paused", None
    if state == Deadline.State.OVERDUE or day < today:
        late = workdays.working_days_between(day, today, calendar=calendar_id)
        return "overdue", next(n for n, (low, high) in enumerate(BANDS) if high is None or late <= high)
    if day == today:
        return "due_today", None
    if day <= workdays.add_working_days(today, 1, calendar=calendar_id):
        return "due_soon", None
    return "later", None


def bucket_condition(bucket: str, today: date, band: int | None = None) -> Q:
    """The clocks of `bucket` (and band) as a condition on running clocks: what classify() says, in SQL, so that
    the list behind a figure holds exactly the clocks counted."""
    overdue = Q(state=Deadline.State.OVERDUE) | Q(state=Deadline.State.OPEN, due_at__lt=start_of(today))
    if bucket == "running":
        return Q()
    if bucket == "paused":
        return Q(state=Deadline.State.PAUSED)
    if bucket == "overdue":
        if band is None:
            return overdue
        return overdue & _lateness(today, *BANDS[band])
    on_time = Q(state=Deadline.State.OPEN, due_at__gte=start_of(today))
    if bucket == "due_today":
        return on_time & Q(due_at__lte=end_of(today))
    by_calendar = Q()
    for calendar_id in WorkCalendar.objects.values_list("id", flat=True):
        tomorrow = end_of(workdays.add_working_days(today, 1, calendar=calendar_id))
        limit = (
            Q(due_at__gt=end_of(today), due_at__lte=tomorrow)
            if bucket == "due_soon"
            else Q(due_at__gt=tomorrow)
        )
        by_calendar |= Q(calendar_id=calendar_id) & limit
    return on_time & by_calendar


def _lateness(today: date, low: int, high: int | None) -> Q:
    """Due days that are between `low` and `high` working days before today, in each calendar."""
    condition = Q()
    for calendar_id in WorkCalendar.objects.values_list("id", flat=True):
        # The latest day at least `low` working days back, and the earliest at most `high` back.
        latest = today
        while workdays.working_days_between(latest, today, calendar=calendar_id) < low:
            latest -= timedelta(days=1)
        days = Q(due_at__lte=end_of(latest))
        if high is not None:
            earliest = latest
            while (
                workdays.working_days_between(earliest - timedelta(days=1), today, calendar=calendar_id)
                <= high
            ):
                earliest -= timedelta(days=1)
            days &= Q(due_at__gte=start_of(earliest))
        condition |= Q(calendar_id=calendar_id) & days
    return condition


def board(scope: Scope, period: Period, *, now: datetime) -> Board:
    today = local_date(now)
    agencies = {agency.pk: AgencyFigures(agency) for agency in scope.agencies}
    rules: dict[int, RuleFigures] = {}
    total_open, total_outcome = Open(), Outcome()

    def rule(rule_id, code, name) -> RuleFigures:
        return rules.setdefault(rule_id, RuleFigures(rule_id, code, name))

    # From the running clocks' index alone (deadline_running_by_agency); the rules' names apart (a small table).
    running = (
        Deadline.objects.running()
        .filter(agency_id__in=scope.ids)
        .annotate(day=TruncDate("due_at", tzinfo=LEGAL_TZ))
        .values_list("agency_id", "rule_id", "state", "day", "calendar_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    names = {pk: (code, name) for pk, code, name in DeadlineRule.objects.values_list("id", "code", "name")}
    # Thousands of groups share a few hundred (state, day, calendar): classify each of those once, add up by
    # (agency, rule, bucket, band), then fill the figures.
    buckets, sums = {}, defaultdict(int)
    for agency_id, rule_id, state, day, calendar_id, count in running:
        key = (state, day, calendar_id)
        if key not in buckets:
            buckets[key] = classify(state=state, day=day, today=today, calendar_id=calendar_id)
        sums[agency_id, rule_id, *buckets[key]] += count
    for (agency_id, rule_id, bucket, band), count in sums.items():
        for figures in (agencies[agency_id].open, rule(rule_id, *names[rule_id]).open, total_open):
            figures.add(bucket, count, band)

    sums = {name: Sum(name) for name in ("met_in_time", "met_late", "overdue", "pending", "met_working_days")}
    in_period = (
        ClockDay.objects.filter(agency_id__in=scope.ids, day__range=(period.start, period.end))
        .values("agency_id", "rule_id", "rule__code", "rule__name")
        .annotate(**sums)
        .order_by()
    )
    for row in in_period:
        for figures in (
            agencies[row["agency_id"]].outcome,
            rule(row["rule_id"], row["rule__code"], row["rule__name"]).outcome,
            total_outcome,
        ):
            figures.add(row)

    first_week = period.end - timedelta(days=period.end.weekday() + 7 * (TREND_WEEKS - 1))
    weeks = {first_week + timedelta(weeks=n): Outcome() for n in range(TREND_WEEKS)}
    for row in (
        ClockDay.objects.filter(agency_id__in=scope.ids, day__range=(first_week, period.end))
        .values(week=TruncWeek("day"))
        .annotate(**sums)
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        weeks[week].add(row)

    decisions = (
        Referral.objects.filter(
            receiver_id__in=scope.ids,
            state__in=[Referral.State.RETURNED, Referral.State.FORWARDED],
            decided_at__range=(period.first_instant, period.last_instant),
        )
        .values("receiver_id", "state")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in decisions:
        figures = agencies[row["receiver_id"]]
        if row["state"] == Referral.State.RETURNED:
            figures.returned += row["count"]
        else:
            figures.forwarded += row["count"]
    for agency_id, count in (
        Lead.objects.filter(agency_id__in=scope.ids, needs_designation=True)
        .values_list("agency_id")
        .annotate(count=Count("id"))
        .order_by()
    ):
        agencies[agency_id].needs_designation = count

    notices = list(
        SupervisionNotice.objects.filter(agency_id__in=scope.ids)
        .open()
        .select_related("deadline__rule", "agency")
        .order_by("target_date", "id")
    )
    return Board(
        scope=scope,
        period=period,
        today=today,
        agencies=list(agencies.values()),
        rules=sorted(rules.values(), key=lambda figures: figures.code),
        weeks=[Week(start, outcome) for start, outcome in weeks.items()],
        total_open=total_open,
        total_outcome=total_outcome,
        notices=notices,
    )
