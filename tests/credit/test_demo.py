"""make run's demo credit data: made through the workflows, once, with placeholder points marked as such."""

import pytest
from django.core.management import call_command

from credit.models import CreditRecord, CreditRule, Memo

pytestmark = pytest.mark.django_db


def test_demo_credit_covers_the_states_and_is_seeded_once(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026pass")
    call_command("seed_demo")
    call_command("seed_demo_cases")
    call_command("seed_demo_credit")
    call_command("seed_demo_credit")
    assert sorted(CreditRecord.objects.values_list("state", flat=True)) == [
        "approved",
        "draft",
        "published",
        "published",
        "published",
        "repaired",
    ]
    assert all("待管理员" in basis for basis in CreditRule.objects.values_list("legal_basis", flat=True))
    memo = Memo.objects.get()
    assert memo.executions.count() > 1
    assert all(part.clock_id for part in memo.executions.all())


def test_demo_credit_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_credit")
