"""A document's page shows 生成中 until the worker is done, then the download; the public verifies by code."""

import pytest
from django.urls import reverse

from documents.models import Document
from documents.services import document_render

pytestmark = pytest.mark.django_db


def test_the_page_polls_while_the_pdf_is_being_made(client_for, insider, issue):
    document = issue()
    response = client_for(insider).get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 200
    assert document.number in response.text
    assert "生成中" in response.text
    assert f'hx-get="{reverse("documents:status", args=[document.pk])}"' in response.text


def test_the_status_piece_turns_into_the_download_without_polling(client_for, insider, issue):
    document = issue()
    document_render(document_id=document.pk)
    response = client_for(insider).get(
        reverse("documents:status", args=[document.pk]), headers={"HX-Request": "true"}
    )
    assert reverse("documents:download", args=[document.pk]) in response.text
    assert "hx-trigger" not in response.text


def test_download_serves_the_stored_file(client_for, insider, issue):
    document = issue()
    document_render(document_id=document.pk)
    document.refresh_from_db()
    response = client_for(insider).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    import hashlib

    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action=AuditEvent.Action.DOCUMENT_DOWNLOADED)
    assert (event.actor, event.object_id, event.payload["number"]) == (insider, document.pk, document.number)


def test_download_before_the_pdf_exists_is_404(client_for, insider, issue):
    assert client_for(insider).get(reverse("documents:download", args=[issue().pk])).status_code == 404


def ready(issue):
    document = issue()
    document_render(document_id=document.pk)
    document.refresh_from_db()
    return document


def test_a_ready_document_whose_file_is_missing_is_404_logged_and_not_recorded(
    client_for, insider, issue, caplog
):
    from audit.models import AuditEvent

    document = ready(issue)
    document.file.storage.delete(document.file.name)
    response = client_for(insider).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 404
    assert any(r.levelname == "ERROR" and document.file.name in r.getMessage() for r in caplog.records)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOCUMENT_DOWNLOADED).exists()


def test_a_download_that_cannot_be_recorded_closes_the_file(client_for, insider, issue, monkeypatch):
    from django.db.models.fields.files import FieldFile

    document = ready(issue)
    opened = []
    original_open = FieldFile.open

    def spy(self, mode="rb"):
        opened.append(original_open(self, mode))
        return opened[-1]

    def audit_down(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(FieldFile, "open", spy)
    monkeypatch.setattr("documents.views.audit_record", audit_down)
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        client_for(insider).get(reverse("documents:download", args=[document.pk]))
    assert len(opened) == 1
    assert opened[0].closed


def test_the_addressee_sees_the_document(client_for, outsider, issue):
    # other_agency (the outsider's) is the addressee of the fixture's letter.
    assert client_for(outsider).get(reverse("documents:detail", args=[issue().pk])).status_code == 200


def test_outsider_gets_404(client_for, foreign_supervisor, issue):
    document = issue()
    for name in ("detail", "status", "download"):
        assert (
            client_for(foreign_supervisor).get(reverse(f"documents:{name}", args=[document.pk])).status_code
            == 404
        )


def test_anonymous_is_sent_to_login(client, issue):
    assert client.get(reverse("documents:detail", args=[issue().pk])).status_code == 302


def failed(issue):
    document = issue()
    Document.objects.filter(pk=document.pk).update(state=Document.State.FAILED, attempts=5, error="boom")
    return document


def test_a_failure_shows_a_message_and_a_retry_button(client_for, insider, issue):
    document = failed(issue)
    text = client_for(insider).get(reverse("documents:status", args=[document.pk])).text
    assert "未能生成" in text
    assert reverse("documents:retry", args=[document.pk]) in text


def test_retry_queues_the_document_again(client_for, insider, issue):
    document = failed(issue)
    response = client_for(insider).post(
        reverse("documents:retry", args=[document.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.PENDING, 0)
    assert "生成中" in response.text


def test_retry_is_recorded_with_the_issuing_agency_and_the_request(client_for, insider, issue):
    from audit.models import AuditEvent

    document = failed(issue)
    response = client_for(insider).post(reverse("documents:retry", args=[document.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOCUMENT_RETRIED)
    assert (event.actor, event.agency, event.object_id) == (insider, document.agency, document.pk)
    assert event.request_id == response["X-Request-ID"]


def test_only_the_issuing_agency_may_retry(client_for, outsider, issue):
    document = failed(issue)
    assert client_for(outsider).post(reverse("documents:retry", args=[document.pk])).status_code == 403
    document.refresh_from_db()
    assert document.state == Document.State.FAILED


def test_retry_requires_post(client_for, insider, issue):
    assert client_for(insider).get(reverse("documents:retry", args=[issue().pk])).status_code == 405


def test_the_public_verifies_a_code_without_login(client, issue):
    document = issue()
    document_render(document_id=document.pk)
    document.refresh_from_db()
    response = client.get(reverse("portal:verify_code", args=[document.verification_code.lower()]))
    assert response.status_code == 200
    for shown in (document.number, document.agency.name, "2026-05-09", document.sha256):
        assert shown in response.text
    assert document.context["body"][0] not in response.text  # nothing confidential
    assert document.addressee.name not in response.text


def test_an_unknown_code_says_so(client, db):
    response = client.get(reverse("portal:verify"), {"code": "XXXXXXXXXXXX"})
    assert "没有验证码为 XXXXXXXXXXXX 的文件" in response.text


def test_the_pdf_carries_the_verification_address(issue, settings):
    from documents.pdf import render_html

    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    document = issue()
    html = render_html(document)
    assert f"https://portal.example.gov.cn/public/verify/{document.verification_code}/" in html
    assert "<svg" in html  # the QR code
