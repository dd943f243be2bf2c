"""A lead's overdue mark follows its clocks and its referrals' clocks (cases/overdue.py), and the case list's
"overdue only" filter, which reads the mark, still lists exactly the leads with an overdue clock the user may see."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from cases.models import Lead
from cases.overdue import overdue_mark_all
from cases.workflows import referral_receive, referral_return
from deadlines.clocks import deadline_meet, deadline_start, running_for
from deadlines.models import Deadline
from deadlines.sweep import sweep
from tests.concurrency import in_another_transaction, someone_waits_for_a_lock, transactional
from tests.factories import AgencyFactory, MembershipFactory, lead_without_parties

from .test_referral import send

pytestmark = pytest.mark.django_db


def marked(lead) -> bool:
    return Lead.objects.get(pk=lead.pk).overdue


def listed_overdue(client) -> list[str]:
    response = client.get(reverse("cases:list"), {"overdue": "on"})
    return [row["project__name"] for row in response.context["page"].rows]


def test_the_sweep_marks_a_lead_overdue_and_meeting_its_clock_clears_the_mark(lead):
    clock = running_for(lead, "L2").get()
    sweep(clock.due_at - timedelta(minutes=1))
    assert not marked(lead)
    sweep(clock.due_at + timedelta(minutes=1))
    assert marked(lead)
    deadline_meet(deadline=clock)  # referred late
    assert not marked(lead)


def test_a_referrals_clock_marks_its_lead_until_the_receiver_decides(
    approved, insider, other_agency, receiver_handler, receiver_head
):
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    clock = running_for(referral, "L3").get()
    assert not marked(approved)  # its own L2 was met when it was sent
    sweep(clock.due_at + timedelta(minutes=1))
    assert Deadline.objects.get(pk=clock.pk).state == Deadline.State.OVERDUE
    assert marked(approved)
    referral_return(actor=receiver_head, referral=referral, reasons="不属本部门职责。")  # meets L3, late
    assert not marked(approved)


def test_the_overdue_filter_counts_only_the_referrals_the_user_may_see(
    client_for, approved, insider, other_agency, receiver_handler, receiver_head, region
):
    # Returned by the first receiver, then sent to a third agency, whose clock runs out: the lead is overdue at a
    # referral the first receiver does not see.
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral_return(actor=receiver_head, referral=referral, reasons="不属本部门职责。")
    third = AgencyFactory(region=region, name="宣恩县水利和湖泊局", doc_prefix="宣水")
    third_handler = MembershipFactory(agency=third, role="handler").user
    onward = send(approved, insider, third)
    sweep(running_for(onward, "L3").get().due_at + timedelta(minutes=1))
    assert marked(approved)
    assert listed_overdue(client_for(insider)) == [approved.project.name]
    assert listed_overdue(client_for(third_handler)) == [approved.project.name]
    assert listed_overdue(client_for(receiver_handler)) == []  # it sees the lead, not where it went next


def test_marking_every_lead_from_the_clocks_agrees_with_the_signal(lead, agency, insider):
    other = lead_without_parties(agency, insider, name="另一项目")
    sweep(running_for(lead, "L2").get().due_at + timedelta(minutes=1))
    deadline_meet(deadline=running_for(other, "L2").get())
    Lead.objects.update(overdue=False)  # as clocks loaded without the engine would leave them
    Lead.objects.filter(pk=other.pk).update(overdue=True)
    overdue_mark_all()
    assert (marked(lead), marked(other)) == (True, False)


def test_the_migration_marks_the_leads_overdue_when_it_runs(approved, insider, agency, other_agency):
    migration = import_module("cases.migrations.0008_lead_overdue_mark")
    unreferred, in_time = (
        lead_without_parties(agency, insider, name="另一项目"),
        lead_without_parties(agency, insider, name="按时项目"),
    )
    deadline_meet(deadline=running_for(in_time, "L2").get())
    referral = send(approved, insider, other_agency)
    sweep(
        running_for(referral, "L3").get().due_at + timedelta(minutes=1)
    )  # the unreferred lead's L2 long before
    Lead.objects.update(overdue=False)  # as the column was added
    migration.mark_overdue_leads(apps, None)
    assert (marked(approved), marked(unreferred), marked(in_time)) == (True, True, False)


@transactional
def test_a_clock_met_while_another_runs_out_leaves_the_lead_marked(lead, agency, monkeypatch):
    """A handler meets one overdue clock of a lead while the sweep marks another clock of the same lead overdue:
    each transaction changes its clock before the other commits. The mark must end up set (one clock is overdue),
    not cleared by the handler's transaction reading the other clock as it was."""
    # The sweep waits for the handler here, however slow the machine.
    monkeypatch.setattr("deadlines.sweep.LOCK_TIMEOUT", "20s")
    first = running_for(lead, "L2").get()
    second = deadline_start(rule="L3", target=lead, agency=agency, triggered_at=first.due_at)
    assert second.due_at > first.due_at
    sweep(first.due_at + timedelta(minutes=1))
    assert marked(lead)
    # The handler's transaction commits once the sweep waits for it (for the lead's mark; without that lock,
    # for this clock, having read it as still overdue), or is done.
    with in_another_transaction(lambda: deadline_meet(deadline=first), commit_when=someone_waits_for_a_lock):
        # There the mark now reads false: the second clock still looks open.
        assert sweep(second.due_at + timedelta(minutes=1)).overdue == 1
    assert Deadline.objects.get(pk=first.pk).state == Deadline.State.MET
    assert Deadline.objects.get(pk=second.pk).state == Deadline.State.OVERDUE
    assert marked(lead)


@transactional
def test_a_calendar_change_does_not_wait_for_a_workflow_holding_a_lead(lead, agency):
    """The calendar's recompute holds the clocks it moves and recomputes their leads' marks; a workflow holds its
    lead and then wants its clock. The mark's lock is not the lead's row, so the two do not deadlock: the
    calendar change goes through while the lead is held, and the workflow after it."""
    from deadlines.calendar import recompute_running
    from deadlines.models import WorkCalendar

    clock = running_for(lead, "L2").get()
    Deadline.objects.filter(pk=clock.pk).update(provisional=True)  # so that the recompute takes it
    # A workflow's transaction holds the lead, as every lead workflow does first.
    with (
        in_another_transaction(lambda: Lead.objects.select_for_update().get(pk=lead.pk)),
        transaction.atomic(),
    ):
        connection.cursor().execute(
            "SET LOCAL lock_timeout = '5s'"
        )  # fail, not hang, if it waits for the row
        recompute_running(
            calendar=WorkCalendar.objects.get(pk=clock.calendar_id),
            years=[clock.due_at.year],
            reason="测试",
            now=clock.triggered_at,
        )
