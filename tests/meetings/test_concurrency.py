"""Two clicks at the same moment on real connections: one notice, one completion; the other gets the 409 error."""

from datetime import timedelta

import time_machine
from django.utils import timezone
from django_fsm import ConcurrentTransition

from documents.models import Document
from meetings import workflows
from meetings.models import Assignment, Meeting, Progress
from tests.concurrency import run_concurrently, transactional

from .conftest import at
from .helpers import held, plan


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
    from datetime import date

    with time_machine.travel(
        at(2026, 11, 23, 10)
    ):  # before the helpers' meeting day, whenever the suite runs
        meeting = held(body, cast, [agency, member_agency])
        workflows.meeting_record_minutes(
            actor=cast["office_clerk"],
            meeting=meeting,
            summary="纪要",
            decisions=[{"text": "整改", "agencies": [agency], "due_date": date(2027, 1, 8)}],
        )
    assignment, key = Assignment.objects.get(), uuid.uuid4()

    def report():
        return workflows.assignment_report(
            actor=cast["insider"], assignment=assignment, text="已起草整改方案", submission_key=key
        ).pk

    first, second = run_concurrently(report)
    assert first == second
    assert Progress.objects.count() == 1
