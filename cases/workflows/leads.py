"""A lead's steps: verification by two or more staff, the written report, the head's decision (鄂尔多斯 第十一条)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..evidence import check_evidence_file
from ..models import Approval, Lead, Verification
from ..permissions import ALLOWED, roles_in
from ..services import evidence_store, files_removed_on_failure
from .common import check_step

MIN_VERIFIERS = 2  # 鄂尔多斯 第十一条: 2 名或者 2 名以上专人负责核实情况


def locked_lead(lead: Lead) -> Lead:
    return Lead.objects.select_for_update(of=("self",)).select_related("agency", "project").get(pk=lead.pk)


def lead_for_step(lead: Lead, actor, action: str, seen_state: str | None) -> Lead:
    """The lead, locked, once the actor may take `action` on the version of it their page showed."""
    lead = locked_lead(lead)
    check_step(
        lead,
        roles=roles_in(actor, lead.agency),
        table=ALLOWED,
        action=action,
        seen_state=seen_state,
        refusal=_("Your role does not allow this step at this stage of the lead."),
    )
    return lead


@transaction.atomic
def lead_verify(*, actor, lead: Lead, findings: str, request=None, seen_state=None) -> Verification:
    """Record the actor's verification. One per person: a second by the same person is refused."""
    lead = lead_for_step(lead, actor, "verify", seen_state)
    if not findings.strip():
        raise ValidationError(_("Write down what you verified."), code="findings_required")
    if lead.verifications.filter(verifier=actor).exists():
        raise ValidationError(
            _("You have already verified this lead; a second person must verify it."), code="twice"
        )
    verification = Verification.objects.create(lead=lead, verifier=actor, findings=findings.strip())
    audit_record(actor=actor, action="lead_verified", obj=lead, agency=lead.agency, request=request)
    return verification


def lead_submit(*, actor, lead: Lead, report_file, request=None, seen_state=None) -> Lead:
    """Attach the written report and put the lead to the head, once at least two different people verified it.

    The transaction sits inside files_removed_on_failure: a report written to disk by a transaction that then
    fails, even at commit, is deleted again (no file without its row)."""
    check = check_evidence_file(report_file)
    with files_removed_on_failure() as stored, transaction.atomic():
        lead = lead_for_step(lead, actor, "submit", seen_state)
        count = lead.verifications.values("verifier").distinct().count()
        if count < MIN_VERIFIERS:
            raise ValidationError(
                _(
                    "%(count)d person has verified this lead; at least %(min)d different people must before it goes to the head."
                )
                % {"count": count, "min": MIN_VERIFIERS},
                code="too_few_verifiers",
            )
        report = evidence_store(
            owner=lead, upload=report_file, check=check, actor=actor, stored=stored, prefix="report-"
        )
        before = lead.state
        lead.submit(report=report)
        lead.save()
        audit_record(
            actor=actor,
            action="lead_submitted",
            obj=lead,
            agency=lead.agency,
            from_state=before,
            to_state=lead.state,
            request=request,
        )
    return lead


@transaction.atomic
def lead_approve(*, actor, lead: Lead, request=None, seen_state=None) -> Lead:
    """The head approves the referral. Nobody approves a lead they verified themselves."""
    lead = lead_for_step(lead, actor, "approve", seen_state)
    if lead.verifications.filter(verifier=actor).exists():
        raise ValidationError(
            _("You verified this lead yourself; another head must approve it."), code="own_verification"
        )
    before = lead.state
    lead.approve()
    lead.save()
    Approval.objects.create(lead=lead, approver=actor, decision=Approval.Decision.APPROVED)
    audit_record(
        actor=actor,
        action="lead_approved",
        obj=lead,
        agency=lead.agency,
        from_state=before,
        to_state=lead.state,
        request=request,
    )
    return lead


@transaction.atomic
def lead_send_back(*, actor, lead: Lead, reasons: str, request=None, seen_state=None) -> Lead:
    """The head sends the lead back for more verification; the reasons are required and kept."""
    lead = lead_for_step(lead, actor, "send_back", seen_state)
    if not reasons.strip():
        raise ValidationError(_("Say why the lead is sent back."), code="reasons_required")
    before = lead.state
    lead.send_back()
    lead.save()
    Approval.objects.create(
        lead=lead, approver=actor, decision=Approval.Decision.SENT_BACK, reasons=reasons.strip()
    )
    audit_record(
        actor=actor,
        action="lead_sent_back",
        obj=lead,
        agency=lead.agency,
        from_state=before,
        to_state=lead.state,
        payload={"reasons": reasons.strip()},
        request=request,
    )
    return lead
