"""The case pages as people use them: filing a lead, each step's form, refusals in Chinese, stale and double clicks,
who sees which button, and outsiders."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency, Membership
from cases.models import Evidence, Lead, Referral, Verification
from cases.workflows import referral_receive
from documents.models import Document
from tests.concurrency import run_concurrently, transactional
from tests.factories import AgencyFactory, MembershipFactory

from .files import PDF
from .test_referral import send

pytestmark = pytest.mark.django_db

BIDDER = "91110000600037341L"


def lead_data(**changes):
    data = {
        "submission_key": str(uuid.uuid4()),
        "source": "trading_center",
        "discovered_on": "2026-09-30",
        "project_name": "宣恩县某道路改造工程",
        "project_code": "XE-2026-017",
        "category": "construction",
        "amount": "3200000",
        "facts": "两家投标人的投标文件雷同。",
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "20",
        "party-0-name": "某建设集团有限公司",
        "party-0-uscc": BIDDER,
        "party-0-role": "bidder",
        "party-1-name": "",
        "party-1-uscc": "",
        "party-1-role": "bidder",
    }
    data.update(changes)
    return data


def test_the_form_marks_required_fields_but_not_the_rows_it_may_leave_empty(client_for, insider):
    page = client_for(insider).get(reverse("cases:lead_new")).text
    star = ' <span class="text-danger" aria-hidden="true">*</span></label>'
    assert f'for="id_project_name">项目名称{star}' in page
    # The party rows are needed only when filled in: a lead with one party leaves the second empty.
    assert 'for="id_party-0-name">名称</label>' in page
    assert 'for="id_party-1-uscc">统一社会信用代码</label>' in page


def test_a_clerk_files_a_lead_with_a_file(client_for, insider):
    client = client_for(insider)
    assert client.get(reverse("cases:lead_new")).status_code == 200
    response = client.post(
        reverse("cases:lead_new"), {**lead_data(), "files": [SimpleUploadedFile("雷同分析.pdf", PDF)]}
    )
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response.url == lead.get_absolute_url()
    assert lead.project.code == "XE-2026-017"
    assert lead.parties.get().entity.uscc == BIDDER
    assert lead.evidence.get().original_name == "雷同分析.pdf"


def test_an_invalid_credit_code_keeps_the_input_and_names_the_check_character(client_for, insider):
    response = client_for(insider).post(
        reverse("cases:lead_new"), lead_data(**{"party-0-uscc": BIDDER[:-1] + "A"})
    )
    assert response.status_code == 400
    assert "校验码应为 L" in response.text  # the expected check character, in Chinese
    assert "宣恩县某道路改造工程" in response.text  # what was typed is kept
    assert not Lead.objects.exists()


def test_a_disallowed_file_is_refused_and_nothing_is_stored(client_for, insider, settings):
    response = client_for(insider).post(
        reverse("cases:lead_new"),
        {**lead_data(), "files": [SimpleUploadedFile("报告.pdf", b"<html><script></script></html>")]},
    )
    assert response.status_code == 400
    assert "报告.pdf 不能上传：该文件是网页文件。" in response.text
    assert not Lead.objects.exists()
    assert not Evidence.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def test_submitting_the_same_form_twice_files_one_lead(client_for, insider):
    client, data = client_for(insider), lead_data()
    first = client.post(reverse("cases:lead_new"), data)
    second = client.post(reverse("cases:lead_new"), data)
    assert Lead.objects.count() == 1
    assert first.url == second.url


def test_the_same_form_sent_again_for_another_agency_says_so_above_the_form(
    client_for, insider, other_agency
):
    from agencies.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(user=insider, agency=other_agency, role=Membership.Role.HANDLER)
    client, data = client_for(insider), lead_data()
    assert client.post(reverse("cases:lead_new"), data).status_code == 302
    client.post(reverse("agencies:switch"), {"agency": other_agency.pk, "next": "/"})
    again = client.post(reverse("cases:lead_new"), data)
    assert again.status_code == 400
    assert again.context["form"].non_field_errors() == [
        "此表单已提交过，不能改后再次提交：如需另行提交，请重新打开表单。"
    ]
    assert not again.context["form"].errors.get("files")
    assert Lead.objects.count() == 1


@transactional
def test_two_submits_of_one_form_at_once_file_one_lead(client_for, insider):
    from django.test import Client

    data = lead_data()

    def submit():
        client = Client()
        client.force_login(insider)
        return client.post(reverse("cases:lead_new"), data).status_code

    assert run_concurrently(submit, times=2) == [302, 302]
    assert Lead.objects.count() == 1


def test_someone_without_an_agency_cannot_file(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(reverse("cases:lead_new")).status_code == 403


# Steps on the lead -----------------------------------------------------------------------------------------------


def post_step(client, lead, step, **data):
    lead.refresh_from_db()
    return client.post(
        reverse("cases:lead_step", args=[lead.pk, step]), {"seen_state": lead.page_token, **data}
    )


def test_two_colleagues_verify_then_the_head_approves(
    client_for, file_lead, insider, colleague, second_handler
):
    lead = file_lead([])
    assert post_step(client_for(insider), lead, "verify", findings="比对投标文件。").status_code == 302
    assert post_step(client_for(second_handler), lead, "verify", findings="调取开标记录。").status_code == 302
    response = post_step(client_for(insider), lead, "submit", report=SimpleUploadedFile("核实报告.pdf", PDF))
    assert response.status_code == 302
    page = client_for(colleague).get(lead.get_absolute_url()).text
    assert "批准移送" in page
    assert "退回补充核实" in page
    assert post_step(client_for(colleague), lead, "approve").status_code == 302
    lead.refresh_from_db()
    assert lead.state == Lead.State.APPROVED


def test_verifying_twice_is_refused_with_a_message_and_counts_once(client_for, file_lead, insider):
    lead = file_lead([])
    client = client_for(insider)
    post_step(client, lead, "verify", findings="核实。")
    response = post_step(client, lead, "verify", findings="再次核实。")
    assert response.status_code == 400
    assert "您已核实过此线索" in response.text
    assert Verification.objects.filter(lead=lead).count() == 1


def test_a_step_address_opened_as_a_page_says_so_and_links_to_its_case(
    client_for, file_lead, insider, outsider
):
    """A bookmark, a reload or a new tab on a step's address: a page of the portal, not the browser's bare
    "HTTP ERROR 405"; nothing is done. An outsider gets the same page and learns nothing about the case; an
    anonymous visitor logs in first."""
    from django.test import Client

    lead = file_lead([])
    url = reverse("cases:lead_step", args=[lead.pk, "verify"])
    for user in (insider, outsider):
        response = client_for(user).get(url)
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert "此地址用于提交办理操作" in response.text
        assert f'href="{lead.get_absolute_url()}"' in response.text
        assert lead.project.name not in response.text
    assert Client().get(url).url == f"{reverse('login')}?next={url}"
    assert not Verification.objects.exists()


def test_on_a_form_sent_back_with_errors_the_language_button_returns_to_the_case(
    client_for, file_lead, insider
):
    """The page answering the step's post has the step's address: the header's buttons bring the user back to
    the case, which a GET can open."""
    lead = file_lead([])
    response = post_step(client_for(insider), lead, "verify", findings="")
    assert response.status_code == 400
    assert f'<input type="hidden" name="next" value="{lead.get_absolute_url()}">' in response.text
    page = client_for(insider).get(lead.get_absolute_url()).text
    assert f'<input type="hidden" name="next" value="{lead.get_absolute_url()}">' in page


def test_the_verify_form_is_gone_once_i_verified(client_for, file_lead, insider):
    lead = file_lead([])
    client = client_for(insider)
    assert 'data-step="verify"' in client.get(lead.get_absolute_url()).text
    post_step(client, lead, "verify", findings="核实。")
    assert 'data-step="verify"' not in client.get(lead.get_absolute_url()).text


def test_a_report_with_one_verifier_is_refused_with_the_rule(client_for, file_lead, insider):
    lead = file_lead([])
    client = client_for(insider)
    post_step(client, lead, "verify", findings="核实。")
    response = post_step(client, lead, "submit", report=SimpleUploadedFile("核实报告.pdf", PDF))
    assert response.status_code == 400
    assert "至少须有 2 名不同人员核实" in response.text


def test_sending_back_without_reasons_is_refused(client_for, file_lead, insider, second_handler, colleague):
    lead = file_lead([])
    post_step(client_for(insider), lead, "verify", findings="核实。")
    post_step(client_for(second_handler), lead, "verify", findings="核实。")
    post_step(client_for(insider), lead, "submit", report=SimpleUploadedFile("核实报告.pdf", PDF))
    response = post_step(client_for(colleague), lead, "send_back", reasons="")
    assert response.status_code == 400
    assert "这个字段是必填项" in response.text
    assert "需补充核实的内容" in response.text  # the field names what the head writes, not a bare 理由
    lead.refresh_from_db()
    assert lead.state == Lead.State.AWAITING_APPROVAL


def test_a_handler_sees_no_approval_buttons_and_is_refused_with_403(client_for, approved, insider):
    Lead.objects.filter(pk=approved.pk).update(state=Lead.State.AWAITING_APPROVAL)
    client = client_for(insider)
    assert 'data-step="approve"' not in client.get(approved.get_absolute_url()).text
    assert post_step(client, approved, "approve").status_code == 403


def test_a_click_on_an_older_version_in_the_same_state_gets_409(
    client_for, file_lead, insider, second_handler, colleague
):
    """Sent back and submitted again: the head's page of the first report must not approve the second."""
    lead = file_lead([])
    post_step(client_for(insider), lead, "verify", findings="核实。")
    post_step(client_for(second_handler), lead, "verify", findings="核实。")
    post_step(client_for(insider), lead, "submit", report=SimpleUploadedFile("报告一.pdf", PDF))
    lead.refresh_from_db()
    first_page = lead.page_token
    post_step(client_for(colleague), lead, "send_back", reasons="补充录像。")
    post_step(client_for(insider), lead, "submit", report=SimpleUploadedFile("报告二.pdf", PDF + b"2"))
    lead.refresh_from_db()
    assert lead.state == "awaiting_approval"
    url = reverse("cases:lead_step", args=[lead.pk, "approve"])
    assert client_for(colleague).post(url, {"seen_state": first_page}).status_code == 409
    lead.refresh_from_db()
    assert lead.state == "awaiting_approval"


