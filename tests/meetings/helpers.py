"""Shortcuts to bring a meeting to a given point through the workflows (the tests' own setup)."""

import uuid
from datetime import timedelta

import time_machine
from django.utils import timezone

from deadlines import workdays
from deadlines.clocks import calendar_for
from meetings import services, workflows

from .conftest import at


def draft(body, agency, by, title="评标专家抽取管理问题"):
    return services.item_draft(
        actor=by, body=body, agency=agency, title=title, description="近期多个项目评标专家重复抽取，请研究。"
    )


def plan(body, by, *, kind="plenary", title="2026年下半年联席会议全体会议", when=None, **kwargs):
    return services.meeting_plan(
        actor=by,
        body=body,
        kind=kind,
        title=title,
        starts_at=when or at(2026, 12, 10, 9),
        place="县政务中心三楼会议室",
        submission_key=uuid.uuid4(),
        **kwargs,
    )


def held(body, cast, agencies):
    """A meeting (no agenda items) planned and notified two days ago for yesterday, and recorded as held now,
    whatever day the test runs on: a meeting is recorded as held from its day on."""
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        meeting = plan(body, cast["office_clerk"], when=timezone.now() + timedelta(days=1))
        workflows.meeting_notify(actor=cast["office_clerk"], meeting=meeting)
    return workflows.meeting_hold(
        actor=cast["office_clerk"], meeting=meeting, attendance=[(agency, True, "") for agency in agencies]
    )


def in_twenty_working_days(agency):
    """A due date a decision may have whatever day the test runs on: a working day (30 calendar days from a
    Wednesday fall on a weekend), and after today."""
    return workdays.add_working_days(timezone.localdate(), 20, calendar=calendar_for(agency).pk)


def minuted(body, cast, agencies, *, assigned):
    """A meeting held with `agencies` present, its minutes issued with one decision for `assigned`, due in twenty
    working days whatever day the test runs on."""
    meeting = held(body, cast, agencies)
    return workflows.meeting_record_minutes(
        actor=cast["office_clerk"],
        meeting=meeting,
        summary="纪要",
        decisions=[{"text": "整改", "agencies": assigned, "due_date": in_twenty_working_days(assigned[0])}],
    )
