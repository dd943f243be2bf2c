"""A referral's steps, from sending to the result reported back (宣恩 二(四)2-3)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership
from agencies.people import members_in_role, supervisors_over
from agencies.templatetags.people import person_name
from audit.services import audit_record
from deadlines.clocks import deadline_start
from deadlines.due import LEGAL_TZ
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from ..destinations import DESTINATION_KINDS, forward_candidates
from ..models import Lead, Material, Referral
from ..permissions import RECEIVER_ALLOWED, roles_in
from .common import check_step, meet_clocks
from .leads import lead_for_step, locked_lead


@transaction.atomic
def referral_send(
    *,
    actor,
    lead: Lead,
    receiver,
    destination: str,
    method: str,
    legal_basis: str,
    materials: list[dict],
    request=None,
    seen_state=None,
) -> Referral:
    """Refer an approved lead (宣恩 二(四)2; 鄂尔多斯 第十一条), all in one transaction: number and queue the 移送函,
    meet clock L2, start the receiver's clock L3, tell the receiver's handlers, record the event."""
    lead = lead_for_step(lead, actor, "refer", seen_state)
    if not legal_basis.strip():
        raise ValidationError(_("Give the legal basis of the referral."), code="legal_basis_required")
    if not materials:
        raise ValidationError(_("List the materials referred (移送材料清单)."), code="materials_required")
    if (designated := lead.designated_receiver_id()) is not None and receiver.pk != designated:
        raise ValidationError(
            _("The coordinator designated %(agency)s as competent for this lead: refer it there.")
            % {"agency": lead.designated_agency.name},
            code="designated",
        )
    if (kinds := DESTINATION_KINDS.get(destination)) and receiver.kind not in kinds:
        raise ValidationError(
            _("%(agency)s is not an agency of the kind this destination names; choose one from the list.")
            % {"agency": receiver.name},
            code="receiver_kind",
        )
    if receiver.pk == lead.agency_id or not receiver.is_active:
        raise ValidationError(
            _("Choose another agency: a lead is referred to an active agency other than your own."),
            code="receiver",
        )
    now = timezone.now()
    catalogue = [Material(**item) for item in materials]
    letter = document_issue(
        actor=actor,
        agency=lead.agency,
        addressee=receiver,
        kind=Document.Kind.LETTER,
        title=f"关于移送{lead.project.name}有关问题线索的函",
        context={
            "recipient": receiver.name,
            "body": [
                lead.facts,
                f"依据{legal_basis.strip()}，现将该线索及有关材料移送你单位处理，请按规定办理并回复。",
            ],
            "attachments": ["移送材料清单"],
            "materials": _catalogue(catalogue),  # the annex: the letter's last page
        },
        target=lead,
    )
    referral = Referral.objects.create(
        lead=lead,
        sender=lead.agency,
        receiver=receiver,
        destination=destination,
        method=method,
        legal_basis=legal_basis.strip(),
        letter=letter,
        sent_by=actor,
        sent_at=now,
    )
    for item in catalogue:
        item.referral = referral
    Material.objects.bulk_create(catalogue)
    lead.refer()
    lead.save()
    meet_clocks(lead, "L2", actor=actor, at=now)
    deadline_start(actor=actor, rule="L3", target=referral, agency=receiver, triggered_at=now)
    handlers = members_in_role([receiver.pk], Membership.Role.HANDLER).get(receiver.pk, set())
    notify(
        [
            Message(
                recipient_ids=tuple(handlers),
                key=f"referral:{referral.pk}:sent",
                title=f"【移送案件】{letter.number}",
                body=f"{lead.agency.name}移送“{lead.project.name}”有关线索，请签收并在5个工作日内作出处理。",
            )
        ],
        now=now,
    )
    audit_record(
        actor=actor,
        action="referral_sent",
        obj=referral,
        agency=lead.agency,
        to_state=referral.state,
        payload={"lead": lead.pk, "receiver": receiver.name, "letter": letter.number},
        request=request,
    )
    return referral


@transaction.atomic
def referral_receive(*, actor, referral: Referral, request=None, seen_state=None) -> Referral:
    """The receiver signs for the referral: the 移送回执 with the materials catalogue, receiver and time."""
    referral = _locked_referral(referral, actor, "receive", seen_state)
    now = timezone.now()
    local = timezone.localtime(now, LEGAL_TZ)
    referral.receive(by=actor, at=now)
    referral.receipt = document_issue(
        actor=actor,
        agency=referral.receiver,
        addressee=referral.sender,
        kind=Document.Kind.RECEIPT,
        title="案件移送回执",
        context={
            "original_number": referral.letter.number,
            "case_name": referral.lead.project.name,
            "sender": referral.sender.name,
            "receiver": referral.receiver.name,
            "materials": _catalogue(referral.materials.all()),
            "received_by": person_name(actor),
            "received_at_text": f"{local.year}年{local.month}月{local.day}日 {local.hour}时{local.minute:02d}分",
        },
        target=referral,
    )
    referral.save()
    _tell_sender(referral, key="received", title=f"【已签收】{referral.letter.number}",
                 body=f"{referral.receiver.name}已签收你单位移送的线索（回执{referral.receipt.number}）。", now=now)  # fmt: skip
    audit_record(
        actor=actor,
        action="referral_received",
        obj=referral,
        agency=referral.receiver,
        from_state=Referral.State.SENT,
        to_state=referral.state,
        payload={"receipt": referral.receipt.number},
        request=request,
    )
    return referral


def _locked_referral(referral: Referral, actor, action: str, seen_state: str | None = None) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("lead__project", "sender", "receiver", "letter")
        .get(pk=referral.pk)
    )
    check_step(
        referral,
        roles=roles_in(actor, referral.receiver),
        table=RECEIVER_ALLOWED,
        action=action,
        seen_state=seen_state,
        refusal=_("Your role does not allow this step at this stage of the referral."),
    )
    return referral


def _letter_to_sender(referral: Referral, *, actor, title: str, body: list[str]) -> Document:
    """A numbered letter from the receiving agency back to the referring one, about this referral."""
    return document_issue(
        actor=actor,
        agency=referral.receiver,
        addressee=referral.sender,
        kind=Document.Kind.LETTER,
        title=title,
        context={"recipient": referral.sender.name, "body": body},
        target=referral,
    )


def _tell_sender(referral: Referral, *, key: str, title: str, body: str, now) -> None:
    """Tell the sender's handlers and, for a forwarded referral, the handlers of the agency the lead came from."""
    agencies = {referral.sender_id, referral.lead.agency_id}
    handlers = members_in_role(agencies, Membership.Role.HANDLER)
    people = set().union(*handlers.values()) if handlers else set()
    notify(
        [
            Message(
                recipient_ids=tuple(sorted(people)),
                key=f"referral:{referral.pk}:{key}",
                title=title,
                body=body,
            )
        ],
        now=now,
    )


