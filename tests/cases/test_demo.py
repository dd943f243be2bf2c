"""make run's demo cases: made through the workflows, once."""

import pytest
from django.core.management import call_command

from cases.models import AssistanceRequest, Complaint, CriminalReferral, Lead, Referral

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_the_stages_and_are_seeded_once(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026pass")
    call_command("seed_demo")
    call_command("seed_demo_cases")
    call_command("seed_demo_cases")
    assert sorted(Lead.objects.values_list("state", flat=True)) == ["filed", "filed", "referred", "referred"]
    assert sorted(Referral.objects.values_list("state", flat=True)) == ["acceptance_notified", "received"]
    assert Complaint.objects.get().state == Complaint.State.RECEIVED
    assert AssistanceRequest.objects.get().state == AssistanceRequest.State.SENT
    assert CriminalReferral.objects.get().state == CriminalReferral.State.TRANSFERRED
