"""Document numbers: 机关代字〔年〕N号, per agency, series and year, without gaps or duplicates."""

from datetime import date

import pytest
from django.db import transaction

from documents.models import Document
from documents.numbers import NUMBER_PATTERN, allocate
from tests.concurrency import run_concurrently, transactional

pytestmark = pytest.mark.django_db


def test_numbers_follow_gbt_9704(issue, agency):
    agency.doc_prefix = "宣住建"
    agency.save()
    first, second = issue(), issue()
    assert (first.number, second.number) == ("宣住建函〔2026〕1号", "宣住建函〔2026〕2号")
    assert NUMBER_PATTERN.match(first.number)


def test_each_series_and_year_counts_on_its_own(issue, agency):
    agency.doc_prefix = "宣住建"
    agency.save()
    issue()
    assert issue(kind="receipt").number == "宣住建回〔2026〕1号"
    assert issue(issued_on=date(2027, 1, 4)).number == "宣住建函〔2027〕1号"


def test_a_rolled_back_issue_gives_its_number_back(issue, agency):
    def failing_workflow():
        with transaction.atomic():
            issue()
            raise RuntimeError("the workflow failed after the number was taken")

    with pytest.raises(RuntimeError, match="failed after"):
        failing_workflow()
    assert issue().sequence == 1


def test_an_agency_without_a_document_code_is_told_what_to_do(issue, agency):
    from documents.services import DocumentError

    agency.doc_prefix = ""
    agency.save()
    with pytest.raises(DocumentError, match="尚未设置发文机关代字"):
        issue()


@transactional
def test_numbers_are_only_taken_inside_a_transaction(agency):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        allocate(agency=agency, series="函", year=2026)


@transactional
def test_simultaneous_issues_get_consecutive_numbers(issue):
    results = run_concurrently(lambda: issue().sequence, times=8)
    assert sorted(results) == list(range(1, 9)), results
    assert Document.objects.count() == 8
