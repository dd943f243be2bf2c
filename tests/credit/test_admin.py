"""Administrators fill in the scoring table and thresholds; records, memos and repairs are read-only there. Every
label is in Chinese."""

import datetime

import pytest
from django.urls import reverse

from tests.admin_pages import labels, untranslated
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "marketentity",
        "creditrule",
        "creditthreshold",
        "creditrecord",
        "memo",
        "memoexecution",
        "repairapplication",
    ],
)
def test_every_credit_admin_page_opens(admin_client, model, make_record, entity):
    make_record(entity)
    assert admin_client.get(reverse(f"admin:credit_{model}_changelist")).status_code == 200


def test_rules_are_added_by_administrators_and_records_are_not(admin_client):
    assert admin_client.get(reverse("admin:credit_creditrule_add")).status_code == 200
    assert admin_client.get(reverse("admin:credit_creditrecord_add")).status_code == 403


def test_a_threshold_an_administrator_adds_or_switches_off_decides_who_may_trade(
    admin_client, make_record, entity
):
    from credit.models import CreditThreshold
    from credit.standing import standing_of

    make_record(entity, decided_on=datetime.date(2026, 1, 10), act="A1")
    make_record(entity, decided_on=datetime.date(2026, 5, 10), act="A2")  # 12 points
    on = datetime.date(2026, 6, 1)
    assert standing_of(entity, on).may_trade  # no threshold yet
    form = {
        "points_min": "10",
        "window_months": "12",
        "consequence": "限制参与投标",
        "restricts_trading": "on",
        "legal_basis": "",
        "is_active": "on",
    }
    added = admin_client.post(reverse("admin:credit_creditthreshold_add"), form)
    assert added.status_code == 302
    threshold = CreditThreshold.objects.get()
    assert not standing_of(entity, on).may_trade
    form.pop("is_active")  # the administrator unticks "active"
    changed = admin_client.post(reverse("admin:credit_creditthreshold_change", args=[threshold.pk]), form)
    assert changed.status_code == 302
    assert standing_of(entity, on).may_trade
    assert standing_of(entity, on).thresholds == []


@pytest.fixture
def credit_rows(make_record, entity, agency, insider, region):
    """One row of each read-only credit model, so that the admin has a change page and a list with headers."""
    from django.utils import timezone

    from credit.models import Memo, MemoExecution, RepairApplication

    record = make_record(entity)
    memo = Memo.objects.create(
        region=region,
        agency=agency,
        title="关于对某建设集团有限公司实施联合惩戒的备忘录",
        grounds="串通投标",
        measures="限制参与本县公共资源交易活动",
        restricted_until=datetime.date(2027, 9, 30),
        issued_by=insider,
        issued_at=timezone.now(),
    )
    memo.entities.add(entity)
    part = MemoExecution.objects.create(memo=memo, agency=agency, measure="限制参与本县公共资源交易活动")
    repair = RepairApplication.objects.create(
        record=record,
        applicant=entity.name,
        reasons="已整改",
        received_by=insider,
        received_at=timezone.now(),
    )
    return {
        "marketentity": entity,
        "creditrecord": record,
        "memo": memo,
        "memoexecution": part,
        "repairapplication": repair,
    }


@pytest.mark.parametrize(
    ("model", "columns", "fields"),
    [
        ("marketentity", ["代码"], ["统一社会信用代码"]),
        ("creditrecord", ["市场主体"], ["来源对象类型", "来源对象编号"]),
        ("memo", ["联合惩戒备忘录"], ["文件"]),
        ("memoexecution", ["联合惩戒备忘录"], ["联合惩戒备忘录", "签收人", "执行人", "时限"]),
        ("repairapplication", ["信用记录"], ["信用记录"]),
    ],
)
def test_the_credit_admin_labels_its_fields_and_columns_in_chinese(
    admin_client, credit_rows, model, columns, fields
):
    pk = credit_rows[model].pk
    for name, args, chinese in (("changelist", [], columns), ("change", [pk], fields)):
        page = admin_client.get(reverse(f"admin:credit_{model}_{name}", args=args))
        assert page.status_code == 200
        assert untranslated(page.text) == [], name
        shown = labels(page.text)
        for label in chinese:
            assert any(text.startswith(label) for text in shown), (name, label, shown)
