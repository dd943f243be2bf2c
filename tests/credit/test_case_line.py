"""The case page shows each party's credit line (templates/credit/_entity_credit.html in cases/lead_detail.html)."""

import datetime

from django.urls import reverse

from cases.models import Lead, TradingProject
from cases.services import Party, lead_file


def test_a_case_page_shows_a_restricted_partys_credit_line(
    client_for, insider, agency, make_record, entity, serious_rule
):
    record = make_record(entity, rule=serious_rule, decided_on=datetime.date.today(), act="S1")
    lead = lead_file(
        actor=insider,
        agency=agency,
        source=Lead.Source.TRADING_CENTER,
        project=TradingProject(name="宣恩县某道路改造工程", category=TradingProject.Category.CONSTRUCTION),
        facts="投标文件雷同。",
        discovered_on=datetime.date(2026, 9, 30),
        parties=[Party(entity, "bidder")],
        files=[],
    )
    page = client_for(insider).get(reverse("cases:lead", args=[lead.pk])).content.decode()
    assert entity.get_absolute_url() in page
    assert "text-bg-danger" in page
    assert record.restricted_until.isoformat() in page
