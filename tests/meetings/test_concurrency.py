"""Two clicks at the same moment on real connections: one notice, one completion; the other gets the 409 error."""

from datetime import timedelta

from django.utils import timezone
from django_fsm import ConcurrentTransition

from documents.models import Document
from meetings import workflows
from meetings.models import Meeting
from tests.concurrency import run_concurrently, transactional

from .helpers import plan


@transactional
def test_two_offices_sending_the_notice_at_once_give_one_notice(body, cast):
    meeting = plan(body, cast["office_clerk"], when=timezone.now() + timedelta(days=14))

    def send():
        return workflows.meeting_notify(actor=cast["office_clerk"], meeting=meeting, seen_state="planned")

    outcomes = run_concurrently(send)
    assert sum(isinstance(outcome, Meeting) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, ConcurrentTransition) for outcome in outcomes) == 1
    assert Document.objects.filter(kind=Document.Kind.CIRCULAR).count() == 1