def test_a_supervisor_posting_a_step_gets_403_however_old_the_page(client_for, approved, supervisor):
    url = reverse("cases:lead_step", args=[approved.pk, "approve"])
    assert client_for(supervisor).post(url, {"seen_state": "awaiting_approval.0"}).status_code == 403
    assert client_for(supervisor).get(reverse("cases:refer", args=[approved.pk])).status_code == 403


def test_a_stale_click_gets_409_and_changes_nothing(client_for, approved, colleague):
    client = client_for(colleague)
    response = client.post(
        reverse("cases:lead_step", args=[approved.pk, "approve"]), {"seen_state": "awaiting_approval"}
    )
    assert response.status_code == 409
    assert "此件已被他人处理，请刷新" in response.text
    assert approved.approvals.count() == 1


@transactional
def test_two_heads_clicking_approve_at_once_one_gets_409(
    file_lead, agency, insider, second_handler, colleague
):
    from django.test import Client

    from cases.workflows import lead_submit, lead_verify

    lead = file_lead([])
    lead_verify(actor=insider, lead=lead, findings="核实。")
    lead_verify(actor=second_handler, lead=lead, findings="核实。")
    lead_submit(actor=insider, lead=lead, report_file=SimpleUploadedFile("核实报告.pdf", PDF))
    heads = iter([colleague, MembershipFactory(agency=agency, role=Membership.Role.HEAD).user])
    lead.refresh_from_db()
    token = lead.page_token

    def click():
        client = Client()
        client.force_login(next(heads))
        url = reverse("cases:lead_step", args=[lead.pk, "approve"])
        return client.post(url, {"seen_state": token}).status_code

    assert sorted(run_concurrently(click, times=2)) == [302, 409]
    assert lead.approvals.count() == 1


