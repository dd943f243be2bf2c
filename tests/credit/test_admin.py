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
