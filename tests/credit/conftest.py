"""Credit fixtures over the shared personas (tests/conftest.py): rules, thresholds, entities and records."""

import contextlib
import datetime

import pytest
import time_machine

from agencies.models import Membership
from credit.models import CreditRecord, CreditRule, CreditThreshold, EntityRole, MarketEntity
from credit.workflows import record_approve, record_create, record_publish
from deadlines.due import LEGAL_TZ
from tests.factories import MembershipFactory

BIDDER_USCC = "91110000600037341L"
OTHER_USCC = "Y1422825MA4K00015P"


@pytest.fixture(autouse=True)
def _fresh_check_limit():
    # The public check counts per address in the cache, which outlives a test: each test starts with none used.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rule(db):
    return CreditRule.objects.create(
        code="TB-01",
        description="串通投标",
        legal_basis="招标投标法实施条例 第六十七条",
        points=6,
        validity_months=12,
        publication_months=6,
    )


@pytest.fixture
def serious_rule(db):
    return CreditRule.objects.create(
        code="TB-02",
        description="串通投标，情节严重",
        legal_basis="招标投标法实施条例 第六十七条",
        points=12,
        validity_months=24,
        severity="serious",
        restriction_months=12,
    )


@pytest.fixture
def good_rule(db):
    return CreditRule.objects.create(
        code="SX-01", description="诚信经营，获评表彰", legal_basis="宣恩 二、（五）1", kind="good", points=3
    )


@pytest.fixture
def threshold(db):
    return CreditThreshold.objects.create(points_min=10, window_months=12, consequence="限制参与投标")


@pytest.fixture
def entity(db):
    entity = MarketEntity.objects.create(
        name="某建设集团有限公司", uscc=BIDDER_USCC, legal_representative="张三"
    )
    EntityRole.objects.create(entity=entity, role=EntityRole.Role.BIDDER)
    return entity


@pytest.fixture
def other_entity(db):
    return MarketEntity.objects.create(name="某招标代理有限公司", uscc=OTHER_USCC)


@pytest.fixture
def second_head(agency):
    return MembershipFactory(agency=agency, role=Membership.Role.HEAD, user__username="second_head").user


@pytest.fixture
def recently():
    """A decision date whose record is still published today, whatever day the suite runs (the public pages and
    the check go by today's date)."""
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=30)


@pytest.fixture
def make_record(insider, colleague, agency, rule):
    def make(
        entity,
        *,
        state="published",
        decided_on=None,
        published_on=None,
        rule=rule,
        act="宣住建罚〔2026〕1号",
        **extra,
    ):
        """A record of `entity`, taken to `state`; published today, or at ten in the morning of `published_on`."""
        record = record_create(
            actor=insider,
            agency=agency,
            entity=entity,
            rule=rule,
            decided_on=decided_on or datetime.date(2026, 6, 1),
            facts="与其他投标人串通投标",
            act=act,
            source_kind=CreditRecord.Source.DECISION,
            source_reference=act,
            **extra,
        )
        if state in ("approved", "published"):
            record = record_approve(actor=colleague, record=record)
        if state == "published":
            day = (
                time_machine.travel(
                    datetime.datetime.combine(published_on, datetime.time(10), LEGAL_TZ), tick=False
                )
                if published_on
                else contextlib.nullcontext()
            )
            with day:
                record = record_publish(actor=insider, record=record)
        return record

    return make
