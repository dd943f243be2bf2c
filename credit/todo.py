"""What awaits a person in credit, for 我的待办: records to approve or publish, repair applications to decide, and
memo parts to sign for or execute, with their clocks (shaped like cases.todo's tasks, which dashboards merges)."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.board import ClockView, clock_view

from .models import CreditRecord, MemoExecution, RepairApplication
from .workflows import HANDLER, HEAD, LIAISON, roles_in


@dataclass(frozen=True)
class Task:
    label: str
    title: str
    url: str
    clock: ClockView | None


def tasks_for(user, agency, *, now=None) -> list[Task]:
    """The credit steps `user` may take for `agency` now (a fixed number of queries)."""
    if agency is None:
        return []
    now = now or timezone.now()
    roles = roles_in(user, agency)
    tasks = []
    records = CreditRecord.objects.filter(agency=agency).select_related("entity", "rule")
    if HEAD in roles:
        for record in records.filter(state=CreditRecord.State.DRAFT).exclude(created_by=user):
            tasks.append(
                Task(_("Approve the credit record"), _title(record), record.get_absolute_url(), None)
            )
        for application in RepairApplication.objects.filter(
            record__agency=agency, state=RepairApplication.State.SUBMITTED
        ).select_related("record__entity", "record__rule"):
            record = application.record
            tasks.append(
                Task(_("Decide on the credit repair"), _title(record), record.get_absolute_url(), None)
            )
    if roles & {HANDLER, HEAD}:
        for record in records.filter(state=CreditRecord.State.APPROVED):
            tasks.append(
                Task(_("Publish the credit record"), _title(record), record.get_absolute_url(), None)
            )
    if roles & {HANDLER, HEAD, LIAISON}:
        parts = MemoExecution.objects.filter(agency=agency).exclude(state=MemoExecution.State.EXECUTED)
        for part in parts.select_related("memo", "clock__rule"):
            if part.state == MemoExecution.State.SENT:
                label = _("Sign for the joint punishment memo")
            elif roles & {HANDLER, HEAD}:
                label = _("Report the memo's execution")
            else:
                continue
            clock = clock_view(part.clock, now=now) if part.clock_id and part.clock.is_running else None
            tasks.append(Task(label, part.memo.title, part.memo.get_absolute_url(), clock))
    return tasks


def _title(record: CreditRecord) -> str:
    return f"{record.entity.name} · {record.rule.code} {record.rule.description}"
