"""A complaint from the public site to the competent department, in a real browser: a citizen files it online with
the wrong department, whose head sends the 告知书 and the referral; the right department signs for it; the citizen
looks up the stage."""

import pytest

from agencies.models import Agency, Membership
from cases.models import Complaint, Referral
from tests.concurrency import transactional
from tests.factories import MembershipFactory

from .test_referral_flow import as_user

pytestmark = [pytest.mark.e2e, transactional]


@pytest.fixture
def departments(agency, other_agency, colleague, insider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agency.doc_prefix, agency.kind = "宣住建", Agency.Kind.SUPERVISORY
    agency.save()
    other_agency.doc_prefix, other_agency.kind = "宣交运", Agency.Kind.SUPERVISORY
    other_agency.save()
    MembershipFactory(agency=other_agency, role=Membership.Role.HANDLER, user__username="receiver")


def test_a_complaint_filed_online_reaches_the_right_department(
    new_page, live_server, departments, agency, other_agency
):
    citizen = new_page()
    citizen.goto(f"{live_server.url}/")
    citizen.get_by_role("link", name="网上投诉举报").first.click()
    citizen.get_by_label("受理部门").select_option(label=f"{agency.region.name} · {agency.name}")
    citizen.get_by_label("投诉", exact=True).check()
    citizen.get_by_label("投诉（举报）人姓名").fill("张三")
    citizen.get_by_label("联系电话").fill("13800000000")
    citizen.get_by_label("项目名称").fill("宣恩县某乡村公路改造工程")
    citizen.get_by_label("类别").select_option(value="construction")
    citizen.get_by_label("事实和请求").fill("中标人项目经理同时担任其他在建工程项目经理，请依法查处。")
    citizen.get_by_role("button", name="提交").click()
    citizen.get_by_role("heading", name="投诉举报受理回执").wait_for()
    code = citizen.locator("#query-code").inner_text().strip()
    assert Complaint.objects.get().query_code == code

    head = as_user(new_page, live_server, "colleague")
    head.get_by_role("link", name="判断是否属本单位管辖").click()
    head.get_by_label("有权处理的部门").select_option(
        label=f"{other_agency.name}（{other_agency.region.name}）"
    )
    head.get_by_label("同时将案件移送该部门").check()
    head.get_by_role("button", name="不属本单位管辖：发出告知书").click()
    head.get_by_text("告知书正在生成").wait_for()
    head.get_by_role("link", name="宣恩县某乡村公路改造工程").first.click()  # the lead approved for referral
    head.get_by_role("link", name="移送主管部门").click()
    # The destination reloads the list of receivers (htmx): choose the receiver from the new list.
    with head.expect_response(lambda response: "/receivers/" in response.url):
        head.get_by_label("移送去向").select_option(value="supervisory")
    head.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    head.get_by_label("接收单位").select_option(label=other_agency.name)
    head.get_by_label("送达方式").select_option(value="email")
    head.get_by_label("法律依据").fill("《宣恩县公共资源交易联动监督管理实施方案》二（四）2")
    head.locator("#id_material-0-name").fill("投诉材料")
    head.locator("#id_material-0-pages").fill("3")
    head.get_by_role("button", name="发送移送函").click()
    head.get_by_text("已移送：移送函已编号").wait_for()

    receiver = as_user(new_page, live_server, "receiver")
    receiver.get_by_role("link", name="签收").first.click()
    receiver.get_by_role("button", name="签收").click()
    receiver.get_by_text("已签收，移送回执正在生成。").wait_for()
    assert Referral.objects.get().state == Referral.State.RECEIVED

    citizen.goto(f"{live_server.url}/public/complaints/status/?code={code}")
    assert citizen.locator("#complaint-status").get_by_text("不属本部门管辖，已告知").is_visible()
    assert "张三" not in citizen.content()