# Referring and the receiver's steps --------------------------------------------------------------------------


@pytest.fixture
def transport_bureau(other_agency):
    other_agency.kind = Agency.Kind.SUPERVISORY
    other_agency.doc_prefix = "宣交运"
    other_agency.save()
    return other_agency


def refer_data(receiver, **changes):
    data = {
        "destination": "supervisory",
        "receiver": receiver.pk,
        "method": "direct",
        "legal_basis": "《中华人民共和国招标投标法实施条例》第四十条",
        "material-TOTAL_FORMS": "2",
        "material-INITIAL_FORMS": "0",
        "material-MIN_NUM_FORMS": "1",
        "material-MAX_NUM_FORMS": "100",
        "material-0-name": "投标文件雷同分析报告",
        "material-0-copies": "1",
        "material-0-pages": "15",
        "material-1-name": "",
        "material-1-copies": "1",
        "material-1-pages": "",
    }
    data.update(changes)
    return data


def test_the_destination_proposes_agencies_of_its_kind(
    client_for, approved, insider, transport_bureau, region
):
    police = AgencyFactory(region=region, name="宣恩县公安局", kind=Agency.Kind.POLICE)
    client = client_for(insider)
    options = client.get(reverse("cases:receivers", args=[approved.pk]), {"destination": "police"}).text
    assert police.name in options
    assert transport_bureau.name not in options
    options = client.get(reverse("cases:receivers", args=[approved.pk]), {"destination": "supervisory"}).text
    assert transport_bureau.name in options
    assert police.name not in options
    assert approved.agency.name not in options  # never one's own agency