@transaction.atomic
def referral_accept(*, actor, referral: Referral, request=None, seen_state=None) -> Referral:
    """The receiving head accepts (受理): clock L3 is met and L4 starts (report acceptance within 5 working days)."""
    referral = _locked_referral(referral, actor, "accept", seen_state)
    now = timezone.now()
    referral.accept(at=now)
    referral.save()
    meet_clocks(referral, "L3", actor=actor, at=now)
    deadline_start(actor=actor, rule="L4", target=referral, agency=referral.receiver, triggered_at=now)
    audit_record(actor=actor, action="referral_accepted", obj=referral, agency=referral.receiver,
                 from_state=Referral.State.RECEIVED, to_state=referral.state, request=request)  # fmt: skip
    return referral


@transaction.atomic
def referral_notify_acceptance(*, actor, referral: Referral, request=None, seen_state=None) -> Referral:
    """Report the acceptance to the sender in writing (宣恩 二(四)3): a numbered letter; clock L4 is met."""
    referral = _locked_referral(referral, actor, "notify_acceptance", seen_state)
    now = timezone.now()
    letter = _letter_to_sender(
        referral,
        actor=actor,
        title=f"关于受理{referral.lead.project.name}有关问题线索的复函",
        body=[
            f"你单位《{referral.letter.number}》移送的线索已收悉。经审查，属本单位职责范围，本单位已依法受理。",
            "特此函复。",
        ],
    )
    referral.notify_acceptance()
    referral.save()
    meet_clocks(referral, "L4", actor=actor, at=now)
    _tell_sender(referral, key="accepted", title=f"【已受理】{referral.letter.number}",
                 body=f"{referral.receiver.name}已受理你单位移送的线索（{letter.number}）。", now=now)  # fmt: skip
    audit_record(actor=actor, action="referral_acceptance_notified", obj=referral, agency=referral.receiver,
                 from_state=Referral.State.ACCEPTED, to_state=referral.state, payload={"letter": letter.number},
                 request=request)  # fmt: skip
    return referral


