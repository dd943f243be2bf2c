"""Who sees what: the body's people see its meetings, an invited agency only the meetings it was invited to, an
outsider nothing (404 on every page); a step someone sees but may not take is a 403."""

import uuid
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Membership
from meetings import workflows
from meetings.models import AgendaItem, Assignment, Meeting
from tests.factories import MembershipFactory, UserFactory, lead_without_parties

from .conftest import at
from .helpers import draft, held, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        yield


@pytest.fixture
def world(body, cast, agency, invited_agency, member_agency):
    office = cast["office_clerk"]
    ad_hoc = plan(body, office, kind="ad_hoc", title="临时会议", invited=[invited_agency])
    meeting = held(body, cast, [agency, member_agency])
    workflows.meeting_record_minutes(
        actor=office,
        meeting=meeting,
        summary="纪要",
        decisions=[{"text": "整改", "agencies": [agency], "due_date": date(2026, 12, 4)}],
    )
    item = draft(body, agency, cast["insider"])
    return {"ad_hoc": ad_hoc, "plenary": meeting, "item": item, "assignment": Assignment.objects.get()}


def test_visible_to_matrix(world, cast):
    ad_hoc, plenary, item = world["ad_hoc"], world["plenary"], world["item"]
    sees = {name: set(Meeting.objects.visible_to(user)) for name, user in cast.items()}
    for name in ("insider", "colleague", "office_clerk", "supervisor", "convener_head", "member_head"):
        assert sees[name] == {ad_hoc, plenary}, name
    assert sees["invited_handler"] == {ad_hoc}
    assert sees["outsider"] == set()
    items = {name: set(AgendaItem.objects.visible_to(user)) for name, user in cast.items()}
    assert items["insider"] == items["colleague"] == {item}
    # A draft is its agency's alone.
    assert items["office_clerk"] == items["member_head"] == items["convener_head"] == set()


def test_an_outsider_gets_404_on_every_page(world, cast, body, client_for):
    client = client_for(cast["outsider"])
    meeting, item, assignment = world["plenary"], world["item"], world["assignment"]
    gets = [
        reverse("meetings:item_new", args=[body.pk]),
        reverse("meetings:meeting_new", args=[body.pk]),
        reverse("meetings:item_detail", args=[item.pk]),
        reverse("meetings:item_edit", args=[item.pk]),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:document", args=[meeting.pk, "minutes"]),
    ]
    posts = [
        reverse("meetings:item_step", args=[item.pk, "sign"]),
        reverse("meetings:step", args=[meeting.pk, "notify"]),
        reverse("meetings:assignment_step", args=[assignment.pk, "complete"]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"text": "x"}).status_code == 404, url
    page = client.get(reverse("meetings:index"))
    assert page.status_code == 200
    assert meeting.title not in page.content.decode()


def test_an_invited_agency_sees_its_meeting_only(world, cast, client_for):
    client = client_for(cast["invited_handler"])
    assert client.get(reverse("meetings:detail", args=[world["ad_hoc"].pk])).status_code == 200
    assert client.get(reverse("meetings:detail", args=[world["plenary"].pk])).status_code == 404
    assert client.get(reverse("meetings:item_detail", args=[world["item"].pk])).status_code == 404


def test_what_a_member_sees_but_may_not_do_is_403(world, cast, body, client_for):
    client = client_for(cast["member_head"])
    meeting = world["plenary"]
    assert client.get(reverse("meetings:meeting_new", args=[body.pk])).status_code == 403
    assert client.post(reverse("meetings:step", args=[world["ad_hoc"].pk, "notify"])).status_code == 403
    cancel = reverse("meetings:step", args=[world["ad_hoc"].pk, "cancel"])
    assert client.post(cancel, {"reason": "改期"}).status_code == 403
    assert client_for(cast["office_clerk"]).post(cancel, {"reason": "改期"}).status_code == 302
    assert Meeting.objects.get(pk=world["ad_hoc"].pk).state == Meeting.State.CANCELLED
    client = client_for(cast["member_head"])
    url = reverse("meetings:assignment_step", args=[world["assignment"].pk, "complete"])
    assert client.post(url, {"text": "代为办结"}).status_code == 403
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "整改" in page.content.decode()
    assert "印发会议通知" in page.content.decode()  # the office's steps are on every member's trail
    client = client_for(cast["insider"])  # a handler may not sign
    assert client.post(reverse("meetings:item_step", args=[world["item"].pk, "sign"])).status_code == 403


