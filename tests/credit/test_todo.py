"""credit.todo: what 我的待办 shows of credit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from credit.todo import tasks_for
from credit.workflows import memo_acknowledge, memo_issue, repair_apply


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def labels(user, agency):
    return sorted(str(task.label) for task in tasks_for(user, agency))


def test_heads_approve_and_handlers_publish(make_record, entity, insider, colleague, agency):
    make_record(entity, state="draft", act="A")
    make_record(entity, state="approved", act="B")
    assert labels(colleague, agency) == sorted(["Approve the credit record", "Publish the credit record"])
    assert labels(insider, agency) == ["Publish the credit record"]


def test_repairs_and_memo_parts(
    make_record, entity, insider, colleague, agency, supervisor, coordinator, outsider
):
    record = make_record(entity, act="A")
    repair_apply(actor=insider, record=record, applicant="x", reasons="y")
    memo = memo_issue(
        actor=supervisor,
        agency=coordinator,
        title="备忘录",
        grounds="x",
        measures="x",
        restricted_until=datetime.date(2030, 1, 1),
        entities=[entity],
    )
    assert "Decide on the credit repair" in labels(colleague, agency)
    [task] = [task for task in tasks_for(insider, agency) if task.title == "备忘录"]
    assert str(task.label) == "Sign for the joint punishment memo"
    assert task.clock is not None
    memo_acknowledge(actor=insider, part=memo.executions.get(agency=agency))
    assert "Report the memo's execution" in labels(insider, agency)
    assert labels(supervisor, coordinator) == []
    assert tasks_for(insider, None) == []


def test_the_home_page_lists_credit_steps_beside_the_others(
    make_record, entity, colleague, agency, client_for
):
    record = make_record(entity, state="draft", act="A")
    page = client_for(colleague).get(reverse("dashboards:home")).content.decode()
    assert "审核信用记录" in page  # "Approve the credit record"
    assert record.get_absolute_url() in page
