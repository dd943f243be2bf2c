"""What awaits a person in the joint meetings, for 我的待办: items to sign, submit, compile or decide on, and the
acting agency's open decisions with their clocks (shaped like cases.todo's tasks, which dashboards merges)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.board import ClockView, clock_view

from .models import AgendaItem, Assignment, Body
from .workflows import MEMBER_ROLES, OFFICE_ROLES, R, roles_in


@dataclass(frozen=True)
class Task:
    label: str
    title: str
    url: str
    clock: ClockView | None


def tasks_for(user, agency, *, now=None) -> list[Task]:
    """The meeting steps `user` may take for `agency` now, the least time left first (a fixed number of queries)."""
    if agency is None:
        return []
    now = now or timezone.now()
    roles = roles_in(user, agency.pk)
    S = AgendaItem.State
    tasks = []
    mine = AgendaItem.objects.filter(agency=agency)
    if R.HEAD in roles:
        for item in mine.filter(state__in=[S.DRAFT, S.RETURNED]):
            tasks.append(Task(_("Sign the agenda item"), item.title, item.get_absolute_url(), None))
    if roles & MEMBER_ROLES:
        for item in mine.filter(state=S.SIGNED):
            tasks.append(
                Task(_("Submit the agenda item to the office"), item.title, item.get_absolute_url(), None)
            )
    if roles & OFFICE_ROLES:
        for item in AgendaItem.objects.filter(body__office=agency, state=S.SUBMITTED).select_related(
            "agency"
        ):
            tasks.append(
                Task(_("Put on a meeting's draft agenda"), f"{item.agency.name}：{item.title}",
                     item.get_absolute_url(), None)
            )  # fmt: skip
    deciding = Q(office_head=user)  # the office head (a convener's deputy director) decides too
    if R.HEAD in roles:
        deciding |= Q(convener=agency)
    for item in AgendaItem.objects.filter(
        state=S.COMPILED, body__in=Body.objects.filter(deciding)
    ).select_related("agency"):
        tasks.append(
            Task(
                _("Decide on the agenda item"),
                f"{item.agency.name}：{item.title}",
                item.get_absolute_url(),
                None,
            )
        )
    if roles & MEMBER_ROLES:
        for assignment in Assignment.objects.filter(
            agency=agency, state=Assignment.State.OPEN
        ).select_related("decision", "clock__rule"):
            decision = assignment.decision
            clock = clock_view(assignment.clock, now=now) if assignment.clock_id else None
            tasks.append(
                Task(
                    _("Carry out the meeting's decision"),
                    decision.text[:60],
                    decision.get_absolute_url(),
                    clock,
                )
            )
    return sorted(tasks, key=lambda task: (task.clock is None, task.clock and task.clock.deadline.due_at))
