"""A referral from end to end in a real browser: a clerk files a lead with a file, two colleagues verify, the head
approves and sends, the receiver signs and accepts, the sender sees the receipt PDF and the acceptance, and the
supervisor sees the clocks met."""

import pytest
from django.utils import timezone

from agencies.models import Agency, Membership
from cases.models import Referral
from documents.models import Document
from documents.services import document_render
from tests.cases.files import PDF
from tests.concurrency import transactional
from tests.factories import MembershipFactory

from .test_login_flow import log_in

pytestmark = [pytest.mark.e2e, transactional]


@pytest.fixture
def people(agency, colleague, insider, other_agency, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agency.doc_prefix = "宣住建"
    agency.save()
    other_agency.kind = Agency.Kind.SUPERVISORY
    other_agency.doc_prefix = "宣交运"
    other_agency.save()
    for username, member_of, role in [
        ("verifier1", agency, Membership.Role.HANDLER),
        ("verifier2", agency, Membership.Role.HANDLER),
        ("receiver", other_agency, Membership.Role.HANDLER),
        ("receiver_head", other_agency, Membership.Role.HEAD),
    ]:
        MembershipFactory(agency=member_of, role=role, user__username=username)


def as_user(new_page, live_server, username):
    page = new_page(accept_downloads=True)
    log_in(page, live_server, username)
    return page


def test_a_referral_from_lead_to_acceptance(new_page, live_server, people, agency, other_agency, tmp_path):
    evidence = tmp_path / "雷同分析.pdf"
    evidence.write_bytes(PDF)

    clerk = as_user(new_page, live_server, "insider")
    clerk.get_by_role("link", name="案件").click()
    clerk.get_by_role("link", name="登记线索").click()
    clerk.get_by_label("来源").select_option(value="trading_center")
    # Discovered today, so that the referral is on time whatever day the suite runs.
    clerk.get_by_label("发现或收到日期").fill(timezone.localdate().isoformat())
    clerk.get_by_label("事实").fill("两家投标人的投标文件雷同，报价呈等差数列。")
    clerk.get_by_label("证据材料").set_input_files(str(evidence))
    clerk.get_by_label("项目名称").fill("宣恩县某道路改造工程")
    clerk.get_by_label("类别").select_option(value="construction")
    clerk.locator("#id_party-0-name").fill("某建设集团有限公司")
    clerk.locator("#id_party-0-uscc").fill("91110000600037341L")
    # Three bidders colluded: the form offers two rows, the button a third (the chosen file stays chosen).
    clerk.get_by_role("button", name="添加当事人").click()
    clerk.locator("#id_party-2-name").fill("某工程咨询有限公司")
    clerk.locator("#id_party-2-uscc").fill("91422825177570439X")
    clerk.get_by_role("button", name="登记线索").click()
    clerk.get_by_role("heading", name="宣恩县某道路改造工程").wait_for()
    clerk.get_by_role("link", name="雷同分析.pdf").wait_for()
    clerk.get_by_text("某工程咨询有限公司").wait_for()
    lead_url = clerk.url

    for username in ("verifier1", "verifier2"):
        page = as_user(new_page, live_server, username)
        page.goto(lead_url)
        page.get_by_label("核实情况").fill(f"{username}：比对投标文件，雷同属实。")
        page.get_by_role("button", name="记录我的核实情况").click()
        page.get_by_text("您的核实情况已记录。").wait_for()
    page.get_by_label("书面报告").set_input_files(str(evidence))
    page.get_by_role("button", name="将书面报告报送负责人").click()
    page.get_by_text("书面报告已报送负责人审批。").wait_for()

    head = as_user(new_page, live_server, "colleague")
    head.goto(lead_url)
    head.get_by_role("button", name="批准移送").click()
    head.get_by_text("已批准，可以移送该线索。").wait_for()
    head.get_by_role("link", name="移送主管部门").click()
    # The destination reloads the list of receivers (htmx): choose the receiver from the new list.
    with head.expect_response(lambda response: "/receivers/" in response.url):
        head.get_by_label("移送去向").select_option(value="supervisory")
    head.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    head.get_by_label("接收单位").select_option(label=other_agency.name)
    head.get_by_label("送达方式").select_option(value="direct")
    head.get_by_label("法律依据").fill("《中华人民共和国招标投标法实施条例》第四十条")
    head.locator("#id_material-0-name").fill("投标文件雷同分析报告")
    head.locator("#id_material-0-pages").fill("15")
    for _ in range(2):  # three rows offered: a fifth material needs two more
        head.get_by_role("button", name="添加材料").click()
    head.locator("#id_material-4-name").fill("询问笔录")
    head.locator("#id_material-4-pages").fill("4")
    head.get_by_role("button", name="发送移送函").click()
    head.get_by_text("已移送：移送函已编号").wait_for()
    assert list(Referral.objects.get().materials.order_by("id").values_list("name", flat=True)) == [
        "投标文件雷同分析报告",
        "询问笔录",
    ]

    receiver = as_user(new_page, live_server, "receiver")
    receiver.get_by_role("link", name="签收").first.click()  # 我的待办 leads to the case
    receiver.get_by_role("button", name="签收").click()
    receiver.get_by_text("已签收，移送回执正在生成。").wait_for()
    receipt = Document.objects.get(kind=Document.Kind.RECEIPT)
    document_render(document_id=receipt.pk)  # what the worker does with the queued render

    receiver_head = as_user(new_page, live_server, "receiver_head")
    receiver_head.goto(lead_url)
    receiver_head.get_by_role("button", name="受理").click()
    receiver_head.get_by_text("已受理，请在 5 个工作日内").wait_for()
    assert Referral.objects.get().state == Referral.State.ACCEPTED

    clerk.goto(lead_url)
    assert clerk.locator(".referral-state").inner_text().strip() == "已受理"
    clerk.get_by_role("link", name=receipt.number).click()
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name="下载 PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    clerk.goto(lead_url)
    assert "受理" in clerk.locator(".audit-timeline").inner_text()

    supervisor = as_user(new_page, live_server, "supervisor")
    supervisor.goto(lead_url)
    clocks = supervisor.locator(".clock-list")
    assert clocks.get_by_text("按时完成").count() == 2  # L2 (refer) and L3 (decide) met
