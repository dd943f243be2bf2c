"""我的待办: each person's meeting steps, and the acting agency's open decisions ordered by their clocks."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from meetings import workflows
from meetings.todo import tasks_for

from .conftest import at
from .helpers import draft, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        yield


def labels(user, agency):
    with translation.override("en"):
        return [str(task.label) for task in tasks_for(user, agency)]


def test_each_step_awaits_the_right_person(body, cast, agency, coordinator, convener):
    item = draft(body, agency, cast["insider"])
    assert labels(cast["colleague"], agency) == ["Sign the agenda item"]
    assert labels(cast["insider"], agency) == []
    workflows.item_sign(actor=cast["colleague"], item=item)
    assert labels(cast["insider"], agency) == ["Submit the agenda item to the office"]
    workflows.item_submit(actor=cast["insider"], item=item)
    assert labels(cast["office_clerk"], coordinator) == ["Put on a meeting's draft agenda"]
    workflows.item_compile(actor=cast["office_clerk"], item=item, meeting=plan(body, cast["office_clerk"]))
    assert labels(cast["convener_head"], convener) == ["Decide on the agenda item"]
    assert labels(cast["outsider"], agency) == []


def test_open_decisions_come_first_by_their_clock(body, cast, agency, member_agency, client_for):
    meeting = held(body, cast, [agency])
    workflows.meeting_record_minutes(
        actor=cast["office_clerk"],
        meeting=meeting,
        summary="纪要",
        decisions=[
            {"text": "后到期的事项", "agencies": [agency], "due_date": date(2026, 12, 18)},
            {"text": "先到期的事项", "agencies": [agency], "due_date": date(2026, 12, 4)},
        ],
    )
    draft(body, agency, cast["insider"])
    tasks = tasks_for(cast["colleague"], agency)
    assert [task.title for task in tasks] == ["先到期的事项", "后到期的事项", "评标专家抽取管理问题"]
    page = client_for(cast["colleague"]).get(reverse("dashboards:home"))
    assert page.content.decode().index("先到期的事项") < page.content.decode().index("评标专家抽取管理问题")
