"""The case benchmarks' SQL loader (bench/cases.py) writes the tables directly, so a new NOT NULL column breaks
`make bench` without failing any other test: load a few hundred referrals here and read them through the models
and the pages the benchmark measures."""

import pytest
from django.urls import reverse

from cases.models import Lead, Referral
from deadlines.models import Deadline
from documents.models import Document
from tests.concurrency import transactional

pytestmark = transactional  # the loader ends with VACUUM ANALYZE, which no transaction may hold


@pytest.fixture
def bench_cases(monkeypatch):
    from bench import cases

    monkeypatch.setattr(cases, "TOTAL", 300)
    return cases


def test_the_loader_fills_every_table_the_pages_read(bench_cases, client):
    people = bench_cases.create_people()
    bench_cases.load_referrals(people)
    assert Lead.objects.count() == Referral.objects.count() == 300
    assert Document.objects.filter(kind=Document.Kind.LETTER).count() == 300
    assert Deadline.objects.count() >= 300
    assert Lead.objects.filter(overdue=True).exists()  # the marks are set from the loaded clocks
    client.force_login(people["supervisor"])
    page = client.get(reverse("cases:list"), secure=True)
    assert page.status_code == 200
    lead = Lead.objects.visible_to(people["supervisor"]).order_by("-created_at").first()
    assert reverse("cases:lead", args=[lead.pk]) in page.content.decode()
    client.force_login(people["handlers"][0])
    mine = Lead.objects.filter(agency=people["departments"][0]).first()
    assert client.get(reverse("cases:lead", args=[mine.pk]), secure=True).status_code == 200
