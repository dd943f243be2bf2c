from datetime import date

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, DutyItem, Membership, Region
from cases.models import Lead, TradingProject
from cases.services import lead_file

TEST_PASSWORD = "Test@2026pass"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试县{n}")
    code = factory.Sequence(lambda n: f"{900000 + n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试局{n}")
    short_name = factory.LazyAttribute(lambda agency: agency.name[:10])
    kind = Agency.Kind.SUPERVISORY
    region = factory.SubFactory(RegionFactory)
    # 机关代字 take Chinese characters only: spell the sequence number in Chinese digits.
    doc_prefix = factory.Sequence(
        lambda n: "测" + "".join("零一二三四五六七八九"[int(digit)] for digit in str(n))
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.HANDLER


class DutyItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyItem

    agency = factory.SubFactory(AgencyFactory)
    duty_list = DutyItem.DutyList.POWERS
    kind = DutyItem.Kind.INSPECTION
    name = factory.Sequence(lambda n: f"监督检查事项{n}")
    legal_basis = "《中华人民共和国招标投标法》第七条"


def lead_without_parties(
    agency,
    actor,
    *,
    name: str = "宣恩县某道路改造工程",
    discovered_on: date = date(2026, 9, 30),
    source: str = Lead.Source.TRADING_CENTER,
    category: str = TradingProject.Category.CONSTRUCTION,
    facts: str = "两家投标人的投标文件雷同。",
) -> Lead:
    """A lead filed through the service, naming no market entity: the conftest leads all name the same bidder, so
    a test that needs several leads at once files the others with this."""
    return lead_file(
        actor=actor,
        agency=agency,
        source=source,
        project=TradingProject(name=name, category=category),
        facts=facts,
        discovered_on=discovered_on,
        parties=[],
        files=[],
    )
