"""Administrators fill in the scoring table and thresholds; records, memos and repairs are read-only there."""

import pytest
from django.urls import reverse

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
    import datetime

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
