"""Complaints and tip-offs (宣恩 二(四)2, rule L1) and assistance letters (二(四)3, rule L6) through their workflows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm import ConcurrentTransition

from agencies.models import Agency, Membership
from cases.models import AssistanceRequest, Complaint, Lead
from cases.workflows import (
    assistance_give,
    assistance_return,
    assistance_send,
    complaint_accept,
    complaint_decline,
    complaint_record,
)
from deadlines.clocks import running_for
from deadlines.models import Deadline
from deadlines.sweep import sweep
from documents.models import Document
from tests.deadlines.conftest import at
from tests.factories import MembershipFactory

from .files import PDF

pytestmark = pytest.mark.django_db

DETAILS = {
    "complainant_name": "张三",
    "complainant_phone": "13800000000",
    "project_name": "宣恩县某道路改造工程",
    "category": "construction",
    "respondent_name": "某建设集团有限公司",
    "respondent_uscc": "91110000600037341L",
    "facts": "中标人项目经理有在建工程，请依法查处。",
}


@pytest.fixture
def recorded(agency, insider):
    agency.doc_prefix = "宣住建"
    agency.save()

    def record(**changes):
        return complaint_record(
            actor=insider,
            agency=agency,
            kind=changes.pop("kind", Complaint.Kind.COMPLAINT),
            channel=Complaint.Channel.PHONE,
            details={**DETAILS, **changes.pop("details", {})},
            files=changes.pop("files", []),
            received_at=changes.pop("received_at", None),
        )

    return record


def test_recording_starts_l1_and_tells_the_handlers(recorded, agency):
    complaint = recorded(received_at=at(2026, 11, 2, 10))  # a Monday
    clock = running_for(complaint, "L1").get()
    assert clock.agency == agency
    assert clock.due_at == at(2026, 11, 5, 23, 59, 59, 999999)  # 3 working days, the first day not counted
    assert len(complaint.query_code) == 12


def test_a_notice_late_on_day_4_is_overdue(recorded):
    complaint = recorded(received_at=at(2026, 11, 2, 10))
    sweep(at(2026, 11, 5, 23, 0))
    assert running_for(complaint, "L1").get().state == Deadline.State.OPEN
    sweep(at(2026, 11, 6, 0, 1))
    assert running_for(complaint, "L1").get().state == Deadline.State.OVERDUE


def test_a_complaint_needs_a_name_but_a_tip_off_may_be_anonymous(recorded):
    with pytest.raises(ValidationError, match="投诉须留下投诉人姓名和电话"):
        recorded(details={"anonymous": True, "complainant_name": "", "complainant_phone": ""})
    tip_off = recorded(kind=Complaint.Kind.TIP_OFF, details={"anonymous": True, "complainant_name": ""})
    assert tip_off.anonymous


def test_an_invalid_credit_code_is_refused(recorded):
    with pytest.raises(ValidationError, match="校验码应为 L"):
        recorded(details={"respondent_uscc": "91110000600037341A"})
    assert not Complaint.objects.exists()


def test_attachments_are_checked_like_evidence(recorded):
    with pytest.raises(ValidationError):
        recorded(files=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00 executable")])
    assert not Complaint.objects.exists()
    complaint = recorded(files=[SimpleUploadedFile("现场照片.pdf", PDF)])
    assert complaint.attachments.get().original_name == "现场照片.pdf"


def test_accepting_makes_a_lead_and_the_attachments_stay_with_the_complaint(recorded, insider):
    complaint = recorded(files=[SimpleUploadedFile("现场照片.pdf", PDF)])
    complaint = complaint_accept(actor=insider, complaint=complaint)
    assert complaint.state == Complaint.State.ACCEPTED
    lead = complaint.lead
    assert (lead.source, lead.state, lead.agency) == (
        Lead.Source.COMPLAINT,
        Lead.State.FILED,
        complaint.agency,
    )
    assert not lead.evidence.exists()  # they may show who complained; the lead is seen more widely
    assert lead.parties.get().entity.uscc == DETAILS["respondent_uscc"]
    assert not running_for(complaint, "L1").exists()


def test_a_complaint_the_agency_handles_itself_has_no_referral_clock(recorded, insider):
    # 宣恩 二(四)2: L2 is for a case that must move (案件需要移送的); this one the agency handles (二(四)3).
    complaint = complaint_accept(actor=insider, complaint=recorded())
    assert not running_for(complaint.lead, "L2").exists()
    assert not Deadline.objects.filter(rule__code="L2").exists()  # not started and cancelled: never started


def test_declining_sends_the_notice_and_approves_the_referral(recorded, colleague, other_agency):
    complaint = recorded()
    complaint = complaint_decline(actor=colleague, complaint=complaint, competent=other_agency, refer=True)
    assert complaint.state == Complaint.State.NOTIFIED
    assert complaint.notice.kind == Document.Kind.NOTICE
    assert other_agency.name in complaint.notice.context["body"][0]
    assert complaint.lead.state == Lead.State.APPROVED
    assert running_for(complaint.lead, "L2").exists()
    assert not running_for(complaint, "L1").exists()


def test_declining_is_the_heads_and_steps_out_of_order_are_refused(
    recorded, insider, colleague, other_agency
):
    complaint = recorded()
    with pytest.raises(PermissionDenied):
        complaint_decline(actor=insider, complaint=complaint, competent=other_agency, refer=False)
    complaint_accept(actor=insider, complaint=complaint)
    with pytest.raises(ConcurrentTransition):
        complaint_decline(
            actor=colleague, complaint=complaint, competent=other_agency, refer=False, seen_state="received"
        )
    with pytest.raises(PermissionDenied):
        complaint_decline(actor=colleague, complaint=complaint, competent=other_agency, refer=False)


def test_someone_of_another_agency_cannot_record_for_it(agency, outsider):
    with pytest.raises(PermissionDenied):
        complaint_record(
            actor=outsider, agency=agency, kind="complaint", channel="phone", details=DETAILS, files=[]
        )


def test_a_liaison_of_the_agency_may_not_record_for_it(agency):
    liaison = MembershipFactory(agency=agency, role=Membership.Role.LIAISON).user
    with pytest.raises(PermissionDenied):
        complaint_record(
            actor=liaison, agency=agency, kind="complaint", channel="phone", details=DETAILS, files=[]
        )
    assert not Complaint.objects.exists()


# Assistance letters ------------------------------------------------------------------------------------------


def send(insider, agency, other_agency):
    return assistance_send(
        actor=insider,
        requester=agency,
        assistant=other_agency,
        case_summary="某道路改造工程涉嫌串通投标。",
        matters="请提供中标人在贵局备案的项目经理在建工程信息。",
        reasons="核实项目经理是否存在在建工程。",
        files=[SimpleUploadedFile("调查函附件.pdf", PDF)],
    )


def test_sending_numbers_the_letter_and_starts_l6_for_the_agency_asked(insider, agency, other_agency, asked):
    assistance = send(insider, agency, other_agency)
    assert assistance.letter.number.startswith("宣住建函〔")
    assert running_for(assistance, "L6").get().agency == other_agency
    assert assistance.attachments.count() == 1


def test_assisting_answers_in_writing_and_meets_l6(insider, agency, other_agency, asked):
    assistance = send(insider, agency, other_agency)
    with pytest.raises(ValidationError):
        assistance_give(actor=asked["handler"], assistance=assistance, feedback=" ")
    assistance = assistance_give(
        actor=asked["handler"], assistance=assistance, feedback="已提供在建工程清单。"
    )
    assert assistance.state == AssistanceRequest.State.ASSISTED
    assert assistance.answer_letter.addressee == agency
    assert not running_for(assistance, "L6").exists()


def test_returning_needs_the_head_and_written_reasons(insider, agency, other_agency, asked):
    assistance = send(insider, agency, other_agency)
    with pytest.raises(PermissionDenied):
        assistance_return(actor=asked["handler"], assistance=assistance, reasons="超出职能。")
    with pytest.raises(ValidationError):
        assistance_return(actor=asked["head"], assistance=assistance, reasons="")
    assistance = assistance_return(actor=asked["head"], assistance=assistance, reasons="该事项不属本局职能。")
    assert assistance.state == AssistanceRequest.State.RETURNED
    with pytest.raises(PermissionDenied):  # answered once: no second answer
        assistance_give(actor=asked["head"], assistance=assistance, feedback="补充。")


def test_the_requester_cannot_answer_its_own_letter(insider, colleague, agency, other_agency, asked):
    assistance = send(insider, agency, other_agency)
    with pytest.raises(PermissionDenied):
        assistance_give(actor=colleague, assistance=assistance, feedback="自己回复。")


def test_only_another_active_agency_can_be_asked(insider, agency, asked):
    with pytest.raises(ValidationError):
        send(insider, agency, agency)
    inactive = Agency.objects.create(
        name="已撤销的局", short_name="撤", kind="supervisory", region=agency.region
    )
    inactive.is_active = False
    inactive.save()
    with pytest.raises(ValidationError):
        send(insider, agency, inactive)


def test_a_liaison_of_the_agency_may_not_send_its_letters(agency, other_agency, asked):
    liaison = MembershipFactory(agency=agency, role=Membership.Role.LIAISON).user
    with pytest.raises(PermissionDenied):
        send(liaison, agency, other_agency)
    assert not AssistanceRequest.objects.exists()