def test_a_receiver_of_the_wrong_kind_is_refused(client_for, approved, insider, region):
    police = AgencyFactory(region=region, name="宣恩县公安局", kind=Agency.Kind.POLICE)
    response = client_for(insider).post(reverse("cases:refer", args=[approved.pk]), refer_data(police))
    assert response.status_code == 400
    assert "该单位不属于所选移送去向对应的单位类别" in response.text  # not Django's "选择一个有效的选项"
    assert not Referral.objects.exists()


def test_the_form_offers_the_first_destinations_agencies_from_the_first_view(
    client_for, approved, insider, transport_bureau, region
):
    police = AgencyFactory(region=region, name="宣恩县公安局", kind=Agency.Kind.POLICE)
    page = client_for(insider).get(reverse("cases:refer", args=[approved.pk])).text
    assert '<option value="supervisory" selected>' in page
    assert f'<option value="{transport_bureau.pk}">' in page
    assert f'<option value="{police.pk}">' not in page  # until the police are the destination


def test_referring_needs_a_material(client_for, approved, insider, transport_bureau):
    response = client_for(insider).post(
        reverse("cases:refer", args=[approved.pk]),
        refer_data(transport_bureau, **{"material-0-name": "", "material-0-pages": ""}),
    )
    assert response.status_code == 400
    assert "请至少列出一项移送材料" in response.text
    assert not Referral.objects.exists()


def test_a_referral_from_an_agency_without_a_document_code_says_so(
    client_for, approved, agency, insider, transport_bureau
):
    agency.doc_prefix = ""
    agency.save()
    response = client_for(insider).post(
        reverse("cases:refer", args=[approved.pk]), refer_data(transport_bureau)
    )
    assert response.status_code == 400
    assert "尚未设置发文机关代字" in response.text
    assert "《中华人民共和国招标投标法实施条例》第四十条" in response.text  # the input is kept
    assert not Referral.objects.exists()


def test_sending_the_referral_form_twice_refers_once(client_for, approved, insider, transport_bureau):
    client, url = client_for(insider), reverse("cases:refer", args=[approved.pk])
    assert client.post(url, refer_data(transport_bureau)).status_code == 302
    second = client.post(url, refer_data(transport_bureau))
    assert second.status_code == 409
    assert "此件已被他人处理，请刷新" in second.text
    assert Referral.objects.count() == 1


def test_the_whole_referral_through_the_pages(
    client_for, approved, insider, transport_bureau, receiver_handler, receiver_head
):
    client = client_for(insider)
    assert client.get(reverse("cases:refer", args=[approved.pk])).status_code == 200
    response = client.post(reverse("cases:refer", args=[approved.pk]), refer_data(transport_bureau))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.materials.get().pages == 15

    def step(user, name, **data):
        referral.refresh_from_db()
        url = reverse("cases:referral_step", args=[referral.pk, name])
        return client_for(user).post(url, {"seen_state": referral.page_token, **data})

    assert step(receiver_handler, "receive").status_code == 302
    assert step(receiver_handler, "accept").status_code == 403  # deciding is the head's
    assert step(receiver_head, "return", reasons="").status_code == 400
    assert step(receiver_head, "accept").status_code == 302
    assert step(receiver_handler, "notify_acceptance").status_code == 302
    assert step(receiver_head, "conclude", result="").status_code == 400
    assert step(receiver_head, "conclude", result="已立案查处，罚款 5 万元。").status_code == 302
    assert step(receiver_handler, "notify_result").status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.RESULT_NOTIFIED
    # The sender sees each step: the receipt, the letters and the receiver's events in the trail.
    page = client_for(insider).get(approved.get_absolute_url()).text
    assert referral.receipt.number in page
    for step in ("签收", "受理", "办理结果"):
        assert step in page
    assert "已立案查处" in page


