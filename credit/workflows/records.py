"""Credit records from draft to publication, expiry and revocation; credit repair (信用修复)."""

import datetime
import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agencies.models import Agency
from agencies.people import members_in_role
from agencies.templatetags.people import person_name
from audit.services import audit_record
from config.submissions import created_once
from deadlines.due import local_date
from notifications.services import Message, notify

from ..models import CreditAction, CreditRecord, CreditRule, RepairApplication
from .common import HANDLER, HEAD, refuse_if_moved_on, require_role

DOUBLE_FINE = gettext_noop(
    "%(entity)s has already been fined for act %(act)s (%(agency)s, %(day)s): the same illegal act may not be "
    "fined twice (一事不二罚, 行政处罚法 第二十九条). Record points or another measure without a fine instead."
)

# The brackets a document number's year is typed in, all read as GB/T 9704's 〔〕.
ACT_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕"})


def act_reference(text: str) -> str:
    """The act's number as every department's copy of it compares: full-width digits and letters as half-width
    (NFKC), every bracket around the year as 〔〕, no spaces, letters in capitals. 宣住建罚[2026]9号,
    宣住建罚〔２０２６〕９号 and 宣住建罚〔2026〕9 号 are one act, so 一事不二罚 cannot be passed by typing it otherwise."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).translate(ACT_BRACKETS).upper()


# Records -------------------------------------------------------------------------------------------------------


def record_create(
    *,
    actor,
    agency: Agency,
    entity,
    rule: CreditRule,
    decided_on: datetime.date,
    facts: str,
    act: str,
    source_kind: str,
    source_reference: str,
    penalty: str = CreditRecord.Penalty.NONE,
    fine_amount=None,
    source=None,
    submission_key=None,
    request=None,
) -> CreditRecord:
    """Enter a draft credit record for `entity`, decided by `agency` (a handler or head there), with the rule's
    points and validity counted from the decision date. A fine for an act already fined is refused with the
    reason in Chinese (一事不二罚): checked first, and guaranteed by creditrecord_one_fine_per_act when two
    departments record at the same moment. The same form sent twice gives the first record."""
    require_role(
        actor, agency, {HANDLER, HEAD}, _("Only the agency's handlers and heads may enter credit records.")
    )
    mine = CreditRecord.objects.filter(created_by=actor)
    act = act_reference(act)
    errors = {}
    if not rule.is_active:
        errors["rule"] = _("This rule is no longer in use.")
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The date cannot be in the future.")
    if not facts.strip():
        errors["facts"] = _("Describe the conduct recorded.")
    if not act:
        errors["act"] = _("Give the number of the act (the case or decision number).")
    if penalty == CreditRecord.Penalty.FINE and not (fine_amount and fine_amount > 0):
        errors["fine_amount"] = _("Give the amount of the fine.")
    if penalty != CreditRecord.Penalty.FINE and fine_amount:
        errors["fine_amount"] = _("Only a fine has an amount.")
    if errors:
        raise ValidationError(errors)

    @transaction.atomic
    def create():
        if penalty == CreditRecord.Penalty.FINE:
            _refuse_second_fine(entity, act)
        record = CreditRecord(
            entity=entity,
            rule=rule,
            kind=rule.kind,
            agency=agency,
            facts=facts.strip(),
            act=act,
            penalty=penalty,
            fine_amount=fine_amount if penalty == CreditRecord.Penalty.FINE else None,
            source_kind=source_kind,
            source_reference=source_reference.strip(),
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=getattr(source, "pk", None),
            decided_on=decided_on,
            created_by=actor,
            submission_key=submission_key,
        )
        record.fill_dates()
        record.save()
        _notify_record(
            record,
            members_in_role([agency.pk], HEAD).get(agency.pk, set()) - {actor.pk},
            "awaiting",
            title=f"【信用记录待审核】{entity.name}",
            body=f"{person_name(actor)}录入了{entity.name}的信用记录（{rule.code} {rule.description}），请审核。",
        )
        audit_record(
            actor=actor,
            action=CreditAction.RECORD_CREATED,
            obj=record,
            agency=agency,
            to_state=record.state,
            payload={"entity": entity.code, "rule": rule.code, "act": act, "penalty": penalty},
            request=request,
        )
        return record

    try:
        return created_once(mine, submission_key, create)
    except IntegrityError:
        # Two departments recorded a fine for the same act at once: the constraint let the first one through.
        _refuse_second_fine(entity, act)
        raise


def _notify_record(record: CreditRecord, recipients, step: str, *, title: str, body: str) -> None:
    if not recipients:
        return
    notify(
        [
            Message(
                recipient_ids=tuple(recipients),
                key=f"credit-record:{record.pk}:{step}",
                title=title,
                body=body,
                url=record.get_absolute_url(),
                content_type_id=ContentType.objects.get_for_model(CreditRecord).pk,
                object_id=record.pk,
            )
        ],
        now=timezone.now(),
    )


def _refuse_second_fine(entity, act: str) -> None:
    earlier = (
        CreditRecord.objects.filter(entity=entity, act=act, penalty=CreditRecord.Penalty.FINE)
        .exclude(state=CreditRecord.State.REVOKED)
        .select_related("agency")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            {
                "penalty": _(DOUBLE_FINE)
                % {
                    "entity": entity.name,
                    "act": act,
                    "agency": earlier.agency.name,
                    "day": earlier.decided_on.isoformat(),
                }
            },
            code="double_fine",
        )


def _locked_record(record: CreditRecord) -> CreditRecord:
    return (
        CreditRecord.objects.select_for_update(of=("self",))
        .select_related("agency", "entity", "rule")
        .get(pk=record.pk)
    )


@transaction.atomic
def record_approve(*, actor, record: CreditRecord, request=None, seen_state=None) -> CreditRecord:
    """The head of the issuing agency approves a draft record (not one they entered themselves)."""
    record = _locked_record(record)
    require_role(
        actor, record.agency, {HEAD}, _("Only the head of the issuing agency approves credit records.")
    )
    refuse_if_moved_on(record, seen_state)
    if record.created_by_id == actor.pk:
        raise ValidationError(
            _("You entered this record yourself; another head must approve it."), code="own_record"
        )
    before = record.state
    record.approve(by=actor, at=timezone.now())
    record.save()
    _notify_record(
        record,
        {record.created_by_id},
        "approved",
        title=f"【信用记录已审核】{record.entity.name}",
        body=f"{record.entity.name}的信用记录（{record.rule.code} {record.rule.description}）已经负责人审核，可以发布。",
    )
    audit_record(
        actor=actor,
        action=CreditAction.RECORD_APPROVED,
        obj=record,
        agency=record.agency,
        from_state=before,
        to_state=record.state,
        request=request,
    )
    return record


@transaction.atomic
def record_publish(*, actor, record: CreditRecord, request=None, seen_state=None) -> CreditRecord:
    """Publish an approved record: from now it is public until its publication ends, and counts in the score."""
    record = _locked_record(record)
    require_role(
        actor, record.agency, {HANDLER, HEAD}, _("Only the issuing agency publishes its credit records.")
    )
    refuse_if_moved_on(record, seen_state)
    before = record.state
    now = timezone.now()
    record.publish(at=now)
    record.save()
    audit_record(
        actor=actor,
        action=CreditAction.RECORD_PUBLISHED,
        obj=record,
        agency=record.agency,
        from_state=before,
        to_state=record.state,
        payload={"publication_until": record.publication_until, "valid_until": record.valid_until},
        request=request,
    )
    return record


@transaction.atomic
def record_revoke(*, actor, record: CreditRecord, reason: str, request=None, seen_state=None) -> CreditRecord:
    """The head of the issuing agency revokes a record (the decision was set aside); the record is kept."""
    record = _locked_record(record)
    require_role(
        actor, record.agency, {HEAD}, _("Only the head of the issuing agency revokes credit records.")
    )
    refuse_if_moved_on(record, seen_state)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is revoked.")})
    before = record.state
    now = timezone.now()
    record.revoke(at=now, reason=reason.strip())
    record.save()
    closed = _close_open_repairs(record, at=now, note="信用记录已撤销，修复申请终结。")
    audit_record(
        actor=actor,
        action=CreditAction.RECORD_REVOKED,
        obj=record,
        agency=record.agency,
        from_state=before,
        to_state=record.state,
        payload={"reason": reason.strip(), "closed_repairs": closed},
        request=request,
    )
    return record


def records_expire(now: datetime.datetime | None = None) -> int:
    """Mark published records expired once both their validity and their publication have ended (hourly, from beat).
    The public lists and the score already go by the dates, so a late run shows nothing wrong in the meantime.
    Row by row under skip_locked: a second run at the same time takes other rows or none."""
    today = local_date(now or timezone.now())
    done = 0
    with transaction.atomic():
        for record in (
            CreditRecord.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=CreditRecord.State.PUBLISHED, valid_until__lt=today, publication_until__lt=today)
            .select_related("agency", "entity", "rule")[:500]
        ):
            record.expire(at=now or timezone.now())
            record.save()
            closed = _close_open_repairs(
                record, at=now or timezone.now(), note="信用记录已期满，修复申请终结。"
            )
            audit_record(
                actor=None,
                action=CreditAction.RECORD_EXPIRED,
                obj=record,
                agency=record.agency,
                from_state=CreditRecord.State.PUBLISHED,
                to_state=record.state,
                payload={"closed_repairs": closed},
            )
            done += 1
    return done


def _close_open_repairs(record: CreditRecord, *, at, note: str) -> list[int]:
    """An application still under review when its record ends is closed with it: the head could decide it no
    more, and it would wait in the head's 待办 for ever. (The record is locked: repair_apply waits for it.) Returns
    the ids closed, for the record's audit event."""
    closed = []
    for application in record.repairs.select_for_update().filter(state=RepairApplication.State.SUBMITTED):
        application.close(at=at, note=note)
        application.save()
        closed.append(application.pk)
    return closed


