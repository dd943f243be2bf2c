from datetime import date

import pytest

from cases.models import Lead, TradingProject
from cases.services import Party, lead_file
from credit.models import MarketEntity


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def file_lead(agency, insider):
    def run(files):
        bidder = MarketEntity.objects.create(uscc="91110000600037341L", name="某建设集团有限公司")
        return lead_file(
            actor=insider,
            agency=agency,
            source=Lead.Source.TRADING_CENTER,
            project=TradingProject(
                name="宣恩县某道路改造工程", category=TradingProject.Category.CONSTRUCTION
            ),
            facts="两家投标人的投标文件雷同，报价呈等差数列。",
            discovered_on=date(2026, 9, 30),
            parties=[Party(bidder, "bidder")],
            files=files,
        )

    return run