@transaction.atomic
def referral_return(*, actor, referral: Referral, reasons: str, request=None, seen_state=None) -> Referral:
    """Return a referral outside the receiver's remit, with written reasons (宣恩 二(四)3): a numbered letter,
    clock L3 met, the lead free to be referred elsewhere; a lead returned twice is flagged for the coordinator."""
    referral = _locked_referral(referral, actor, "return", seen_state)
    if referral.lead.is_designated_referral(referral):
        raise ValidationError(
            _("The coordinator designated your agency as competent for this lead: it may not be returned."),
            code="designated",
        )
    if not reasons.strip():
        raise ValidationError(_("Say in writing why the referral is returned."), code="reasons_required")
    now = timezone.now()
    letter = _letter_to_sender(
        referral,
        actor=actor,
        title=f"关于退回{referral.lead.project.name}有关问题线索的函",
        body=[
            f"你单位《{referral.letter.number}》移送的线索已收悉。经审查，{reasons.strip()}",
            "现将案件材料退回，特此函告。",
        ],
    )
    referral.return_(at=now, reasons=reasons.strip())
    referral.save()
    meet_clocks(referral, "L3", actor=actor, at=now)
    lead = locked_lead(referral.lead)
    lead.take_back()
    # Two returns since the coordinator last designated (or ever, before any designation) ask for a designation.
    lead.needs_designation = lead.returns_counted().count() >= 2
    lead.save()
    if lead.needs_designation:
        again = f":after:{lead.designation_document_id}" if lead.designation_document_id else ""
        supervisors = supervisors_over([lead.agency_id]).get(lead.agency_id, set())
        notify(
            [
                Message(
                    recipient_ids=tuple(supervisors),
                    key=f"lead:{lead.pk}:needs-designation{again}",
                    title=f"【请指定管辖】{lead.project.name}",
                    body=f"{lead.agency.name}移送的线索已被两次退回，请协调指定有管辖权的部门。",
                    url=lead.get_absolute_url(),  # the lead's page has the designation form
                )
            ],
            now=now,
        )
    _tell_sender(referral, key="returned", title=f"【已退回】{referral.letter.number}",
                 body=f"{referral.receiver.name}退回了你单位移送的线索（{letter.number}），理由：{reasons.strip()}", now=now)  # fmt: skip
    audit_record(actor=actor, action="referral_returned", obj=referral, agency=referral.receiver,
                 from_state=Referral.State.RECEIVED, to_state=referral.state,
                 payload={"reasons": reasons.strip(), "letter": letter.number}, request=request)  # fmt: skip
    return referral