# Credit repair -------------------------------------------------------------------------------------------------


@transaction.atomic
def repair_apply(
    *, actor, record: CreditRecord, applicant: str, reasons: str, request=None
) -> RepairApplication:
    """Register an entity's application for credit repair of a published adverse record (the issuing agency's
    handler or head receives it). One application under review per record."""
    record = _locked_record(record)
    require_role(
        actor, record.agency, {HANDLER, HEAD}, _("Applications go to the agency that issued the record.")
    )
    if record.state != CreditRecord.State.PUBLISHED or record.kind != CreditRule.Kind.BAD:
        raise ValidationError(_("Only a published adverse record can be repaired."), code="not_repairable")
    if record.repairs.filter(state=RepairApplication.State.SUBMITTED).exists():
        raise ValidationError(
            _("An application for this record is already under review."), code="repair_open"
        )
    errors = {}
    if not applicant.strip():
        errors["applicant"] = _("Who applies?")
    if not reasons.strip():
        errors["reasons"] = _("Describe the rectification and why the record should be repaired.")
    if errors:
        raise ValidationError(errors)
    application = RepairApplication.objects.create(
        record=record,
        applicant=applicant.strip(),
        reasons=reasons.strip(),
        received_by=actor,
        received_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=CreditAction.REPAIR_SUBMITTED,
        obj=record,
        agency=record.agency,
        payload={"application": application.pk, "applicant": application.applicant},
        request=request,
    )
    return application


