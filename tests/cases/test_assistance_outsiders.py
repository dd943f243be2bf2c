"""Assistance letters through the pages for users of an unrelated agency: not listed, no steps, no attachments."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import AssistanceRequest

from .files import PDF
from .test_complaints import send

pytestmark = pytest.mark.django_db


def events() -> int:
    """Audit events other than the log-ins of the test client."""
    return AuditEvent.objects.exclude(action=AuditEvent.Action.LOGGED_IN).count()


@pytest.fixture
def letter(insider, agency, other_agency, asked):
    return send(insider, agency, other_agency)


def test_an_outsider_sees_no_assistance_letter_of_another_agency(
    client_for, letter, insider, stranger, foreign_supervisor
):
    url = reverse("cases:assistance_list")
    for user in (stranger, foreign_supervisor):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert list(page.context["page"]) == []
        assert letter.letter.number not in page.text
        assert letter.matters not in page.text
    assert letter.letter.number in client_for(insider).get(url).text


@pytest.mark.parametrize(
    ("step", "data"), [("assist", {"feedback": "已提供。"}), ("return", {"reasons": "不属本局职能。"})]
)
def test_an_outsiders_step_on_an_assistance_letter_is_404_and_changes_nothing(
    client_for, letter, stranger, foreign_supervisor, step, data
):
    before = events()
    url = reverse("cases:assistance_step", args=[letter.pk, step])
    for user in (stranger, foreign_supervisor):
        response = client_for(user).post(url, {"seen_state": letter.page_token, **data})
        assert response.status_code == 404
    letter.refresh_from_db()
    assert (letter.state, letter.answer_letter) == (AssistanceRequest.State.SENT, None)
    assert events() == before


def test_an_assistance_letters_attachment_is_404_to_outsiders_and_served_to_both_agencies(
    client_for, letter, insider, asked, stranger, foreign_supervisor
):
    url = reverse("cases:evidence", args=[letter.attachments.get().pk])
    for user in (stranger, foreign_supervisor):
        assert client_for(user).get(url).status_code == 404
    for user in (insider, asked["handler"]):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
