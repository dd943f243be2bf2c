from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Membership
from cases.models import Lead, TradingProject
from cases.services import Party, lead_file
from cases.workflows import lead_approve, lead_submit, lead_verify
from credit.models import MarketEntity
from tests.factories import MembershipFactory

from .criminal import make_cast, start
from .files import PDF


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


@pytest.fixture
def approved(file_lead, agency, insider, colleague):
    lead = file_lead([])
    lead_verify(actor=insider, lead=lead, findings="核实。")
    second = MembershipFactory(agency=agency, role=Membership.Role.HANDLER).user
    lead_verify(actor=second, lead=lead, findings="核实。")
    lead_submit(actor=insider, lead=lead, report_file=SimpleUploadedFile("报告.pdf", PDF))
    return lead_approve(actor=colleague, lead=lead)


@pytest.fixture
def receiver_handler(other_agency):
    other_agency.doc_prefix = "宣交运"
    other_agency.save()
    return MembershipFactory(
        agency=other_agency, role=Membership.Role.HANDLER, user__username="receiver"
    ).user


@pytest.fixture
def receiver_head(other_agency):
    return MembershipFactory(
        agency=other_agency, role=Membership.Role.HEAD, user__username="receiver_head"
    ).user


@pytest.fixture
def asked(agency, other_agency):
    """The handler and head of the agency asked for assistance (the other agency), with the letters' prefixes."""
    agency.doc_prefix, other_agency.doc_prefix = "宣住建", "宣交运"
    agency.save()
    other_agency.save()
    return {
        "handler": MembershipFactory(agency=other_agency, role=Membership.Role.HANDLER).user,
        "head": MembershipFactory(agency=other_agency, role=Membership.Role.HEAD).user,
    }


@pytest.fixture
def second_handler(agency):
    return MembershipFactory(agency=agency, role=Membership.Role.HANDLER, user__username="second").user


@pytest.fixture
def upper_region(region):
    """The prefecture above the county: where a competent organ of another level sits."""
    from tests.factories import RegionFactory

    upper = RegionFactory(name="恩施土家族苗族自治州", code="422800")
    region.parent = upper
    region.save(update_fields=["parent"])
    return upper


# Criminal referrals (tests/cases/criminal.py has the helpers) ------------------------------------------------


@pytest.fixture
def cast(region):
    return make_cast(region)


@pytest.fixture
def team(insider, second_handler):
    return [insider, second_handler]


@pytest.fixture
def lead(file_lead):
    """A lead without evidence (modules with a `lead` of their own use theirs)."""
    return file_lead([])


@pytest.fixture
def criminal(lead, insider, team, cast):
    return start(lead, insider, team, cast.police)