def test_a_double_submit_creates_one_item_and_one_meeting(body, cast, agency, client_for):
    client = client_for(cast["insider"])
    key = str(uuid.uuid4())
    data = {"title": "议题", "description": "内容", "submission_key": key}
    first = client.post(reverse("meetings:item_new", args=[body.pk]), data)
    second = client.post(reverse("meetings:item_new", args=[body.pk]), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert AgendaItem.objects.count() == 1

    client = client_for(cast["office_clerk"])
    data = {
        "kind": "plenary",
        "title": "全体会议",
        "starts_at": "2026-12-10T09:00",
        "place": "会议室",
        "submission_key": key,
    }
    first = client.post(reverse("meetings:meeting_new", args=[body.pk]), data)
    second = client.post(reverse("meetings:meeting_new", args=[body.pk]), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Meeting.objects.count() == 1


def test_a_progress_report_sent_twice_is_kept_once(world, cast, client_for):
    assignment = world["assignment"]
    client = client_for(cast["insider"])
    page = client.get(world["plenary"].get_absolute_url()).text
    assert f'id="id_assignment{assignment.pk}_text"' in page  # each assignment's form its own ids
    url = reverse("meetings:assignment_step", args=[assignment.pk, "report"])
    data = {"text": "已起草整改方案", "seen_state": "open", "submission_key": str(uuid.uuid4())}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert assignment.reports.count() == 1
    data["submission_key"] = str(uuid.uuid4())  # a new report, on the page shown again
    assert client.post(url, data).status_code == 302
    assert assignment.reports.count() == 2


def test_one_form_reports_progress_then_completion(world, cast, client_for):
    # The form's two buttons share its submission key: a report, then (after Back) "completed" on the same form.
    assignment = world["assignment"]
    client = client_for(cast["insider"])
    data = {"text": "已起草整改方案", "seen_state": "open", "submission_key": str(uuid.uuid4())}
    assert (
        client.post(reverse("meetings:assignment_step", args=[assignment.pk, "report"]), data).status_code
        == 302
    )
    complete = reverse("meetings:assignment_step", args=[assignment.pk, "complete"])
    assert client.post(complete, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.COMPLETED
    assert [report.completes for report in assignment.reports.order_by("pk")] == [False, True]
    assert client.post(complete, data).status_code == 409  # and once more: it is done


def test_a_second_click_gets_the_409_page(body, cast, agency, client_for):
    item = draft(body, agency, cast["insider"])
    client = client_for(cast["colleague"])
    url = reverse("meetings:item_step", args=[item.pk, "sign"])
    shown = item.page_token
    assert client.post(url, {"seen_state": shown}).status_code == 302
    assert client.post(url, {"seen_state": shown}).status_code == 409
    submit = client.post(
        reverse("meetings:item_step", args=[item.pk, "submit"]),
        {"seen_state": AgendaItem.objects.get(pk=item.pk).page_token},
    )
    assert submit.status_code == 302
    item.refresh_from_db()
    assert item.state == AgendaItem.State.SUBMITTED


def test_a_revision_saved_meanwhile_is_not_overwritten(body, cast, agency, client_for):
    item = draft(body, agency, cast["insider"])
    url = reverse("meetings:item_edit", args=[item.pk])
    form = client_for(cast["colleague"]).get(url).text
    assert f'name="seen_state" value="{item.page_token}"' in form
    data = {"title": "修改稿", "description": "内容", "seen_state": item.page_token}
    assert client_for(cast["insider"]).post(url, data).status_code == 302
    stale = client_for(cast["colleague"]).post(url, {**data, "title": "另一稿"})
    assert stale.status_code == 409
    assert AgendaItem.objects.get(pk=item.pk).title == "修改稿"


def test_submitting_unsigned_says_why(body, cast, agency, client_for):
    item = draft(body, agency, cast["insider"])
    page = client_for(cast["insider"]).post(
        reverse("meetings:item_step", args=[item.pk, "submit"]), {"seen_state": item.page_token}
    )
    assert page.status_code == 400
    assert "负责人签字" in page.content.decode()


def test_a_consultation_needs_a_case(body, cast, client_for):
    page = client_for(cast["office_clerk"]).post(
        reverse("meetings:meeting_new", args=[body.pk]),
        {
            "kind": "consultation",
            "title": "案件会商",
            "starts_at": "2026-12-10T09:00",
            "place": "会议室",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert page.status_code == 400
    assert not Meeting.objects.exists()


def test_a_consultation_is_about_the_bodys_cases_and_its_notice_names_none(
    body, cast, agency, foreign_agency, client_for
):
    office = cast["supervisor"]  # of the office's agency: sees the county's leads
    ours = lead_without_parties(agency, cast["insider"], name="宣恩县某道路改造工程")
    # The office's supervisor also works for an agency of another jurisdiction, and sees its leads.
    MembershipFactory(agency=foreign_agency, user=office, role=Membership.Role.HANDLER)
    theirs = lead_without_parties(foreign_agency, office, name="鄂尔多斯市某安置房工程")
    client = client_for(office)
    form = client.get(reverse("meetings:meeting_new", args=[body.pk])).text
    assert ours.project.name in form
    assert theirs.project.name not in form
    with pytest.raises(ValidationError):
        plan(body, office, kind="consultation", cases=[theirs])

    meeting = plan(body, office, kind="consultation", title="线索会商", cases=[ours])
    workflows.meeting_notify(actor=office, meeting=meeting)
    meeting.refresh_from_db()
    notice = " ".join(meeting.notice.context["body"])
    # Every member and invited agency reads the notice: the cases are counted, not named.
    assert "会商案件1件" in notice
    assert ours.project.name not in notice


def test_the_admin_edits_the_body_and_its_members(body, client_for):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = client_for(admin)
    assert client.get(reverse("admin:meetings_body_change", args=[body.pk])).status_code == 200
    assert client.get(reverse("admin:meetings_body_changelist")).status_code == 200
