"""A complaint's steps (宣恩 二(四)2): recorded, then decided on competence within 3 working days (rule L1).
Competent: it becomes a lead of the agency. Not competent: a 告知书 tells the complainant which department to
turn to and, where the matter must move, a lead approved for forwarding is referred there (rule L2)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership
from agencies.people import members_in_role
from audit.services import audit_record
from config.submissions import created_once
from credit.services import market_entity
from deadlines.clocks import deadline_start
from deadlines.due import LEGAL_TZ
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from ..evidence import check_evidence_file
from ..models import Approval, Complaint, Lead, TradingProject
from ..permissions import COMPLAINT_ALLOWED, may_ever, roles_in
from ..services import Party, evidence_store, files_removed_on_failure, lead_file
from .common import check_step, meet_clocks


def complaint_record(
    *,
    actor,
    agency,
    kind: str,
    channel: str,
    details: dict,
    files: list,
    received_at: datetime | None = None,
    submitted_from: str | None = None,
    request=None,
    submission_key=None,
    admit=None,
) -> Complaint:
    """Record a complaint or tip-off received by `agency` (by staff: `actor`; online: actor None), with its
    attachments checked like evidence, and start clock L1. `details` holds the Complaint fields typed in
    (complainant, project, respondent, facts).

    `admit()`, if given, runs in the complaint's transaction once its row is written (the online channel takes its
    place in the hour's limit there): the same form sent again, even at the same moment, waits for that row and
    gets the complaint without being admitted again. What `admit` raises undoes the complaint."""
    if (
        actor is not None
        and actor.is_authenticated
        and not may_ever(roles_in(actor, agency), COMPLAINT_ALLOWED, "record")
    ):
        raise PermissionDenied(
            _("Only the handlers and heads of the receiving agency record its complaints.")
        )
    if kind == Complaint.Kind.COMPLAINT and (
        details.get("anonymous")
        or not details.get("complainant_name")
        or not details.get("complainant_phone")
    ):
        raise ValidationError(
            _(
                "A complaint needs the complainant's name and telephone; anonymous reports are tip-offs (举报)."
            ),
            code="complaint_identity",
        )
    if details.get("anonymous"):  # nothing that could identify an anonymous tipster is kept
        details = {**details, "complainant_name": "", "complainant_phone": "", "complainant_address": ""}
    recorder = actor if actor is not None and actor.is_authenticated else None
    # The key is a 122-bit secret of one form: a resend from another network (Wi-Fi, then 4G) still finds it.
    mine = Complaint.objects.filter(agency=agency, recorded_by=recorder)
    return created_once(
        mine,
        submission_key,
        lambda: _complaint_create(
            agency=agency, kind=kind, channel=channel, details=details, recorder=recorder,
            checked=[(upload, check_evidence_file(upload)) for upload in files], received_at=received_at,
            submitted_from=submitted_from, request=request, submission_key=submission_key, admit=admit,
        ),
    )  # fmt: skip


def _complaint_create(
    *, agency, kind, channel, details, recorder, checked, received_at, submitted_from, request, submission_key,
    admit,
) -> Complaint:  # fmt: skip
    now = timezone.now()
    with files_removed_on_failure() as stored, transaction.atomic():
        complaint = Complaint(
            agency=agency,
            kind=kind,
            channel=channel,
            received_at=received_at or now,
            recorded_by=recorder,
            submitted_from=submitted_from,
            submission_key=submission_key,
            **details,
        )
        complaint.full_clean(
            exclude=["query_code", "state", "submission_key"]
        )  # state: protected, set by the FSM
        complaint.save()
        if admit is not None:
            admit()
        for upload, check in checked:
            evidence_store(
                owner=complaint, upload=upload, check=check, actor=complaint.recorded_by, stored=stored
            )
        deadline_start(
            actor=complaint.recorded_by,
            rule="L1",
            target=complaint,
            agency=agency,
            triggered_at=complaint.received_at,
        )
        handlers = members_in_role([agency.pk], Membership.Role.HANDLER).get(agency.pk, set())
        notify(
            [
                Message(
                    recipient_ids=tuple(handlers),
                    key=f"complaint:{complaint.pk}:received",
                    title=f"【{complaint.get_kind_display()}】{complaint.project_name}",
                    body="收到一件投诉举报，请在3个工作日内判断是否属本单位管辖。",
                )
            ],
            now=now,
        )
        audit_record(
            actor=complaint.recorded_by,
            action="complaint_received",
            obj=complaint,
            agency=agency,
            to_state=complaint.state,
            payload={"channel": channel, "kind": kind, "attachments": [check.sha256 for _, check in checked]},
            # The trail is hash-chained and kept for ever, an online complainant's address only until
            # portal.limits.forget_addresses drops it (a tipster may be anonymous): their event keeps the request
            # id, not the request and its address.
            request=request if recorder is not None else None,
            request_id=getattr(request, "request_id", ""),
        )
    return complaint


def _locked(complaint: Complaint, actor, action: str, seen_state) -> Complaint:
    complaint = (
        Complaint.objects.select_for_update(of=("self",)).select_related("agency").get(pk=complaint.pk)
    )
    check_step(
        complaint,
        roles=roles_in(actor, complaint.agency),
        table=COMPLAINT_ALLOWED,
        action=action,
        seen_state=seen_state,
        refusal=_("Your role does not allow this step at this stage of the complaint."),
    )
    return complaint


def _lead_from(complaint: Complaint, actor, request, *, to_refer: bool) -> Lead:
    """A lead of the receiving agency with the complaint's project and respondent; with clock L2 if the matter is
    `to_refer`. The attachments stay with the complaint: they may show who complained, and the lead is seen by
    supervisors and by the agency it is referred to. Staff attach to the lead what the case needs (the complaint
    page links the lead)."""
    parties = []
    if complaint.respondent_uscc:
        parties.append(Party(market_entity(complaint.respondent_uscc, complaint.respondent_name), "other"))
    lead = lead_file(
        actor=actor,
        agency=complaint.agency,
        source=Lead.Source.COMPLAINT,
        project=TradingProject(
            name=complaint.project_name, code=complaint.project_code, category=complaint.category
        ),
        facts=complaint.facts,
        discovered_on=timezone.localdate(complaint.received_at, LEGAL_TZ),
        parties=parties,
        files=[],
        request=request,
        to_refer=to_refer,
    )
    return lead


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, request=None, seen_state=None) -> Complaint:
    """The matter is the agency's: it becomes a lead of the agency (verified and handled as any lead). L1 is met.
    No L2 starts: the agency handles what is within its duties (宣恩 二(四)3), there is nothing to refer."""
    complaint = _locked(complaint, actor, "accept", seen_state)
    now = timezone.now()
    lead = _lead_from(complaint, actor, request, to_refer=False)
    complaint.accept(lead=lead, at=now)
    complaint.save()
    meet_clocks(complaint, "L1", actor=actor, at=now)
    audit_record(actor=actor, action="complaint_accepted", obj=complaint, agency=complaint.agency,
                 from_state=Complaint.State.RECEIVED, to_state=complaint.state, payload={"lead": lead.pk},
                 request=request)  # fmt: skip
    return complaint


@transaction.atomic
def complaint_decline(
    *, actor, complaint: Complaint, competent, refer: bool, request=None, seen_state=None
) -> Complaint:
    """Not the agency's: a numbered 告知书 tells the complainant to turn to `competent` (L1 met). With `refer`, the
    matter also moves there: a lead approved for forwarding, whose referral (clock L2, started on the day the
    complaint came in) the agency then sends with the usual form."""
    complaint = _locked(complaint, actor, "decline", seen_state)
    if competent.pk == complaint.agency_id:
        raise ValidationError(
            _("Name another department: this one is declining the matter."), code="competent"
        )
    now = timezone.now()
    received = timezone.localtime(complaint.received_at, LEGAL_TZ)
    recipient = (
        complaint.complainant_name if not complaint.anonymous and complaint.complainant_name else "举报人"
    )
    notice = document_issue(
        actor=actor,
        agency=complaint.agency,
        kind=Document.Kind.NOTICE,
        confidential=True,  # addressed to the complainant by name: the agency's alone
        title="投诉（举报）事项告知书",
        context={
            "recipient": recipient,
            "body": [
                f"你于{received.year}年{received.month}月{received.day}日反映的“{complaint.project_name}”有关问题，"
                f"经审查，不属于本单位职责范围。根据有关规定，请向{competent.name}反映"
                + (f"（联系电话：{competent.complaint_phone}）。" if competent.complaint_phone else "。"),
                "特此告知。",
            ],
        },
        target=complaint,
    )
    lead = None
    if refer:
        lead = _lead_from(complaint, actor, request, to_refer=True)
        lead.approve_for_forwarding()
        lead.save()
        Approval.objects.create(
            lead=lead,
            approver=actor,
            decision=Approval.Decision.APPROVED,
            reasons=f"不属本单位职责的投诉举报，移送{competent.name}。",
        )
    complaint.decline(competent=competent, notice=notice, at=now)
    complaint.lead = lead
    complaint.save()
    meet_clocks(complaint, "L1", actor=actor, at=now)
    audit_record(actor=actor, action="complaint_declined", obj=complaint, agency=complaint.agency,
                 from_state=Complaint.State.RECEIVED, to_state=complaint.state,
                 payload={"competent": competent.name, "notice": notice.number, "lead": lead and lead.pk},
                 request=request)  # fmt: skip
    return complaint
