"""鄂尔多斯 第十一条: two or more staff verify, a written report is attached, the head approves or sends back."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from agencies.models import Membership
from audit.models import AuditEvent
from cases.models import Approval, Lead
from cases.permissions import ALLOWED
from cases.workflows import lead_approve, lead_send_back, lead_submit, lead_verify
from tests.concurrency import run_concurrently, transactional
from tests.factories import MembershipFactory

from .files import PDF

pytestmark = pytest.mark.django_db


def report():
    return SimpleUploadedFile("核实报告.pdf", PDF)


@pytest.fixture
def verified(file_lead, insider, second_handler):
    lead = file_lead([])
    lead_verify(actor=insider, lead=lead, findings="比对投标文件，雷同属实。")
    lead_verify(actor=second_handler, lead=lead, findings="调取开标记录，报价等差。")
    return lead


def test_two_different_people_verify_then_the_head_approves(verified, insider, colleague):
    lead = lead_submit(actor=insider, lead=verified, report_file=report())
    assert lead.state == Lead.State.AWAITING_APPROVAL
    assert lead.report.original_name == "核实报告.pdf"
    lead = lead_approve(actor=colleague, lead=lead)
    assert lead.state == Lead.State.APPROVED
    assert Approval.objects.get(lead=lead).decision == "approved"
    assert list(AuditEvent.objects.filter(object_id=lead.pk).values_list("action", flat=True)) == [
        "lead_filed",
        "lead_verified",
        "lead_verified",
        "lead_submitted",
        "lead_approved",
    ]


def test_one_person_cannot_count_twice(file_lead, insider):
    lead = file_lead([])
    lead_verify(actor=insider, lead=lead, findings="核实。")
    with pytest.raises(ValidationError, match="您已核实过此线索"):
        lead_verify(actor=insider, lead=lead, findings="再次核实。")
    with pytest.raises(ValidationError, match="至少须有 2 名不同人员核实"):
        lead_submit(actor=insider, lead=lead, report_file=report())


def test_nobody_approves_their_own_verification(file_lead, insider, colleague):
    lead = file_lead([])
    lead_verify(actor=insider, lead=lead, findings="核实。")
    lead_verify(actor=colleague, lead=lead, findings="核实。")
    lead = lead_submit(actor=insider, lead=lead, report_file=report())
    with pytest.raises(ValidationError, match="您本人核实过此线索"):
        lead_approve(actor=colleague, lead=lead)


def test_sending_back_needs_reasons_and_reopens_verification(verified, insider, colleague):
    lead = lead_submit(actor=insider, lead=verified, report_file=report())
    with pytest.raises(ValidationError, match="请说明退回理由"):
        lead_send_back(actor=colleague, lead=lead, reasons="  ")
    lead = lead_send_back(actor=colleague, lead=lead, reasons="缺少开标现场录像。")
    assert lead.state == Lead.State.FILED
    assert Approval.objects.get(lead=lead).reasons == "缺少开标现场录像。"


def test_a_report_of_a_disallowed_type_is_refused_and_nothing_changes(verified, insider):
    with pytest.raises(ValidationError):
        lead_submit(
            actor=insider, lead=verified, report_file=SimpleUploadedFile("报告.pdf", b"<html></html>")
        )
    verified.refresh_from_db()
    assert verified.state == Lead.State.FILED


ROLES = list(Membership.Role)
STATES = [Lead.State.FILED, Lead.State.AWAITING_APPROVAL, Lead.State.APPROVED]
ACTIONS = ["verify", "submit", "approve", "send_back"]


@pytest.mark.parametrize(("role", "state", "action"), list(itertools.product(ROLES, STATES, ACTIONS)))
def test_the_allow_list_is_enforced_for_every_role_state_and_action(file_lead, agency, role, state, action):
    """Only the pairs in cases.permissions.ALLOWED pass the permission check; everything else is a 403."""
    lead = file_lead([])
    Lead.objects.filter(pk=lead.pk).update(state=state)
    lead = Lead.objects.get(pk=lead.pk)
    actor = MembershipFactory(agency=agency, role=role).user
    steps = {
        "verify": lambda: lead_verify(actor=actor, lead=lead, findings="核实。"),
        "submit": lambda: lead_submit(actor=actor, lead=lead, report_file=report()),
        "approve": lambda: lead_approve(actor=actor, lead=lead),
        "send_back": lambda: lead_send_back(actor=actor, lead=lead, reasons="理由"),
    }
    allowed = action in ALLOWED.get((role, state), set())
    try:
        steps[action]()
    except PermissionDenied:
        assert not allowed
    except (ValidationError, TransitionNotAllowed):
        assert allowed  # permitted, then stopped by a rule of the step itself (e.g. too few verifiers)
    else:
        assert allowed


def test_someone_of_another_agency_is_refused(file_lead, outsider):
    with pytest.raises(PermissionDenied):
        lead_verify(actor=outsider, lead=file_lead([]), findings="核实。")


@transactional
def test_two_heads_clicking_approve_at_once_approve_once(
    file_lead, agency, insider, second_handler, colleague
):
    lead = file_lead([])
    lead_verify(actor=insider, lead=lead, findings="核实。")
    lead_verify(actor=second_handler, lead=lead, findings="核实。")
    lead_submit(actor=insider, lead=lead, report_file=report())
    other_head = MembershipFactory(agency=agency, role=Membership.Role.HEAD).user
    outcomes = run_concurrently(
        lambda: lead_approve(actor=[colleague, other_head][len(Approval.objects.all()) % 2], lead=lead),
        times=2,
    )
    assert sum(isinstance(outcome, Lead) for outcome in outcomes) == 1
    assert all(
        isinstance(outcome, Lead | PermissionDenied | TransitionNotAllowed | ConcurrentTransition)
        for outcome in outcomes
    )
    assert Approval.objects.filter(lead=lead).count() == 1


def test_a_report_that_is_already_evidence_is_kept_once(file_lead, insider, second_handler):
    lead = file_lead([SimpleUploadedFile("雷同分析.pdf", PDF)])
    lead_verify(actor=insider, lead=lead, findings="核实。")
    lead_verify(actor=second_handler, lead=lead, findings="核实。")
    lead = lead_submit(actor=insider, lead=lead, report_file=SimpleUploadedFile("核实报告.pdf", PDF))
    assert lead.report == lead.evidence.get()
