"""Retrying a document's render is a 404, changing nothing, for those who cannot see the document."""

from functools import partial

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document

from .test_pages import failed

pytestmark = pytest.mark.django_db


def assert_unchanged(document):
    document.refresh_from_db()
    assert (document.state, document.attempts, document.error) == (Document.State.FAILED, 5, "boom")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOCUMENT_RETRIED).exists()


def test_an_outsider_gets_404_not_403_on_retry_and_the_document_stays_failed(
    client_for, issue, stranger, foreign_supervisor
):
    document = failed(issue)
    url = reverse("documents:retry", args=[document.pk])
    for user in (stranger, foreign_supervisor):
        assert client_for(user).post(url).status_code == 404
        assert client_for(user).post(url, headers={"HX-Request": "true"}).status_code == 404
    assert_unchanged(document)


def test_the_regions_supervisor_gets_404_on_retrying_a_confidential_document(client_for, issue, supervisor):
    document = failed(partial(issue, confidential=True))
    assert client_for(supervisor).post(reverse("documents:retry", args=[document.pk])).status_code == 404
    assert_unchanged(document)
