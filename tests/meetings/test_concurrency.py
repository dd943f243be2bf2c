"""Two clicks at the same moment on real connections: one notice, one completion; the other gets the 409 error."""

from datetime import timedelta

from django.utils import timezone
from django_fsm import ConcurrentTransition

from deadlines.models import Deadline
from documents.models import Document
from meetings import workflows
from meetings.models import Assignment, Meeting, Progress
from tests.concurrency import run_concurrently, transactional

from .helpers import minuted, plan


@transactional
def test_two_offices_sending_the_notice_at_once_give_one_notice(body, cast):
    meeting = plan(body, cast["office_clerk"], when=timezone.now() + timedelta(days=14))

    def send():
        return workflows.meeting_notify(actor=cast["office_clerk"], meeting=meeting, seen_state="planned")

    outcomes = run_concurrently(send)
    assert sum(isinstance(outcome, Meeting) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, ConcurrentTransition) for outcome in outcomes) == 1
    assert Document.objects.filter(kind=Document.Kind.CIRCULAR).count() == 1


@transactional
def test_one_progress_report_sent_twice_at_once_is_kept_once(body, cast, agency, member_agency):
    import uuid

    minuted(body, cast, [agency, member_agency], assigned=[agency])
    assignment, key = Assignment.objects.get(), uuid.uuid4()

    def report():
        return workflows.assignment_report(
            actor=cast["insider"], assignment=assignment, text="已起草整改方案", submission_key=key
        ).pk

    first, second = run_concurrently(report)
    assert first == second
    assert Progress.objects.count() == 1


@transactional
def test_completing_a_share_while_a_notice_on_its_clock_is_half_way_waits_for_the_notice(
    body, cast, agency, member_agency
):
    """A supervision notice on a share's clock J1 locks the decision the clock runs on first
    (deadlines.clocks.lock_target), then the clock: completing the share must take them in the same order, or
    the two deadlock (PostgreSQL aborts one)."""

    from deadlines.models import Deadline
    from tests.concurrency import a_notice_half_way_on

    minuted(body, cast, [agency, member_agency], assigned=[agency])
    assignment = Assignment.objects.get()
    clock = Deadline.objects.get(pk=assignment.clock_id)

    with a_notice_half_way_on(clock):
        workflows.assignment_complete(actor=cast["insider"], assignment=assignment, text="已整改")
    assert Deadline.objects.get(pk=clock.pk).state == Deadline.State.MET


@transactional
def test_two_offices_issuing_the_minutes_at_once_give_one_minutes_and_one_clock(
    body, cast, agency, member_agency
):
    from meetings.models import Decision

    from .helpers import held, in_twenty_working_days

    meeting = held(body, cast, [agency, member_agency])

    def issue():
        return workflows.meeting_record_minutes(
            actor=cast["office_clerk"],
            meeting=meeting,
            summary="纪要",
            decisions=[{"text": "整改", "agencies": [agency], "due_date": in_twenty_working_days(agency)}],
            seen_state="held",
        )

    outcomes = run_concurrently(issue)
    assert sum(isinstance(outcome, Meeting) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, ConcurrentTransition) for outcome in outcomes) == 1
    assert Document.objects.filter(kind=Document.Kind.MINUTES).count() == 1
    assert Decision.objects.count() == Assignment.objects.count() == 1
    assert Deadline.objects.filter(rule__code="J1").count() == 1