@transaction.atomic
def referral_forward(*, actor, referral: Referral, competent, request=None, seen_state=None) -> Referral:
    """Within the receiver's remit but not its level (属本部门职责但不属本级管辖): refer it on to the competent organ
    as a linked referral, and tell the origin in writing (宣恩 二(四)3). Clock L3 is met; the new one starts L3."""
    referral = _locked_referral(referral, actor, "forward", seen_state)
    if not forward_candidates(referral).filter(pk=competent.pk).exists():
        raise ValidationError(
            _("%(agency)s cannot take this case over: choose an organ of the same kind at another level.")
            % {"agency": competent.name},
            code="competent",
        )
    now = timezone.now()
    catalogue = [
        Material(name=m.name, copies=m.copies, pages=m.pages, is_original=m.is_original, note=m.note)
        for m in referral.materials.all()
    ]  # the materials go on with the case
    onward_letter = document_issue(
        actor=actor,
        agency=referral.receiver,
        addressee=competent,
        kind=Document.Kind.LETTER,
        title=f"关于移送{referral.lead.project.name}有关问题线索的函",
        context={
            "recipient": competent.name,
            "body": [referral.lead.facts, "该线索属贵单位管辖，现予移送，请依法处理。"],
            "attachments": ["移送材料清单"],
            "materials": _catalogue(catalogue),
        },
        target=referral.lead,
    )
    onward = Referral.objects.create(
        lead=referral.lead,
        sender=referral.receiver,
        receiver=competent,
        destination=referral.destination,
        method=referral.method,
        legal_basis=referral.legal_basis,
        letter=onward_letter,
        sent_by=actor,
        sent_at=now,
    )
    for item in catalogue:
        item.referral = onward
    Material.objects.bulk_create(catalogue)
    deadline_start(actor=actor, rule="L3", target=onward, agency=competent, triggered_at=now)
    notice = _letter_to_sender(
        referral,
        actor=actor,
        title=f"关于转送{referral.lead.project.name}有关问题线索的告知函",
        body=[
            f"你单位《{referral.letter.number}》移送的线索，属本系统职责但不属本级管辖，已移送{competent.name}（{onward_letter.number}）。"
        ],
    )
    referral.forward(at=now, to=onward)
    referral.save()
    meet_clocks(referral, "L3", actor=actor, at=now)
    _tell_sender(referral, key="forwarded", title=f"【已转送】{referral.letter.number}",
                 body=f"{referral.receiver.name}已将线索移送{competent.name}（{notice.number}）。", now=now)  # fmt: skip
    audit_record(actor=actor, action="referral_forwarded", obj=referral, agency=referral.receiver,
                 from_state=Referral.State.RECEIVED, to_state=referral.state,
                 payload={"to": competent.name, "letter": onward_letter.number}, request=request)  # fmt: skip
    return referral


@transaction.atomic
def referral_conclude(*, actor, referral: Referral, result: str, request=None, seen_state=None) -> Referral:
    """Handling is complete: record the result; clock L5 starts (report it within 10 working days)."""
    referral = _locked_referral(referral, actor, "conclude", seen_state)
    if not result.strip():
        raise ValidationError(_("Write down the result of the handling."), code="result_required")
    now = timezone.now()
    referral.conclude(at=now, result=result.strip())
    referral.save()
    deadline_start(actor=actor, rule="L5", target=referral, agency=referral.receiver, triggered_at=now)
    audit_record(actor=actor, action="referral_concluded", obj=referral, agency=referral.receiver,
                 from_state=Referral.State.ACCEPTANCE_NOTIFIED, to_state=referral.state, request=request)  # fmt: skip
    return referral


@transaction.atomic
def referral_notify_result(*, actor, referral: Referral, request=None, seen_state=None) -> Referral:
    """Report the result to the sender in writing (宣恩 二(四)3); clock L5 is met."""
    referral = _locked_referral(referral, actor, "notify_result", seen_state)
    now = timezone.now()
    letter = _letter_to_sender(
        referral,
        actor=actor,
        title=f"关于{referral.lead.project.name}有关问题线索办理结果的函",
        body=[
            f"你单位《{referral.letter.number}》移送的线索已办理完毕。{referral.result}",
            "特此函告。",
        ],
    )
    referral.notify_result()
    referral.save()
    meet_clocks(referral, "L5", actor=actor, at=now)
    _tell_sender(referral, key="result", title=f"【办理结果】{referral.letter.number}",
                 body=f"{referral.receiver.name}已回告办理结果（{letter.number}）。", now=now)  # fmt: skip
    audit_record(actor=actor, action="referral_result_notified", obj=referral, agency=referral.receiver,
                 from_state=Referral.State.CONCLUDED, to_state=referral.state, payload={"letter": letter.number},
                 request=request)  # fmt: skip
    return referral


def _catalogue(materials) -> list[dict]:
    """The materials catalogue as the letter's annex and the receipt print it."""
    return [
        {"name": m.name, "copies": m.copies, "pages": m.pages, "original": m.is_original, "note": m.note}
        for m in materials
    ]
