"""The coordinator designates the competent agency for a lead whose referrals came back twice (指定管辖)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership
from agencies.people import members_in_role
from audit.services import audit_record
from deadlines.due import local_date
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from ..destinations import designation_candidates
from ..models import CaseAction, Lead
from ..permissions import supervised_regions, supervising_agency
from .common import refuse_if_moved_on
from .leads import locked_lead


@transaction.atomic
def lead_designate(*, actor, lead: Lead, agency, reasons: str, request=None, seen_state=None) -> Lead:
    """Designate `agency` as competent for a lead returned twice, in one transaction: a numbered 通知 from the
    supervisor's agency to the designated one, the flag cleared, the designation recorded on the lead, both
    agencies told, the event recorded.

    Only a supervisor (督办) over the lead's agency may (else PermissionDenied), only while the lead waits for a
    designation (Lead.needs_designation), and only an active agency of the supervisor's jurisdiction other than the
    lead's own. The next referral of the lead then goes to that agency, which may not return it
    (cases/workflows/referrals.py)."""
    # The lead's row lock serialises designations: a second one waits, then finds the flag cleared (or, from a page,
    # the lead's revision moved on: 409).
    lead = locked_lead(lead)
    issuing = supervising_agency(actor, lead.agency, prefer=getattr(request, "agency", None) or None)
    if issuing is None:
        raise PermissionDenied(
            _("Only the supervisors over the lead's agency may designate the competent agency.")
        )
    refuse_if_moved_on(lead, seen_state)
    if not lead.needs_designation:
        raise ValidationError(
            _(
                "This lead is not waiting for a designation: only a lead whose referrals were returned twice is."
            ),
            code="not_flagged",
        )
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError(_("Say why this agency is competent."), code="reasons_required")
    if (
        agency is None
        or not designation_candidates(lead, supervised_regions(actor)).filter(pk=agency.pk).exists()
    ):
        raise ValidationError(
            _("Choose an active agency of your jurisdiction other than the lead's own."), code="agency"
        )
    now = timezone.now()
    returns = list(lead.returns_counted().select_related("receiver", "letter").order_by("decided_at", "id"))
    project = lead.project.name
    document = document_issue(
        actor=actor,
        agency=issuing,
        addressee=agency,
        kind=Document.Kind.CIRCULAR,  # a 通知 (GB/T 9704): the coordinator's 发 series, 文件格式
        title=f"关于指定{project}有关问题线索管辖的通知",
        context={
            "recipient": agency.name,
            "body": [
                f"{lead.agency.name}移送的“{project}”有关问题线索，先后"
                + "；".join(
                    f"经{item.receiver.name}审查后退回（原移送函{item.letter.number}，退回理由：{item.return_reasons.rstrip('。')}）"
                    for item in returns
                )
                + "。",
                f"为明确管辖，现指定{agency.name}管辖该线索。指定理由：{reasons}",
                f"请{lead.agency.name}将该线索及有关材料移送{agency.name}；{agency.name}应当依法受理、办理，"
                f"不得退回，并将办理情况书面报送{issuing.name}。",
            ],
        },
        target=lead,
        issued_on=local_date(now),
    )
    lead.needs_designation = False
    lead.designated_agency, lead.designated_at, lead.designated_by = agency, now, actor
    lead.designation_reasons, lead.designation_document = reasons, document
    lead.save()
    _tell_agencies(lead, agency, issuing, document, now=now)
    audit_record(
        actor=actor,
        action=CaseAction.DESIGNATED,
        obj=lead,
        agency=lead.agency,
        role=Membership.Role.SUPERVISOR,
        payload={
            "designated": agency.name,
            "issuing_agency": issuing.name,
            "number": document.number,
            "reasons": reasons,
            "returns": [item.pk for item in returns],
        },
        request=request,
    )
    return lead


def _tell_agencies(lead: Lead, agency, issuing, document: Document, *, now) -> None:
    """The designated agency's heads and handlers (the referral is coming, and stays theirs), and the lead agency's
    (refer it there)."""
    ids = [agency.pk, lead.agency_id]
    heads = members_in_role(ids, Membership.Role.HEAD)
    handlers = members_in_role(ids, Membership.Role.HANDLER)
    project = lead.project.name
    notify(
        [
            Message(
                recipient_ids=tuple(sorted(heads.get(agency.pk, set()) | handlers.get(agency.pk, set()))),
                key=f"lead:{lead.pk}:designated:{document.pk}:to",
                title=f"【指定管辖】{project}",
                body=f"{issuing.name}指定你单位管辖“{project}”有关问题线索（{document.number}）。"
                f"{lead.agency.name}将移送你单位，请依法受理、办理，不得退回。",
                url=document.get_absolute_url(),
            ),
            Message(
                recipient_ids=tuple(
                    sorted(heads.get(lead.agency_id, set()) | handlers.get(lead.agency_id, set()))
                ),
                key=f"lead:{lead.pk}:designated:{document.pk}:from",
                title=f"【指定管辖】{project}",
                body=f"{issuing.name}已指定{agency.name}管辖你单位的“{project}”有关问题线索（{document.number}），"
                f"请将线索移送{agency.name}。",
                url=lead.get_absolute_url(),
            ),
        ],
        now=now,
    )
