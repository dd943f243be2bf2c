"""How a running clock looks to the people who must act: time left in working days, and a colour."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import workdays
from .due import HOURS, local_date
from .models import Deadline

GREEN, AMBER, RED, GREY = "success", "warning", "danger", "secondary"


@dataclass(frozen=True)
class ClockView:
    deadline: Deadline
    working_days_left: int
    urgency: str  # a Bootstrap colour: green, amber within one working day, red overdue, grey paused
    hours_left: int | None = (
        None  # for hour rules (24小时), whose time left is counted in hours; late: negative
    )

    @property
    def is_overdue(self) -> bool:
        return self.urgency == RED

    @property
    def working_days_late(self) -> int:
        return max(-self.working_days_left, 0)

    @property
    def label(self) -> str:
        """What the badge says: 剩 3 个工作日, 逾期 1 个工作日, 按时完成 … (built here, not in the template: lists
        show dozens of badges)."""
        state = self.deadline.state
        if state == Deadline.State.MET:
            return _("Met late") if self.is_overdue else _("Met in time")
        if state == Deadline.State.CANCELLED:
            return _("Cancelled")
        if state == Deadline.State.PAUSED:
            return _("Paused")
        if self.is_overdue:
            if self.hours_left is not None:
                hours = -self.hours_left
                return ngettext("%(hours)s hour late", "%(hours)s hours late", hours) % {"hours": hours}
            if not (
                days := self.working_days_late
            ):  # late since a Friday or a holiday's eve, or since this morning
                return _("Overdue")
            return ngettext("%(days)s working day late", "%(days)s working days late", days) % {"days": days}
        if self.hours_left is not None:
            hours = self.hours_left
            return ngettext("%(hours)s hour left", "%(hours)s hours left", hours) % {"hours": hours}
        if self.working_days_left == 0:
            return _("Due today")
        days = self.working_days_left
        return ngettext("%(days)s working day", "%(days)s working days", days) % {"days": days}


def clock_view(deadline: Deadline, *, now: datetime) -> ClockView:
    """How `deadline` looks at `now`. It reads state, due_at, met_at, unit and calendar_id only, so a row of those
    values (values_list(named=True)) serves as well as a Deadline where a page shows many badges."""
    if deadline.state == Deadline.State.MET:  # done: green if in time, red if late
        return ClockView(deadline, 0, GREEN if deadline.met_at <= deadline.due_at else RED)
    if deadline.state == Deadline.State.CANCELLED:
        return ClockView(deadline, 0, GREY)
    today, due_day = local_date(now), local_date(deadline.due_at)
    if deadline.state == Deadline.State.PAUSED:
        return ClockView(deadline, 0, GREY)
    if deadline.state == Deadline.State.OVERDUE or deadline.due_at < now:
        late = workdays.working_days_between(due_day, today, calendar=deadline.calendar_id)
        hours_late = (
            math.ceil((now - deadline.due_at) / timedelta(hours=1)) if deadline.unit == HOURS else None
        )
        return ClockView(deadline, -late, RED, None if hours_late is None else -max(hours_late, 1))
    left = workdays.working_days_between(today, due_day, calendar=deadline.calendar_id)
    hours = math.ceil((deadline.due_at - now) / timedelta(hours=1)) if deadline.unit == HOURS else None
    return ClockView(deadline, left, AMBER if left <= 1 else GREEN, hours)


def board_for(agency, *, now: datetime | None = None) -> list[ClockView]:
    """The agency's running clocks, the least time left first."""
    now = now or timezone.now()
    clocks = Deadline.objects.running().filter(agency=agency).select_related("rule").order_by("due_at")
    return [clock_view(deadline, now=now) for deadline in clocks]
