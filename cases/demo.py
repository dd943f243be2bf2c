"""Demo cases for `make run`: leads of the 宣恩 trading center at each stage, a complaint, an assistance letter and a suspected crime with the police, made through the real workflows so that
their clocks, documents, notifications and trail are what a real case would have. Demo only (seed_demo_cases)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from credit.services import market_entity
from deadlines.due import LEGAL_TZ

from .models import Complaint, Lead, TradingProject
from .services import Party, lead_file
from .workflows import (
    assistance_send,
    complaint_record,
    lead_approve,
    lead_submit,
    lead_verify,
    referral_accept,
    referral_notify_acceptance,
    referral_receive,
    referral_send,
)
from .workflows import criminal as criminal_workflows

DEMO_CODE = "DEMO-XE-"  # project codes of the demo cases: seeding is skipped once they exist
# Stand-ins for a scanned record and the written report (two files: the same bytes would be kept once).
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

CASES = [
    # (code suffix, project, category, amount, facts, days ago found, how far it has gone)
    ("001", "宣恩县城区道路提质改造工程", "construction", "8650000.00",
     "开标时发现第二、第五名投标人的投标文件由同一电脑编制（机器码一致），报价呈等差数列，涉嫌串通投标。", 1, "filed"),
    ("002", "宣恩县椒园镇农村饮水安全巩固提升工程", "construction", "3120000.00",
     "中标候选人业绩证明材料中的两项合同经核查不存在，涉嫌以他人名义投标、弄虚作假。", 4, "received"),
    ("003", "宣恩县第二中学教学楼建设项目监理服务", "construction", "560000.00",
     "招标代理机构在开标前向特定投标人泄露评标委员会成员名单。", 9, "acceptance_notified"),
    # Found three weeks ago and verified by one clerk only: its referral (L2, 5 working days) is late whatever the
    # holidays, so the board has something red and the supervisor something to press (seed_demo_notices).
    ("004", "宣恩县万寨乡集镇污水处理设备采购", "procurement", "1280000.00",
     "供应商提供的检测报告经出具机构核实系伪造，涉嫌提供虚假材料谋取中标。", 21, "filed"),
]  # fmt: skip


def _user(username):
    return get_user_model().objects.get(username=username)


def _pdf(name):
    return ContentFile(PDF + f"% {name}\n".encode(), name=name)


@transaction.atomic
def seed_demo_cases() -> int:
    """Create the demo cases unless they exist; return how many were created."""
    if TradingProject.objects.filter(code__startswith=DEMO_CODE).exists():
        return 0
    center = Agency.objects.get(name="宣恩县公共资源交易中心")
    housing = Agency.objects.get(name="宣恩县住房和城乡建设局")
    clerk, clerk2, center_head = _user("xe_clerk"), _user("xe_clerk2"), _user("xe_center_head")
    housing_handler, housing_head = _user("xe_handler"), _user("xe_head")
    bidder = market_entity("91110000600037341L", "恩施某路桥建设有限公司")
    today = timezone.localdate(timezone.now(), LEGAL_TZ)
    leads = []
    for suffix, name, category, amount, facts, days_ago, stage in CASES:
        lead = lead_file(
            actor=clerk,
            agency=center,
            source=Lead.Source.TRADING_CENTER,
            project=TradingProject(name=name, code=DEMO_CODE + suffix, category=category, amount=amount),
            facts=facts,
            discovered_on=today - timedelta(days=days_ago),
            parties=[Party(bidder, "bidder")],
            files=[_pdf("开标现场记录.pdf")],
        )
        leads.append(lead)
        lead_verify(actor=clerk, lead=lead, findings="调取开标记录和投标文件，情况属实。")
        if stage == "filed":
            continue
        lead_verify(actor=clerk2, lead=lead, findings="比对电子投标文件的编制信息，情况属实。")
        lead_submit(actor=clerk, lead=lead, report_file=_pdf("核实情况报告.pdf"))
        lead_approve(actor=center_head, lead=lead)
        referral = referral_send(
            actor=center_head,
            lead=lead,
            receiver=housing,
            destination="supervisory",
            method="direct",
            legal_basis="《中华人民共和国招标投标法》第七条、《中华人民共和国招标投标法实施条例》第四条",
            materials=[
                {"name": "核实情况报告", "copies": 1, "pages": 4, "is_original": True, "note": ""},
                {"name": "开标现场记录", "copies": 1, "pages": 2, "is_original": False, "note": "复印件"},
            ],
        )
        referral = referral_receive(actor=housing_handler, referral=referral)
        if stage == "received":
            continue
        referral = referral_accept(actor=housing_head, referral=referral)
        referral_notify_acceptance(actor=housing_handler, referral=referral)
    # A complaint filed online with 住建局, awaiting its decision on competence (L1), and an assistance letter
    # from 住建局 to 交通运输局 awaiting the answer (L6).
    complaint_record(
        actor=None,
        agency=housing,
        kind=Complaint.Kind.COMPLAINT,
        channel=Complaint.Channel.ONLINE,
        details={
            "complainant_name": "刘某",
            "complainant_phone": "13900000000",
            "project_name": "宣恩县高罗镇农村公路安防工程",
            "project_code": DEMO_CODE + "C01",
            "category": "construction",
            "respondent_name": "恩施某路桥建设有限公司",
            "respondent_uscc": bidder.uscc,
            "facts": "中标人拟派项目经理同时在其他在建工程任职，请依法查处并答复。",
        },
        files=[],
    )
    assistance_send(
        actor=housing_handler,
        requester=housing,
        assistant=Agency.objects.get(name="宣恩县交通运输局"),
        case_summary="宣恩县第二中学教学楼建设项目监理服务招标中，招标代理机构涉嫌泄露评标委员会名单。",
        matters="请提供该招标代理机构近两年在交通运输工程项目中的从业记录。",
        reasons="核实该机构是否存在同类违法行为。",
        files=[],
    )
    # The first lead (identical machine codes, prices in arithmetic progression) looks like 串通投标罪: transferred
    # to the county police, who have yet to sign for it.
    criminal = criminal_workflows.criminal_start(
        actor=clerk,
        lead=leads[0],
        team=[clerk, clerk2],
        police=Agency.objects.get(name="宣恩县公安局"),
        suspected_offence="串通投标罪（《刑法》第二百二十三条）",
    )
    criminal = criminal_workflows.criminal_submit(
        actor=clerk, criminal=criminal, report_file=_pdf("专案组调查报告.pdf")
    )
    criminal = criminal_workflows.criminal_approve(actor=center_head, criminal=criminal)
    criminal_workflows.criminal_transfer(
        actor=clerk, criminal=criminal, investigation_report=True, items_list=False, expert_opinion=False
    )
    return len(CASES) + 3
