"""The online channel's records of addresses are kept no longer than needed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Complaint
from portal.limits import forget_addresses, take_submission_place
from portal.models import SubmissionWindow

pytestmark = pytest.mark.django_db


def test_old_windows_and_old_addresses_are_forgotten(agency, settings):
    from cases.workflows import complaint_record

    now = timezone.now()
    take_submission_place("203.0.113.9", now=now - timedelta(days=2))
    take_submission_place("203.0.113.9", now=now)
    details = {
        "complainant_name": "张三", "complainant_phone": "13800000000", "project_name": "某工程",
        "category": "construction", "facts": "事实。",
    }  # fmt: skip
    old = complaint_record(actor=None, agency=agency, kind="complaint", channel="online", details=details,
                           files=[], received_at=now - timedelta(days=31), submitted_from="203.0.113.9")  # fmt: skip
    recent = complaint_record(actor=None, agency=agency, kind="complaint", channel="online", details=details,
                              files=[], received_at=now, submitted_from="203.0.113.9")  # fmt: skip
    assert forget_addresses(now=now) == (1, 1)
    assert SubmissionWindow.objects.count() == 1
    assert Complaint.objects.get(pk=old.pk).submitted_from is None
    assert Complaint.objects.get(pk=recent.pk).submitted_from == "203.0.113.9"
