"""Complaints and assistance letters as staff and the public use them: forms, steps, the online channel's limits,
the public lookup, who sees the complainant, and outsiders."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Membership
from audit.models import AuditEvent
from cases.complaint_views import PAGE
from cases.models import AssistanceRequest, Complaint, Lead
from cases.todo import tasks_for
from cases.workflows import complaint_decline
from documents.models import Document
from documents.services import document_issue
from tests.concurrency import run_concurrently, transactional
from tests.factories import MembershipFactory

from .files import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _prefixes(agency, other_agency):
    agency.doc_prefix, other_agency.doc_prefix = "宣住建", "宣交运"
    agency.save()
    other_agency.save()


def details(**changes):
    data = {
        "submission_key": str(uuid.uuid4()),
        "kind": "complaint",
        "complainant_name": "张三",
        "complainant_phone": "13800000000",
        "complainant_address": "宣恩县珠山镇",
        "project_name": "宣恩县某道路改造工程",
        "category": "construction",
        "respondent_name": "某建设集团有限公司",
        "respondent_uscc": "91110000600037341L",
        "facts": "中标人项目经理有在建工程。",
    }
    data.update(changes)
    return data


def letter_data(assistant):
    """An assistance letter form to `assistant`, as the page posts it."""
    return {
        "submission_key": str(uuid.uuid4()),
        "assistant": assistant.pk,
        "case_summary": "案情。",
        "matters": "请提供资料。",
        "reasons": "核实。",
    }


def online(client, agency, **changes):
    return client.post(reverse("portal:complaint_new"), {"agency": agency.pk, **details(**changes)})


def test_the_public_files_online_and_gets_a_query_code(client, agency, insider):
    response = client.post(
        reverse("portal:complaint_new"),
        {"agency": agency.pk, **details(), "files": [SimpleUploadedFile("照片.pdf", PDF)]},
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:complaint_ack", args=[complaint.query_code])
    assert (complaint.channel, complaint.agency, complaint.recorded_by) == ("online", agency, None)
    assert complaint.attachments.get().uploaded_by is None
    ack = client.get(response.url).text
    assert complaint.query_code in ack
    assert "张三" not in ack


def test_the_online_form_says_what_is_wrong_and_keeps_the_input(client, agency):
    response = online(client, agency, complainant_phone="", respondent_uscc="91110000600037341A")
    assert response.status_code == 400
    assert "校验码应为 L" in response.text
    assert "中标人项目经理有在建工程。" in response.text
    assert not Complaint.objects.exists()


def test_a_credit_code_needs_the_name_of_its_party(client, agency):
    # Accepting the complaint creates the market entity of the code: it would have no name.
    response = online(client, agency, respondent_name="")
    assert response.status_code == 400
    assert "请填写该统一社会信用代码所属被投诉（举报）人的名称" in response.text
    assert not Complaint.objects.exists()
    assert online(client, agency, respondent_name="", respondent_uscc="").status_code == 302  # neither: fine


def test_an_anonymous_complaint_must_be_a_tip_off(client, agency):
    response = online(client, agency, anonymous="on", complainant_name="", complainant_phone="")
    assert response.status_code == 400
    tip_off = online(
        client, agency, kind="tip_off", anonymous="on", complainant_name="", complainant_phone=""
    )
    assert tip_off.status_code == 302
    assert Complaint.objects.get().anonymous


@pytest.mark.usefixtures("start_of_an_hour")
def test_the_online_channel_takes_a_limited_number_per_address_and_hour(client, agency, settings):
    settings.ONLINE_COMPLAINTS_PER_HOUR = 2
    assert [online(client, agency, facts=f"事项{n}。").status_code for n in range(3)] == [302, 302, 429]
    assert Complaint.objects.count() == 2
    other = client.post(
        reverse("portal:complaint_new"),
        {"agency": agency.pk, **details(facts="又一事项。")},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 302


@pytest.mark.usefixtures("start_of_an_hour")
def test_the_online_limit_counts_an_ipv6_network_not_each_of_its_addresses(client, agency, settings):
    settings.ONLINE_COMPLAINTS_PER_HOUR = 2
    statuses = [
        client.post(
            reverse("portal:complaint_new"),
            {"agency": agency.pk, **details(facts=f"事项{n}。")},
            REMOTE_ADDR=f"2001:db8:1:2::{n}",
        ).status_code
        for n in range(1, 4)
    ]
    assert statuses == [302, 302, 429]
    other = client.post(
        reverse("portal:complaint_new"),
        {"agency": agency.pk, **details(facts="又一事项。")},
        REMOTE_ADDR="2001:db8:1:3::1",
    )
    assert other.status_code == 302


def test_behind_a_proxy_that_adds_the_port_the_address_is_kept_without_it(client, agency, settings):
    settings.PROXY_COUNT = 1
    for forwarded in ("203.0.113.9:5678", "not-an-ip"):
        response = client.post(
            reverse("portal:complaint_new"),
            {"agency": agency.pk, **details(facts=f"自{forwarded}反映的事项。")},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        assert response.status_code == 302
    assert sorted(Complaint.objects.values_list("submitted_from", flat=True)) == ["10.0.0.2", "203.0.113.9"]


@pytest.mark.usefixtures("start_of_an_hour")
def test_past_the_limit_the_form_asks_for_the_files_again_and_marks_no_field(client, agency, settings):
    settings.ONLINE_COMPLAINTS_PER_HOUR = 1
    online(client, agency, facts="第一件事项。")
    response = client.post(
        reverse("portal:complaint_new"),
        {"agency": agency.pk, **details(), "files": [SimpleUploadedFile("照片.pdf", PDF)]},
    )
    assert response.status_code == 429
    assert "请重新选择附件" in response.text
    assert "请修改下面标出的内容" not in response.text  # no field is marked: the limit says what is wrong
    assert "中标人项目经理有在建工程。" in response.text
    field_error = online(client, agency, complainant_phone="")
    assert "请修改下面标出的内容" in field_error.text


def test_a_public_post_larger_than_the_form_can_take_is_refused_unread(agency, settings, client_for, insider):
    from django.test import Client

    settings.EVIDENCE_MAX_BYTES = 1024 * 1024  # the cap: 5 files of 1 MB, and 1 MB for the typed fields
    big = {
        "agency": agency.pk,
        **details(),
        "files": [SimpleUploadedFile("录音.pdf", PDF + b"0" * 7 * 1024 * 1024)],
    }
    # Without a CSRF token: the refusal comes before the CSRF check, which would read the whole post.
    response = Client(enforce_csrf_checks=True).post(reverse("portal:complaint_new"), big)
    assert response.status_code == 413
    assert "最多可附 5 个文件，每个不超过 1 MB" in response.text
    assert not Complaint.objects.exists()
    # Staff are bound by the limit per file only.
    assert client_for(insider).post(reverse("portal:complaint_new"), big).status_code == 400


@transactional
@pytest.mark.usefixtures("start_of_an_hour")
def test_two_submissions_at_once_cannot_both_take_the_last_place(agency, settings):
    from django.test import Client

    settings.ONLINE_COMPLAINTS_PER_HOUR = 1
    outcomes = run_concurrently(lambda: online(Client(), agency).status_code, times=3)
    assert sorted(outcomes) == [302, 429, 429]
    assert Complaint.objects.count() == 1


def test_the_trail_keeps_no_address_of_an_online_complainant(client, agency):
    # The hash-chained log is kept for ever; portal.limits.forget_addresses drops the complaint's address later.
    online(client, agency, kind="tip_off", anonymous="on", complainant_name="", complainant_phone="")
    event = AuditEvent.objects.get(action="complaint_received")
    assert event.ip == ""
    assert event.request_id  # still shown in the trail as an anonymous visitor's, not a system job's


def test_the_public_form_marks_every_required_choice_and_states_the_file_limit(client, agency, settings):
    settings.EVIDENCE_MAX_BYTES = 50 * 1024 * 1024
    page = client.get(reverse("portal:complaint_new")).text
    assert '投诉还是举报 <span class="text-danger" aria-hidden="true">*</span></legend>' in page
    assert "最多 5 个文件，每个不超过 50.0\xa0MB" in page


def test_the_form_sent_again_after_back_files_one_complaint_and_says_so(client, agency):
    """Back from the acknowledgement shows the form filled in but with a new submission key: sent again, the
    browser gets its first complaint's acknowledgement, not a second complaint in the department's tasks."""
    first = online(client, agency)
    again = online(client, agency)  # the same details, a new key
    complaint = Complaint.objects.get()
    assert again.url == first.url == reverse("portal:complaint_ack", args=[complaint.query_code])
    assert (
        f"您已提交过内容相同的投诉举报（查询码 {complaint.query_code}），本次未重复登记"
        in client.get(again.url).text
    )
    online(client, agency, facts="另一件事：评标专家与投标人有利害关系。")
    assert Complaint.objects.count() == 2  # another matter is another complaint
    online(Client(), agency)
    assert Complaint.objects.count() == 3  # and another browser's is its own


def test_the_public_lookup_shows_the_stage_and_dates_only(client, agency):
    online(client, agency)
    complaint = Complaint.objects.get()
    page = client.get(reverse("portal:complaint_status"), {"code": complaint.query_code.lower()}).text
    assert "已收到，正在判断管辖" in page
    for secret in ("张三", "13800000000", "中标人项目经理", "某建设集团有限公司"):
        assert secret not in page
    assert "没有查到" in client.get(reverse("portal:complaint_status"), {"code": "NOPE"}).text


@pytest.mark.parametrize("refer", [True, False])
def test_a_declined_complaint_tells_the_citizen_where_to_complain(
    client, agency, other_agency, colleague, refer
):
    """The L1 notice's content on the public lookup: the competent department and its public telephone, and
    whether the matter went there too."""
    other_agency.complaint_phone = "0718-3712345"
    other_agency.save()
    online(client, agency)
    complaint = Complaint.objects.get()
    complaint_decline(actor=colleague, complaint=complaint, competent=other_agency, refer=refer)
    page = client.get(reverse("portal:complaint_status"), {"code": complaint.query_code}).text
    assert other_agency.name in page
    assert "0718-3712345" in page
    assert ("本单位已将该事项一并移送该部门处理。" in page) is refer
    assert ("该事项属该部门管辖，请直接向该部门投诉。" in page) is not refer
    assert "作出决定日期" in page


# Staff ------------------------------------------------------------------------------------------------------


def test_staff_record_a_complaint_received_by_telephone(client_for, insider):
    response = client_for(insider).post(
        reverse("cases:complaint_new"), {**details(), "channel": "phone", "received_at": "2026-11-20T09:30"}
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert (complaint.channel, complaint.recorded_by) == ("phone", insider)


@pytest.mark.parametrize("role", [Membership.Role.LIAISON, Membership.Role.ADMIN])
def test_only_handlers_and_heads_record_complaints(client_for, agency, role):
    member = client_for(MembershipFactory(agency=agency, role=role).user)
    assert reverse("cases:complaint_new") not in member.get(reverse("cases:complaints")).text
    assert member.get(reverse("cases:complaint_new")).status_code == 403
    staff = {**details(), "channel": "phone", "received_at": "2026-11-20T09:30"}
    assert member.post(reverse("cases:complaint_new"), staff).status_code == 403
    assert not Complaint.objects.exists()


def test_the_complainant_is_seen_only_by_the_receiving_agency(
    client_for, client, agency, insider, supervisor
):
    online(client, agency)
    complaint = Complaint.objects.get()
    assert "13800000000" in client_for(insider).get(complaint.get_absolute_url()).text
    supervisor_page = client_for(supervisor).get(complaint.get_absolute_url())
    assert supervisor_page.status_code == 200
    assert "13800000000" not in supervisor_page.text
    assert "张三" not in supervisor_page.text


def test_declining_through_the_page_sends_the_notice_and_readies_the_referral(
    client, client_for, agency, other_agency, colleague
):
    online(client, agency)
    complaint = Complaint.objects.get()
    page = client_for(colleague).get(complaint.get_absolute_url()).text
    assert other_agency.name in page  # proposed as competent
    assert '<option value="" selected>请选择</option>' in page  # not Django's dashes
    url = reverse("cases:complaint_step", args=[complaint.pk, "decline"])
    response = client_for(colleague).post(
        url, {"seen_state": complaint.page_token, "competent": other_agency.pk, "refer": "on"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.NOTIFIED
    assert complaint.lead.state == Lead.State.APPROVED
    assert 'href="/cases/leads/' in client_for(colleague).get(complaint.get_absolute_url()).text
    refer = client_for(colleague).get(reverse("cases:refer", args=[complaint.lead.pk])).text
    assert f'<option value="{other_agency.pk}" selected>' in refer  # the department the notice named
    again = client_for(colleague).post(url, {"seen_state": "received.0", "competent": other_agency.pk})
    assert again.status_code == 409


def test_a_handler_accepts_but_may_not_decline(client, client_for, agency, other_agency, insider):
    online(client, agency)
    complaint = Complaint.objects.get()
    base = {"seen_state": complaint.page_token}
    decline = reverse("cases:complaint_step", args=[complaint.pk, "decline"])
    assert client_for(insider).post(decline, {**base, "competent": other_agency.pk}).status_code == 403
    accept = reverse("cases:complaint_step", args=[complaint.pk, "accept"])
    assert client_for(insider).post(accept, base).status_code == 302


def test_my_tasks_show_the_decision_with_its_clock(client, agency, insider):
    online(client, agency)
    [task] = [task for task in tasks_for(insider, agency) if task.title == "宣恩县某道路改造工程"]
    assert task.clock.deadline.rule.code == "L1"


def test_outsiders_get_404_on_complaints_and_their_attachments(client, client_for, agency, stranger):
    client.post(
        reverse("portal:complaint_new"),
        {"agency": agency.pk, **details(), "files": [SimpleUploadedFile("照片.pdf", PDF)]},
    )
    complaint = Complaint.objects.get()
    outsider = client_for(stranger)
    assert outsider.get(complaint.get_absolute_url()).status_code == 404
    step = reverse("cases:complaint_step", args=[complaint.pk, "accept"])
    assert outsider.post(step, {"seen_state": complaint.page_token}).status_code == 404
    attachment = reverse("cases:evidence", args=[complaint.attachments.get().pk])
    assert outsider.get(attachment).status_code == 404
    assert complaint.project_name not in outsider.get(reverse("cases:complaints")).text


def test_a_supervisor_cannot_download_a_complaints_attachments(client, client_for, agency, supervisor):
    client.post(
        reverse("portal:complaint_new"),
        {"agency": agency.pk, **details(), "files": [SimpleUploadedFile("照片.pdf", PDF)]},
    )
    attachment = Complaint.objects.get().attachments.get()
    assert client_for(supervisor).get(reverse("cases:evidence", args=[attachment.pk])).status_code == 404


# Assistance letters -------------------------------------------------------------------------------------------


def test_an_assistance_letter_through_the_pages(client_for, insider, agency, other_agency, stranger):
    other_agency.kind = Agency.Kind.SUPERVISORY
    other_agency.save()
    head = MembershipFactory(agency=other_agency, role=Membership.Role.HEAD).user
    handler = MembershipFactory(agency=other_agency, role=Membership.Role.HANDLER).user
    response = client_for(insider).post(
        reverse("cases:assistance_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "assistant": other_agency.pk,
            "case_summary": "某道路改造工程涉嫌串通投标。",
            "matters": "请提供项目经理在建工程信息。",
            "reasons": "核实项目经理是否有在建工程。",
        },
    )
    assert response.status_code == 302
    letter = AssistanceRequest.objects.get()
    assert letter.get_absolute_url() == response.url
    assert client_for(stranger).get(letter.get_absolute_url()).status_code == 404
    url = reverse("cases:assistance_step", args=[letter.pk, "return"])
    assert client_for(handler).post(url, {"seen_state": letter.page_token, "reasons": "x"}).status_code == 403
    refused = client_for(head).post(url, {"seen_state": letter.page_token, "reasons": ""})
    assert refused.status_code == 400
    assert "退回理由" in refused.text
    url = reverse("cases:assistance_step", args=[letter.pk, "assist"])
    assert (
        client_for(handler).post(url, {"seen_state": letter.page_token, "feedback": "已提供。"}).status_code
        == 302
    )
    letter.refresh_from_db()
    assert letter.state == AssistanceRequest.State.ASSISTED
    page = client_for(insider).get(letter.get_absolute_url()).text
    assert "已提供。" in page
    assert "发出时间" in page  # a letter is sent, not referred (移送)
    documents = page[page.index('<h2 class="h6">文书</h2>') :]
    assert documents.index(letter.letter.number) < documents.index(letter.answer_letter.number)  # both listed


@pytest.mark.parametrize("role", [Membership.Role.LIAISON, Membership.Role.ADMIN])
def test_only_handlers_and_heads_send_assistance_letters(client_for, agency, other_agency, role):
    member = client_for(MembershipFactory(agency=agency, role=role).user)
    assert reverse("cases:assistance_new") not in member.get(reverse("cases:assistance_list")).text
    assert member.get(reverse("cases:assistance_new")).status_code == 403
    letter = letter_data(other_agency)
    assert member.post(reverse("cases:assistance_new"), letter).status_code == 403
    assert not AssistanceRequest.objects.exists()
    assert not Document.objects.exists()  # no 协助办理函 numbered


def test_a_form_sent_twice_creates_one_complaint_and_one_letter(
    client, client_for, agency, other_agency, insider
):
    data = {"agency": agency.pk, **details()}
    first, second = (client.post(reverse("portal:complaint_new"), data) for _ in range(2))
    assert first.url == second.url
    assert Complaint.objects.count() == 1
    staff = {**details(), "channel": "phone", "received_at": "2026-11-20T09:30"}
    assert client_for(insider).post(reverse("cases:complaint_new"), staff).status_code == 302
    assert client_for(insider).post(reverse("cases:complaint_new"), staff).status_code == 302
    assert Complaint.objects.count() == 2
    letter = letter_data(other_agency)
    for _ in range(2):
        client_for(insider).post(reverse("cases:assistance_new"), letter)
    assert AssistanceRequest.objects.count() == 1


def test_a_form_sent_again_to_another_agency_is_refused(client, agency, other_agency):
    data = details()
    assert client.post(reverse("portal:complaint_new"), {"agency": agency.pk, **data}).status_code == 302
    again = client.post(reverse("portal:complaint_new"), {"agency": other_agency.pk, **data})
    assert again.status_code == 400
    assert "此表单已提交过" in again.text
    assert "中标人项目经理有在建工程。" in again.text  # the input is kept
    assert Complaint.objects.get().agency == agency


def test_an_assistance_letter_sent_again_to_another_agency_is_refused(
    client_for, insider, other_agency, foreign_agency
):
    """The back button, then another agency asked: not the first letter shown as if sent to the second."""
    client = client_for(insider)
    letter = letter_data(other_agency)
    assert client.post(reverse("cases:assistance_new"), letter).status_code == 302
    again = client.post(reverse("cases:assistance_new"), {**letter, "assistant": foreign_agency.pk})
    assert again.status_code == 400
    assert "此表单已提交过" in again.text
    assert AssistanceRequest.objects.get().assistant == other_agency


@transactional
def test_two_online_submits_of_one_form_at_once_file_one_complaint(agency):
    from django.test import Client

    data = {"agency": agency.pk, **details()}
    outcomes = run_concurrently(
        lambda: Client().post(reverse("portal:complaint_new"), data).status_code, times=2
    )
    assert outcomes == [302, 302]
    assert Complaint.objects.count() == 1


@transactional
@pytest.mark.usefixtures("start_of_an_hour")
def test_one_form_sent_twice_at_once_on_the_last_place_files_it_and_takes_one_place(agency, settings):
    """A double click when the address has one place left this hour: both requests get the complaint filed, not
    one of them "too many submissions", and the form counts once."""
    from django.test import Client

    from portal.models import SubmissionWindow

    settings.ONLINE_COMPLAINTS_PER_HOUR = 1
    data = {"agency": agency.pk, **details()}
    outcomes = run_concurrently(
        lambda: Client().post(reverse("portal:complaint_new"), data).status_code, times=2
    )
    assert outcomes == [302, 302]
    assert Complaint.objects.count() == 1
    assert SubmissionWindow.objects.get().count == 1


def test_the_notice_names_the_complainant_so_supervisors_cannot_open_it(
    client, client_for, agency, other_agency, colleague, supervisor
):
    online(client, agency)
    complaint = Complaint.objects.get()
    url = reverse("cases:complaint_step", args=[complaint.pk, "decline"])
    client_for(colleague).post(url, {"seen_state": complaint.page_token, "competent": other_agency.pk})
    complaint.refresh_from_db()
    assert complaint.notice.confidential
    assert client_for(supervisor).get(complaint.notice.get_absolute_url()).status_code == 404
    assert client_for(colleague).get(complaint.notice.get_absolute_url()).status_code == 200


def test_the_acknowledgement_is_for_the_browser_that_filed(client, agency):
    from django.test import Client

    online(client, agency)
    code = Complaint.objects.get().query_code
    other = Client().get(reverse("portal:complaint_ack", args=[code]))
    assert other.status_code == 302
    assert other.url == f"{reverse('portal:complaint_status')}?code={code}"


def test_a_supervisor_posting_a_decision_gets_403_before_any_form_error(
    client, client_for, agency, supervisor
):
    online(client, agency)
    complaint = Complaint.objects.get()
    url = reverse("cases:complaint_step", args=[complaint.pk, "decline"])
    assert client_for(supervisor).post(url, {"seen_state": complaint.page_token}).status_code == 403


def test_an_agency_without_a_document_code_is_told_so(client, client_for, agency, other_agency, colleague):
    online(client, agency)
    complaint = Complaint.objects.get()
    agency.doc_prefix = ""
    agency.save()
    url = reverse("cases:complaint_step", args=[complaint.pk, "decline"])
    response = client_for(colleague).post(
        url, {"seen_state": complaint.page_token, "competent": other_agency.pk}
    )
    assert response.status_code == 400
    assert "尚未设置发文机关代字" in response.text


def test_an_assistance_letter_from_an_agency_without_a_document_code_says_so(
    client_for, agency, other_agency, insider
):
    agency.doc_prefix = ""
    agency.save()
    response = client_for(insider).post(
        reverse("cases:assistance_new"),
        {
            "submission_key": str(uuid.uuid4()),
            "assistant": other_agency.pk,
            "case_summary": "某道路改造工程涉嫌串通投标。",
            "matters": "请提供项目经理在建工程信息。",
            "reasons": "核实。",
        },
    )
    assert response.status_code == 400
    assert "尚未设置发文机关代字" in response.text
    assert "请提供项目经理在建工程信息。" in response.text  # the input is kept
    assert not AssistanceRequest.objects.exists()


# Lists --------------------------------------------------------------------------------------------------------


def test_handlers_are_offered_to_record_a_complaint_and_send_a_letter(client_for, insider):
    member = client_for(insider)
    assert reverse("cases:complaint_new") in member.get(reverse("cases:complaints")).text
    assert reverse("cases:assistance_new") in member.get(reverse("cases:assistance_list")).text


def test_the_complaint_list_pages_to_the_oldest(client_for, agency, insider):
    now = timezone.now()
    Complaint.objects.bulk_create(
        Complaint(agency=agency, kind="tip_off", channel="phone", received_at=now - timedelta(minutes=n),
                  project_name=f"第{n}号项目", category="construction", facts="事实。")
        for n in range(PAGE + 1)
    )  # fmt: skip
    client, url = client_for(insider), reverse("cases:complaints")
    first = client.get(url, {"state": "received"}).text
    assert f"第{PAGE}号项目" not in first
    assert 'href="?state=received&amp;page=2"' in first  # the next page keeps the filter
    second = client.get(url, {"state": "received", "page": 2}).text
    assert f"第{PAGE}号项目" in second
    assert "第0号项目" not in second


def test_the_assistance_list_pages_to_the_oldest(client_for, agency, other_agency, insider):
    now = timezone.now()
    letter = document_issue(actor=insider, agency=agency, addressee=other_agency, kind=Document.Kind.LETTER,
                            title="协助办理函", context={"recipient": other_agency.name, "body": []})  # fmt: skip
    AssistanceRequest.objects.bulk_create(
        AssistanceRequest(requester=agency, assistant=other_agency, case_summary="案情。", matters=f"第{n}号事项",
                          reasons="核实。", letter=letter, sent_by=insider, sent_at=now - timedelta(minutes=n))
        for n in range(PAGE + 1)
    )  # fmt: skip
    client, url = client_for(insider), reverse("cases:assistance_list")
    first = client.get(url).text
    assert f"第{PAGE}号事项" not in first
    assert 'href="?page=2"' in first
    assert f"第{PAGE}号事项" in client.get(url, {"page": 2}).text