def test_returning_through_the_page_needs_reasons_and_frees_the_lead(
    client_for, approved, insider, transport_bureau, receiver_handler, receiver_head
):
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, transport_bureau))
    url = reverse("cases:referral_step", args=[referral.pk, "return"])
    response = client_for(receiver_head).post(url, {"seen_state": referral.page_token, "reasons": "   "})
    assert response.status_code == 400
    response = client_for(receiver_head).post(
        url, {"seen_state": referral.page_token, "reasons": "不属本部门职责。"}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.state == Lead.State.APPROVED
    assert Document.objects.filter(title__startswith="关于退回").exists()


def test_forwarding_offers_organs_of_the_same_kind(
    client_for,
    approved,
    insider,
    transport_bureau,
    receiver_handler,
    receiver_head,
    upper_region,
    foreign_region,
):
    competent = AgencyFactory(region=upper_region, name="恩施州交通运输局", kind=Agency.Kind.SUPERVISORY)
    elsewhere = AgencyFactory(
        region=foreign_region, name="鄂尔多斯市交通运输局", kind=Agency.Kind.SUPERVISORY
    )
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, transport_bureau))
    page = client_for(receiver_head).get(approved.get_absolute_url()).text
    assert competent.name in page
    assert elsewhere.name not in page  # another jurisdiction is not another level
    url = reverse("cases:referral_step", args=[referral.pk, "forward"])
    response = client_for(receiver_head).post(
        url, {"seen_state": referral.page_token, "competent": elsewhere.pk}
    )
    assert response.status_code == 400
    response = client_for(receiver_head).post(
        url, {"seen_state": referral.page_token, "competent": competent.pk}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.forwarded_to.receiver == competent


def test_without_a_competent_organ_to_forward_to_the_page_says_so_instead_of_an_empty_list(
    client_for, approved, insider, transport_bureau, receiver_handler, receiver_head
):
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, transport_bureau))
    page = client_for(receiver_head).get(approved.get_absolute_url()).text
    assert reverse("cases:referral_step", args=[referral.pk, "forward"]) not in page
    assert "无法转送：本单位所在地区的上级或下级没有同类机关" in page
    assert reverse("cases:referral_step", args=[referral.pk, "return"]) in page  # what is left to do


# Outsiders -------------------------------------------------------------------------------------------------------


def test_an_outsider_gets_404_on_every_case_view(client_for, approved, insider, transport_bureau, stranger):
    referral = send(approved, insider, transport_bureau)
    evidence = approved.evidence.first()
    client = client_for(stranger)
    gets = [
        reverse("cases:lead", args=[approved.pk]),
        reverse("cases:refer", args=[approved.pk]),
        reverse("cases:receivers", args=[approved.pk]),
        reverse("cases:evidence", args=[evidence.pk]),
        reverse("documents:detail", args=[referral.letter.pk]),
    ]
    posts = [
        reverse("cases:lead_step", args=[approved.pk, "verify"]),
        reverse("cases:referral_step", args=[referral.pk, "receive"]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"seen_state": "sent"}).status_code == 404, url
    assert approved.project.name not in client.get(reverse("cases:list")).text


def test_an_unknown_step_is_refused(client_for, approved, insider):
    assert (
        client_for(insider).post(reverse("cases:lead_step", args=[approved.pk, "delete"])).status_code == 403
    )


def test_steps_are_post_only(client_for, approved, colleague):
    assert (
        client_for(colleague).get(reverse("cases:lead_step", args=[approved.pk, "approve"])).status_code
        == 405
    )