@transaction.atomic
def repair_decide(
    *, actor, application: RepairApplication, approve: bool, note: str, request=None, seen_state=None
) -> RepairApplication:
    """The head of the issuing agency decides an application. Approved: the record is repaired — it leaves
    publication and the score, and stays on file with the application and the decision."""
    record = _locked_record(application.record)
    application = RepairApplication.objects.select_for_update().get(pk=application.pk)
    require_role(
        actor, record.agency, {HEAD}, _("Only the head of the issuing agency decides credit repair.")
    )
    refuse_if_moved_on(application, seen_state)
    if not note.strip():
        raise ValidationError({"note": _("Give the reasons for the decision.")})
    now = timezone.now()
    if approve:
        application.approve(by=actor, at=now, note=note.strip())
        application.save()
        before = record.state
        record.repair(at=now, reason=note.strip())
        record.save()
        action = CreditAction.REPAIR_APPROVED
    else:
        application.reject(by=actor, at=now, note=note.strip())
        application.save()
        before = record.state
        action = CreditAction.REPAIR_REJECTED
    audit_record(
        actor=actor,
        action=action,
        obj=record,
        agency=record.agency,
        from_state=before,
        to_state=record.state,
        payload={"application": application.pk, "note": note.strip()},
        request=request,
    )
    return application
