"""The whole flow through the pages, as the browser test does it but with the test client."""

import uuid
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document
from documents.services import document_render
from meetings import workflows
from meetings.models import AgendaItem, Assignment, Decision, Meeting
from tests.factories import UserFactory

from .conftest import at
from .helpers import draft, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(at(2026, 11, 23, 10), tick=False) as moment:
        yield moment


def test_the_notice_waits_for_the_conveners_word_and_the_page_says_so(body, cast, agency, client_for):
    office = cast["office_clerk"]
    meeting = plan(body, office)
    item = draft(body, agency, cast["insider"])
    workflows.item_sign(actor=cast["colleague"], item=item)
    workflows.item_submit(actor=cast["colleague"], item=item)
    workflows.item_compile(actor=office, item=item, meeting=meeting)
    page = client_for(office).get(meeting.get_absolute_url()).content.decode()
    assert "召集人尚有 1 项议题未审定，全部议题审定后方可印发会议通知。" in page
    assert 'disabled aria-describedby="notify-waits">印发会议通知' in page
    workflows.item_approve(actor=cast["convener_head"], item=item)
    page = client_for(office).get(meeting.get_absolute_url()).content.decode()
    assert "notify-waits" not in page


def test_the_flow_through_the_pages(body, cast, agency, member_agency, client_for, settings, tmp_path, today):
    settings.MEDIA_ROOT = tmp_path
    office = cast["office_clerk"]
    meeting = plan(body, office)
    item = draft(body, agency, cast["insider"])
    client = client_for(cast["colleague"])
    assert client.post(reverse("meetings:item_step", args=[item.pk, "sign"])).status_code == 302
    assert client.post(reverse("meetings:item_step", args=[item.pk, "submit"])).status_code == 302

    client = client_for(office)
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200
    assert "compile" in page.content.decode()
    step = reverse("meetings:item_step", args=[item.pk, "compile"])
    assert client.post(step, {"meeting": meeting.pk}).status_code == 302

    client = client_for(cast["convener_head"])
    assert client.post(reverse("meetings:item_step", args=[item.pk, "approve"])).status_code == 302
    assert AgendaItem.objects.get().state == AgendaItem.State.APPROVED

    client = client_for(office)
    assert client.post(reverse("meetings:step", args=[meeting.pk, "notify"])).status_code == 302
    meeting.refresh_from_db()
    assert document_render(document_id=meeting.notice_id)  # the 通知 with its agenda table renders
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    # The notice is out for 10 December: before that day the meeting is recorded as held only if the office
    # confirms that it met earlier than noticed.
    assert "如会议已提前召开，请勾选下方确认项" in page.content.decode()
    assert "出席人员（姓名、职务）" in page.content.decode()  # the attendance column says what to type
    assert 'placeholder="如：张某（副局长）"' in page.content.decode()
    assert 'name="met_early"' in page.content.decode()
    attendance = {f"present_{agency.pk}": "on", f"attendee_{agency.pk}": "赵局长"}
    early = client.post(reverse("meetings:step", args=[meeting.pk, "hold"]), attendance)
    assert early.status_code == 400
    assert "会议如已提前召开，请勾选此项" in early.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.NOTIFIED
    assert not meeting.attendance.exists()

    today.move_to(at(2026, 12, 10, 11))  # the meeting has met
    client = client_for(office)  # signed in again: the session of 23 November has lapsed
    page = client.get(meeting.get_absolute_url())
    assert 'name="met_early"' not in page.content.decode()
    assert client.post(reverse("meetings:step", args=[meeting.pk, "hold"]), attendance).status_code == 302
    assert Meeting.objects.get().state == Meeting.State.HELD
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "decision-0-text" in page.content.decode()
    # static/js/formset.js clones this row for "添加议定事项"
    assert 'id="decision-empty-form"' in page.content.decode()
    assert "decision-__prefix__-text" in page.content.decode()
    minutes = {
        "summary": "会议研究了评标专家抽取问题。",
        "decision-TOTAL_FORMS": "3",
        "decision-INITIAL_FORMS": "0",
        "decision-0-text": "住建局牵头制定评标专家抽取异常处置办法",
        "decision-0-agencies": [agency.pk, member_agency.pk],
        "decision-0-due_date": "2026-12-18",
    }
    assert client.post(reverse("meetings:step", args=[meeting.pk, "minutes"]), minutes).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.MINUTED
    assert Assignment.objects.count() == 2

    document_render(document_id=meeting.minutes_id)
    client = client_for(cast["member_head"])  # a member reads the office's minutes through the meeting
    download = client.get(reverse("meetings:document", args=[meeting.pk, "minutes"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOCUMENT_DOWNLOADED).count()
    minutes_file = Document.objects.get(pk=meeting.minutes_id).file
    assert minutes_file.name
    minutes_file.storage.delete(minutes_file.name)  # a restore without the media
    assert client.get(reverse("meetings:document", args=[meeting.pk, "minutes"])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOCUMENT_DOWNLOADED).count() == downloads

    for user, assignment in ((cast["insider"], agency), (cast["member_head"], member_agency)):
        client = client_for(user)
        pk = Assignment.objects.get(agency=assignment).pk
        url = reverse("meetings:assignment_step", args=[pk, "complete"])
        data = {"text": "已完成", "seen_state": "open", "submission_key": uuid.uuid4()}
        assert client.post(url, data).status_code == 302
    assert Decision.objects.get().state == Decision.State.COMPLETED


def test_a_meeting_that_met_before_its_day_is_recorded_with_the_offices_word(body, cast, agency, client_for):
    meeting = plan(body, cast["office_clerk"])  # for 10 December; today is 23 November
    workflows.meeting_notify(actor=cast["office_clerk"], meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        workflows.meeting_hold(actor=cast["office_clerk"], meeting=meeting, attendance=[(agency, True, "")])
    assert refused.value.code == "early"
    client = client_for(cast["office_clerk"])
    attendance = {f"present_{agency.pk}": "on", "met_early": "on"}
    assert client.post(reverse("meetings:step", args=[meeting.pk, "hold"]), attendance).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    event = AuditEvent.objects.get(action="meeting_held")
    assert event.payload["met_early"] is True


def test_the_minutes_form_says_what_is_wrong(body, cast, agency, client_for):
    meeting = held(body, cast, [agency])
    page = client_for(cast["office_clerk"]).post(
        reverse("meetings:step", args=[meeting.pk, "minutes"]),
        {
            "summary": "纪要",
            "decision-TOTAL_FORMS": "1",
            "decision-INITIAL_FORMS": "0",
            "decision-0-text": "事项",
            "decision-0-agencies": [agency.pk],
            "decision-0-due_date": "2026-12-05",  # a Saturday
        },
    )
    assert page.status_code == 400
    assert "2026-12-05" in page.content.decode()
    assert Meeting.objects.get().state == Meeting.State.HELD


def test_the_meeting_page_costs_the_same_whatever_the_number_of_decisions(
    body, cast, agency, member_agency, client_for
):
    def page_queries(decisions):
        meeting = held(body, cast, [agency, member_agency])
        workflows.meeting_record_minutes(
            actor=cast["office_clerk"],
            meeting=meeting,
            summary="纪要",
            decisions=[
                {"text": f"事项{n}", "agencies": [agency, member_agency], "due_date": date(2026, 12, 4)}
                for n in range(decisions)
            ],
        )
        client = client_for(cast["insider"])
        client.get(meeting.get_absolute_url())  # warm the per-process caches (calendar, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries)

    assert page_queries(1) == page_queries(4)


def _compiled(body, cast, agency):
    meeting = plan(body, cast["office_clerk"])
    item = draft(body, agency, cast["insider"])
    workflows.item_sign(actor=cast["colleague"], item=item)
    workflows.item_submit(actor=cast["insider"], item=item)
    return workflows.item_compile(actor=cast["office_clerk"], item=item, meeting=meeting)


def test_the_convener_still_sees_the_item_it_returned(body, cast, agency, client_for):
    item = _compiled(body, cast, agency)
    client = client_for(cast["convener_head"])
    step = reverse("meetings:item_step", args=[item.pk, "reject"])
    shown = {"reason": "属日常监管事项，由住建局自行处理。", "seen_state": item.page_token}
    response = client.post(step, shown)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert "属日常监管事项" in page.content.decode()
    # The same click again (a double click, or a second head) is told it was handled, not that the item is gone.
    assert client.post(step, shown).status_code == 409


def test_the_office_head_decides_without_being_in_an_agency_of_the_body(body, cast, agency, client_for):
    office_head = UserFactory()
    body.office_head = office_head
    body.save()
    item = _compiled(body, cast, agency)
    client = client_for(office_head)
    assert client.get(item.meeting.get_absolute_url()).status_code == 200
    assert client.get(item.get_absolute_url()).status_code == 200
    assert client.post(reverse("meetings:item_step", args=[item.pk, "approve"])).status_code == 302
    assert AgendaItem.objects.get().state == AgendaItem.State.APPROVED
