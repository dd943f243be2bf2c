"""Sending an approved lead and the receiver signing for it (宣恩 二(四)2; Decree 310 Art. 7 receipts)."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencies.models import Membership
from audit.models import AuditEvent
from cases.models import Lead, Referral, TradingProject
from cases.workflows import referral_receive, referral_send
from deadlines.clocks import running_for
from documents.models import Document
from documents.pdf import render_pdf
from notifications.models import Notification
from tests.concurrency import run_concurrently, transactional
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MATERIALS = [
    {"name": "投标文件雷同分析报告", "copies": 1, "pages": 15, "is_original": False, "note": "系统导出"},
    {"name": "开标记录", "copies": 1, "pages": 3, "is_original": True, "note": ""},
]


def send(approved, insider, other_agency):
    return referral_send(
        actor=insider,
        lead=approved,
        receiver=other_agency,
        destination=Referral.Destination.SUPERVISORY,
        method=Referral.Method.DIRECT,
        legal_basis="《中华人民共和国招标投标法实施条例》第四十条",
        materials=MATERIALS,
    )


def test_sending_numbers_the_letter_meets_l2_and_starts_the_receivers_clock(
    approved, insider, other_agency, receiver_handler
):
    referral = send(approved, insider, other_agency)
    approved.refresh_from_db()
    assert approved.state == Lead.State.REFERRED
    assert referral.letter.kind == Document.Kind.LETTER
    assert referral.letter.number == f"{approved.agency.doc_prefix}函〔{referral.letter.year}〕1号"
    assert not running_for(approved, "L2").exists()  # met
    assert running_for(referral, "L3").get().agency == other_agency
    assert Notification.objects.filter(
        recipient=receiver_handler, key=f"referral:{referral.pk}:sent"
    ).exists()
    assert referral.materials.count() == 2
    assert AuditEvent.objects.filter(action="referral_sent", object_id=referral.pk).exists()


def test_the_letter_carries_the_materials_catalogue_it_names_as_its_annex(
    approved, insider, other_agency, tmp_path
):
    """The letter ends "附件：移送材料清单": the catalogue follows on a page of its own, as on the receipt."""
    letter = send(approved, insider, other_agency).letter
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render_pdf(letter))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    body, annex = ("".join(page.split()) for page in pages.stdout.split("\f")[:2])
    assert "附件：移送材料清单" in body
    assert "{#" not in pages.stdout  # no template text on the page
    assert "开标记录" not in body
    assert annex.startswith("附件移送材料清单")  # the label on the first line, then the title
    assert "1投标文件雷同分析报告115复印件系统导出2开标记录13原件" in annex


def test_a_project_name_as_long_as_its_field_still_gives_a_letter(approved, insider, other_agency):
    approved.project.name = "某" * 200
    approved.project.save()
    letter = send(approved, insider, other_agency).letter
    assert len(letter.title) == Document._meta.get_field("title").max_length
    assert letter.title.startswith("关于移送某某")
    assert letter.title.endswith("…")


def test_the_receiver_signs_and_the_receipt_lists_the_materials(
    approved, insider, other_agency, receiver_handler
):
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    assert referral.state == Referral.State.RECEIVED
    assert (referral.received_by, referral.receipt.kind) == (receiver_handler, Document.Kind.RECEIPT)
    assert referral.receipt.agency == other_agency
    assert [item["name"] for item in referral.receipt.context["materials"]] == [m["name"] for m in MATERIALS]
    assert referral.receipt.context["original_number"] == referral.letter.number
    assert Notification.objects.filter(recipient=insider, key=f"referral:{referral.pk}:received").exists()


def test_only_the_receiving_agency_signs(approved, insider, other_agency, receiver_handler):
    referral = send(approved, insider, other_agency)
    with pytest.raises(PermissionDenied):
        referral_receive(actor=insider, referral=referral)


def test_a_lead_not_yet_approved_cannot_be_sent(file_lead, insider, other_agency):
    with pytest.raises(PermissionDenied):
        send(file_lead([]), insider, other_agency)


def test_sending_needs_a_legal_basis_and_materials(approved, insider, other_agency):
    with pytest.raises(ValidationError, match="请写明移送的法律依据"):
        referral_send(
            actor=insider, lead=approved, receiver=other_agency, destination="supervisory", method="direct",
            legal_basis=" ", materials=MATERIALS,
        )  # fmt: skip
    approved.refresh_from_db()
    assert approved.state == Lead.State.APPROVED


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("insider", True), ("supervisor", True), ("receiver_handler", True), ("foreign_supervisor", False)],
)
def test_referral_visibility(request, approved, insider, other_agency, receiver_handler, persona, sees):
    referral = send(approved, insider, other_agency)
    user = request.getfixturevalue(persona)
    assert Referral.objects.visible_to(user).filter(pk=referral.pk).exists() is sees


@pytest.mark.parametrize(
    "persona", ["insider", "supervisor", "receiver_handler", "foreign_supervisor", "admin_user"]
)
def test_the_referrals_of_leads_read_with_fewer_joins_are_the_visible_ones(
    request, approved, insider, other_agency, receiver_handler, receiver_head, region, persona
):
    from cases.services import lead_file
    from cases.workflows import referral_return

    referral_return(
        actor=receiver_head,
        referral=referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency)),
        reasons="不属本部门职责。",
    )
    send(approved, insider, AgencyFactory(region=region, name="宣恩县水利和湖泊局", doc_prefix="宣水"))
    # A lead of the receiver's own agency: for its people one lead whose referrals are all theirs, one not.
    own = lead_file(
        actor=receiver_handler, agency=other_agency, source=Lead.Source.ROUTINE, project=TradingProject(name="某工程"),
        facts="围标。", discovered_on=approved.discovered_on, parties=[], files=[],
    )  # fmt: skip
    user = request.getfixturevalue(persona)
    leads = [(lead.pk, lead.agency_id, lead.agency.region_id) for lead in (approved, own)]
    expected = Referral.objects.visible_to(user).filter(lead__in=[approved, own])
    assert set(Referral.objects.of_leads_visible_to(user, leads)) == set(expected)


def test_accepting_meets_l3_then_reporting_meets_l4_with_a_letter(
    approved, insider, other_agency, receiver_handler, receiver_head
):
    from cases.workflows import referral_accept, referral_notify_acceptance

    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral = referral_accept(actor=receiver_head, referral=referral)
    assert not running_for(referral, "L3").exists()
    assert running_for(referral, "L4").exists()
    referral = referral_notify_acceptance(actor=receiver_handler, referral=referral)
    assert referral.state == Referral.State.ACCEPTANCE_NOTIFIED
    assert not running_for(referral, "L4").exists()
    reply = Document.objects.get(title__startswith="关于受理")
    assert (reply.agency, reply.addressee) == (other_agency, approved.agency)
    assert Notification.objects.filter(recipient=insider, key=f"referral:{referral.pk}:accepted").exists()


def test_a_handler_cannot_decide(approved, insider, other_agency, receiver_handler):
    from cases.workflows import referral_accept

    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    with pytest.raises(PermissionDenied):
        referral_accept(actor=receiver_handler, referral=referral)


def test_returning_needs_reasons_and_frees_the_lead(
    approved, insider, other_agency, receiver_handler, receiver_head
):
    from cases.workflows import referral_return

    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    with pytest.raises(ValidationError, match="请书面说明退回理由"):
        referral_return(actor=receiver_head, referral=referral, reasons="")
    referral = referral_return(
        actor=receiver_head, referral=referral, reasons="该项目属政府采购，不属本局职责。"
    )
    assert referral.state == Referral.State.RETURNED
    approved.refresh_from_db()
    assert (approved.state, approved.needs_designation) == (Lead.State.APPROVED, False)
    assert Document.objects.filter(title__startswith="关于退回").exists()


def test_a_lead_returned_twice_is_flagged_for_the_coordinator(
    approved, insider, other_agency, receiver_handler, receiver_head, supervisor
):
    from cases.workflows import referral_return

    for _ in range(2):
        referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
        referral_return(actor=receiver_head, referral=referral, reasons="不属本局职责。")
        approved.refresh_from_db()
    assert approved.needs_designation is True
    assert Notification.objects.filter(
        recipient=supervisor, key=f"lead:{approved.pk}:needs-designation"
    ).exists()


def test_the_whole_receiving_side_ends_with_the_result_reported(
    approved, insider, other_agency, receiver_handler, receiver_head
):
    from cases.workflows import (
        referral_accept,
        referral_conclude,
        referral_notify_acceptance,
        referral_notify_result,
    )

    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral = referral_accept(actor=receiver_head, referral=referral)
    referral = referral_notify_acceptance(actor=receiver_handler, referral=referral)
    with pytest.raises(ValidationError, match="请填写办理结果"):
        referral_conclude(actor=receiver_head, referral=referral, result=" ")
    referral = referral_conclude(
        actor=receiver_head, referral=referral, result="对两家投标人各处罚款并记不良行为记录。"
    )
    assert running_for(referral, "L5").exists()
    referral = referral_notify_result(actor=receiver_handler, referral=referral)
    assert referral.state == Referral.State.RESULT_NOTIFIED
    assert not running_for(referral, "L5").exists()
    assert Notification.objects.filter(recipient=insider, key=f"referral:{referral.pk}:result").exists()
    actions = list(
        AuditEvent.objects.filter(object_id=referral.pk, content_type__model="referral").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "referral_sent", "referral_received", "referral_accepted", "referral_acceptance_notified",
        "referral_concluded", "referral_result_notified",
    ]  # fmt: skip


def test_forwarding_refers_on_and_tells_the_origin(
    approved, insider, other_agency, receiver_handler, receiver_head, upper_region
):
    from cases.workflows import referral_forward

    foreign_agency = AgencyFactory(region=upper_region, name="恩施州交通运输局", doc_prefix="恩交")
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral = referral_forward(actor=receiver_head, referral=referral, competent=foreign_agency)
    assert referral.state == Referral.State.FORWARDED
    onward = referral.forwarded_to
    assert (onward.sender, onward.receiver, onward.lead) == (other_agency, foreign_agency, approved)
    assert [m.name for m in onward.materials.all()] == [m["name"] for m in MATERIALS]
    assert running_for(onward, "L3").get().agency == foreign_agency
    assert not running_for(referral, "L3").exists()
    assert Document.objects.filter(title__startswith="关于转送", addressee=approved.agency).exists()


def test_the_origin_follows_its_lead_along_a_forwarding_chain(
    approved, insider, other_agency, receiver_handler, receiver_head, upper_region
):
    from cases.workflows import referral_forward, referral_return

    competent = AgencyFactory(region=upper_region, name="恩施州交通运输局", doc_prefix="恩交")
    competent_head = MembershipFactory(agency=competent, role=Membership.Role.HEAD).user
    MembershipFactory(agency=competent, role=Membership.Role.HANDLER)
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral = referral_forward(actor=receiver_head, referral=referral, competent=competent)
    onward = referral.forwarded_to
    assert Referral.objects.visible_to(insider).filter(pk=onward.pk).exists()
    onward = referral_receive(actor=MembershipFactory(agency=competent, role="handler").user, referral=onward)
    referral_return(actor=competent_head, referral=onward, reasons="不属本局管辖。")
    assert Notification.objects.filter(recipient=insider, key=f"referral:{onward.pk}:returned").exists()


def test_a_referral_goes_out_when_the_administrator_switched_its_receivers_rule_off(
    approved, insider, other_agency
):
    from deadlines.models import DeadlineRule

    DeadlineRule.objects.filter(code="L3").update(is_active=False)
    referral = send(approved, insider, other_agency)
    assert referral.letter.number
    assert not running_for(referral).exists()


@transactional
def test_two_signatures_at_once_number_one_receipt(approved, insider, other_agency, receiver_handler):
    """Two clicks on 签收 at the same moment, on real connections: one receipt numbered, one event, one message to
    each of the sender's handlers; the other click is the 409 conflict."""
    from django_fsm import ConcurrentTransition

    referral = send(approved, insider, other_agency)
    seen = referral.page_token
    outcomes = run_concurrently(
        lambda: referral_receive(actor=receiver_handler, referral=referral, seen_state=seen)
    )
    assert sum(isinstance(outcome, Referral) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, ConcurrentTransition) for outcome in outcomes) == 1
    assert list(Document.objects.filter(kind=Document.Kind.RECEIPT).values_list("sequence", flat=True)) == [1]
    assert AuditEvent.objects.filter(action="referral_received", object_id=referral.pk).count() == 1
    received = Notification.objects.filter(
        key=f"referral:{referral.pk}:received"
    )  # to the sender's two handlers
    assert received.count() == len(set(received.values_list("recipient", flat=True))) == 2
