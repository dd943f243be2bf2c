"""The monthly report: a numbered 通知-series document of the reporting agency, its figures those of the statistics
the day it was issued, one per agency and month, only for a month that has ended, only by a supervisor or head."""

import subprocess
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dashboards.periods import month_of
from dashboards.reports import monthly_report_issue
from dashboards.scope import agency_scope_of
from dashboards.statistics import statistics
from deadlines.clocks import deadline_meet, deadline_start
from deadlines.sweep import sweep
from documents.models import Document
from documents.pdf import render_pdf
from tests.concurrency import run_concurrently, transactional
from tests.deadlines.conftest import at
from tests.factories import DutyItemFactory

NOVEMBER_DAY = at(2026, 11, 5, 10)


@pytest.fixture
def october(agency, other_agency, coordinator):
    """October 2026: one clock met in time, one met late, one overdue; the coordinator can issue documents."""
    coordinator.doc_prefix = "宣政务"
    coordinator.save()
    clocks = [
        deadline_start(
            rule="L3", target=DutyItemFactory(agency=who), agency=who, triggered_at=at(2026, 10, 8, 10)
        )
        for who in (agency, agency, other_agency)
    ]
    deadline_meet(deadline=clocks[0], at=at(2026, 10, 12, 10))
    deadline_meet(deadline=clocks[1], at=at(2026, 10, 16, 10))
    sweep(at(2026, 10, 20, 9))
    return clocks


def test_the_report_carries_the_statistics_of_the_month(
    db, october, supervisor, coordinator, agency, tmp_path
):
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        document = monthly_report_issue(actor=supervisor, agency=coordinator, month=date(2026, 10, 1))
    assert document.number == "宣政务发〔2026〕1号"
    assert document.title == "关于2026年10月公共资源交易监管事项办理时限情况的通报"
    table = document.context["tables"][0]
    figures = statistics(agency_scope_of(coordinator, {"supervisor"}), month_of(date(2026, 10, 1)))
    rows = {row[0]: row for row in table["rows"]}
    assert rows[agency.name][7:10] == [1, 1, 50.0]  # met in time, late, on-time rate
    assert rows["合计"][7:9] == [figures.total.outcome.met_in_time, figures.total.outcome.late] == [1, 2]
    assert "按时办结率33.3%" in "".join(document.context["body"])
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(document))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "各单位办理时限情况统计表" in "".join(text.split())
    assert agency.name in "".join(text.split())


def test_one_report_per_agency_and_month(db, october, supervisor, coordinator):
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        first = monthly_report_issue(actor=supervisor, agency=coordinator, month=date(2026, 10, 1))
        again = monthly_report_issue(actor=supervisor, agency=coordinator, month=date(2026, 10, 31))
    assert first == again
    assert Document.objects.filter(kind=Document.Kind.CIRCULAR).count() == 1


@transactional
def test_two_clicks_at_once_issue_one_report(october, supervisor, coordinator):
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        outcomes = run_concurrently(
            lambda: monthly_report_issue(actor=supervisor, agency=coordinator, month=date(2026, 10, 1)).pk
        )
    assert len(set(outcomes)) == 1, outcomes
    assert Document.objects.filter(kind=Document.Kind.CIRCULAR).count() == 1


def test_a_month_not_yet_ended_is_refused(db, october, supervisor, coordinator):
    with time_machine.travel(NOVEMBER_DAY, tick=False), pytest.raises(ValidationError, match="尚未结束"):
        monthly_report_issue(actor=supervisor, agency=coordinator, month=date(2026, 11, 1))


@pytest.mark.parametrize(("month", "message"), [("9999-12", "尚未结束"), ("1999-12", "2000年以前")])
def test_a_month_out_of_range_is_refused_with_what_to_choose(
    db, october, supervisor, client_for, month, message
):
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        response = client_for(supervisor).post(
            reverse("dashboards:monthly_report"), {"month": month}, follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("dashboards:statistics")
    assert message in response.text
    assert not Document.objects.filter(kind=Document.Kind.CIRCULAR).exists()


def test_a_handler_issues_no_report(db, october, insider, agency, client_for):
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        with pytest.raises(PermissionDenied):
            monthly_report_issue(actor=insider, agency=agency, month=date(2026, 10, 1))
        response = client_for(insider).post(reverse("dashboards:monthly_report"), {"month": "2026-10"})
    assert response.status_code == 403


def test_the_statistics_page_issues_the_report_and_shows_its_progress(db, october, supervisor, client_for):
    client = client_for(supervisor)
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        page = client.get(reverse("dashboards:statistics")).text
        assert 'value="2026-10"' in page
        response = client.post(reverse("dashboards:monthly_report"), {"month": "2026-10"})
        bad = client.post(reverse("dashboards:monthly_report"), {"month": "十月"}, follow=True)
    document = Document.objects.get(kind=Document.Kind.CIRCULAR)
    assert response.url == reverse("documents:detail", args=[document.pk])
    assert "请选择月份" in bad.text


def test_an_agency_without_a_document_code_is_told_to_ask_for_one(
    db, october, supervisor, coordinator, client_for
):
    coordinator.doc_prefix = ""
    coordinator.save()
    with time_machine.travel(NOVEMBER_DAY, tick=False):
        response = client_for(supervisor).post(
            reverse("dashboards:monthly_report"), {"month": "2026-10"}, follow=True
        )
    assert response.redirect_chain == [(reverse("dashboards:statistics"), 302)]
    assert "机关代字" in response.text
    assert not Document.objects.exists()
