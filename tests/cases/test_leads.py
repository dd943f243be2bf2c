"""Filing a lead: parties, evidence checked by content and kept read-only, clock L2 started, an audit event."""

import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from cases.models import Evidence, Lead
from deadlines.clocks import running_for
from tests.deadlines.conftest import at

from .files import PDF

pytestmark = pytest.mark.django_db


def test_filing_keeps_the_evidence_read_only_and_starts_the_referral_clock(file_lead, insider):
    lead = file_lead([SimpleUploadedFile("雷同分析.pdf", PDF), SimpleUploadedFile("again.pdf", PDF)])
    (evidence,) = lead.evidence.all()  # the same file twice is kept once
    assert (evidence.original_name, evidence.mime_type, evidence.size) == (
        "雷同分析.pdf",
        "application/pdf",
        len(PDF),
    )
    assert stat.S_IMODE(os.stat(evidence.file.path).st_mode) == 0o440
    assert lead.parties.get().entity.name == "某建设集团有限公司"
    clock = running_for(lead, "L2").get()
    assert clock.due_at == at(2026, 10, 13, 23, 59, 59, 999999)  # 5 working days after 30 September
    event = AuditEvent.objects.get(action="lead_filed")
    assert (event.actor, event.object_id, event.payload["evidence"]) == (insider, lead.pk, [evidence.sha256])


def test_a_bad_file_refuses_the_lead_and_stores_nothing(file_lead, settings):
    with pytest.raises(ValidationError):
        file_lead(
            [SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\0" * 60)]
        )
    assert not Lead.objects.exists()
    assert not Evidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists()


def test_a_failure_after_storing_removes_the_files(file_lead, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("cases.services.audit_record", broken)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        file_lead([SimpleUploadedFile("ok.pdf", PDF)])
    assert not Lead.objects.exists()
    assert not any(path.is_file() for path in (settings.MEDIA_ROOT / "evidence").rglob("*"))


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("insider", True),
        ("colleague", True),
        ("supervisor", True),
        ("outsider", False),
        ("foreign_supervisor", False),
    ],
)
def test_lead_visibility(request, file_lead, persona, sees):
    lead = file_lead([])
    user = request.getfixturevalue(persona)
    assert Lead.objects.visible_to(user).filter(pk=lead.pk).exists() is sees
