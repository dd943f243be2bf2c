"""Every change of state in credit, one function per transition (`<noun>_<verb>(*, actor, obj, …)`).

Each runs in one transaction: lock the row, check the actor's role in the agency concerned (PermissionDenied →
403), refuse a page out of date (`seen_state`, ConcurrentTransition → 409), transition (django-fsm with
ConcurrentTransitionMixin), record the audit event, start or meet clocks, number documents and notify.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition

from agencies.models import Agency, Membership
from agencies.people import members_in_role
from audit.services import audit_record
from deadlines.clocks import deadline_meet, running_for
from deadlines.clocks import deadline_start as clock_start
from deadlines.due import local_date
from deadlines.models import Deadline
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from .models import CreditAction, CreditRecord, CreditRule, Memo, MemoExecution, RepairApplication

HANDLER, HEAD = Membership.Role.HANDLER, Membership.Role.HEAD
SUPERVISOR, LIAISON = Membership.Role.SUPERVISOR, Membership.Role.LIAISON
# 宣恩 二、(五)2: the memo is "印发至各监督部门后共同执行": the supervisory departments, the finance department (funds)
# and the trading center (market access); not the police, procuratorate or discipline organs.
MEMO_MEMBER_KINDS = (Agency.Kind.SUPERVISORY, Agency.Kind.FINANCE, Agency.Kind.TRADING_CENTER)
MEMO_RULE = "M1"  # credit/migrations/0003: the member agencies' clock to acknowledge and execute a memo
CONFLICT = gettext_noop("Someone else has handled this in the meantime; please refresh.")
DOUBLE_FINE = gettext_noop(
    "%(entity)s has already been fined for act %(act)s (%(agency)s, %(day)s): the same illegal act may not be "
    "fined twice (一事不二罚, 行政处罚法 第二十九条). Record points or another measure without a fine instead."
)


def roles_in(user, agency) -> set[str]:
    """The user's active roles in `agency`, read afresh (a workflow does not trust a page's cached roles)."""
    if agency is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.active()
        .filter(user_id=user.pk, agency_id=agency.pk)
        .values_list("role", flat=True)
    )


def _require(actor, agency, allowed: set[str], refusal: str) -> set[str]:
    roles = roles_in(actor, agency)
    if not roles & allowed:
        raise PermissionDenied(refusal)
    return roles


def _fresh(obj, seen_state: str | None) -> None:
    if seen_state is not None and obj.state != seen_state:
        raise ConcurrentTransition(_(CONFLICT))


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
    _require(
        actor, agency, {HANDLER, HEAD}, _("Only the agency's handlers and heads may enter credit records.")
    )
    if submission_key and (earlier := CreditRecord.objects.filter(submission_key=submission_key).first()):
        return earlier
    act = " ".join(act.split())
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
    try:
        with transaction.atomic():
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
                body=f"{actor.get_full_name() or actor.username}录入了{entity.name}的信用记录（{rule.code} {rule.description}），请审核。",
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
    except IntegrityError:
        # Two departments recorded a fine for the same act at once: the constraint let the first one through.
        if submission_key and (earlier := CreditRecord.objects.filter(submission_key=submission_key).first()):
            return earlier
        _refuse_second_fine(entity, act)
        raise
    return record


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
    _require(actor, record.agency, {HEAD}, _("Only the head of the issuing agency approves credit records."))
    _fresh(record, seen_state)
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
    _require(
        actor, record.agency, {HANDLER, HEAD}, _("Only the issuing agency publishes its credit records.")
    )
    _fresh(record, seen_state)
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
    _require(actor, record.agency, {HEAD}, _("Only the head of the issuing agency revokes credit records."))
    _fresh(record, seen_state)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is revoked.")})
    before = record.state
    record.revoke(at=timezone.now(), reason=reason.strip())
    record.save()
    audit_record(
        actor=actor,
        action=CreditAction.RECORD_REVOKED,
        obj=record,
        agency=record.agency,
        from_state=before,
        to_state=record.state,
        payload={"reason": reason.strip()},
        request=request,
    )
    return record


def records_expire(now: datetime.datetime | None = None) -> int:
    """Mark published records expired once both their validity and their publication have ended (a daily task).
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
            audit_record(
                actor=None,
                action=CreditAction.RECORD_EXPIRED,
                obj=record,
                agency=record.agency,
                from_state=CreditRecord.State.PUBLISHED,
                to_state=record.state,
            )
            done += 1
    return done


# Credit repair -------------------------------------------------------------------------------------------------


@transaction.atomic
def repair_apply(
    *, actor, record: CreditRecord, applicant: str, reasons: str, request=None
) -> RepairApplication:
    """Register an entity's application for credit repair of a published adverse record (the issuing agency's
    handler or head receives it). One application under review per record."""
    record = _locked_record(record)
    _require(
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
    _require(actor, record.agency, {HEAD}, _("Only the head of the issuing agency decides credit repair."))
    _fresh(application, seen_state)
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


# Joint punishment memos ----------------------------------------------------------------------------------------


def may_issue_memos(user, agency) -> bool:
    """The jurisdiction's comprehensive supervisor (its coordinator, or an agency of that kind) issues memos: its
    supervisors and heads."""
    if agency is None:
        return False
    coordinating = agency.kind == Agency.Kind.COMPREHENSIVE or agency.region.coordinator_id == agency.pk
    return coordinating and bool(roles_in(user, agency) & {SUPERVISOR, HEAD})


def memo_issue(
    *,
    actor,
    agency: Agency,
    title: str,
    grounds: str,
    measures: str,
    restricted_until: datetime.date,
    entities,
    agency_measures: dict | None = None,
    submission_key=None,
    request=None,
) -> Memo:
    """Issue a joint punishment memo for `entities` (宣恩 二、(五)2: 县政务局发布联合惩戒备忘录并印发至各监督部门后共同
    执行): number it (备); give every other active supervising agency of the jurisdiction (MEMO_MEMBER_KINDS) its
    part with the measure it applies (`agency_measures` by agency id, else `measures`); start each part's clock M1;
    tell their heads, handlers and liaison officers. The same form sent twice gives the first memo."""
    if not may_issue_memos(actor, agency):
        raise PermissionDenied(_("Joint punishment memos are issued by the comprehensive supervisor."))
    if submission_key and (earlier := Memo.objects.filter(submission_key=submission_key).first()):
        return earlier
    entities = list(entities)
    errors = {}
    now = timezone.now()
    today = local_date(now)
    if not entities:
        errors["entities"] = _("Choose at least one market entity.")
    if not title.strip():
        errors["title"] = _("Give the memo a title.")
    if not grounds.strip():
        errors["grounds"] = _("State the grounds (the decisions and records behind the memo).")
    if not measures.strip():
        errors["measures"] = _("State the measures the agencies apply.")
    if restricted_until <= today:
        errors["restricted_until"] = _("The measures must last beyond today.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        memo = Memo.objects.create(
            region=agency.region,
            agency=agency,
            title=title.strip(),
            grounds=grounds.strip(),
            measures=measures.strip(),
            restricted_until=restricted_until,
            issued_by=actor,
            issued_at=now,
            submission_key=submission_key,
        )
        memo.entities.set(entities)
        members = list(
            Agency.objects.active()
            .filter(region=agency.region, kind__in=MEMO_MEMBER_KINDS)
            .exclude(pk=agency.pk)
            .order_by("name")
        )
        agency_measures = agency_measures or {}
        parts = [
            MemoExecution(
                memo=memo, agency=member, measure=(agency_measures.get(member.pk) or measures).strip()
            )
            for member in members
        ]
        MemoExecution.objects.bulk_create(parts)
        parts = list(memo.executions.select_related("agency"))
        memo.document = document_issue(
            actor=actor,
            agency=agency,
            kind=Document.Kind.MEMO,
            title=memo.title,
            context=_memo_content(memo, entities, parts),
            target=memo,
            issued_on=today,
        )
        memo.save(update_fields=["document"])
        for part in parts:
            part.clock = clock_start(
                actor=actor, rule=MEMO_RULE, target=part, agency=part.agency, triggered_at=now
            )
            part.save(update_fields=["clock"])
        _notify_members(memo, parts, now=now)
        audit_record(
            actor=actor,
            action=CreditAction.MEMO_ISSUED,
            obj=memo,
            agency=agency,
            payload={
                "number": memo.document.number,
                "entities": [entity.code for entity in entities],
                "agencies": [part.agency.name for part in parts],
                "restricted_until": restricted_until,
            },
            request=request,
        )
    return memo


def _memo_content(memo: Memo, entities, parts) -> dict:
    until = memo.restricted_until
    return {
        "recipient": "各成员单位",
        "body": [
            f"根据公共资源交易联合奖惩的有关规定，经查，以下市场主体存在严重失信行为：{memo.grounds}",
            f"本着一事不二罚的原则，现对下列市场主体实施联合惩戒，惩戒期限至{until.year}年{until.month}月{until.day}日。"
            f"惩戒措施：{memo.measures}",
            "请各成员单位按照本备忘录约定的措施共同执行，并在规定时限内将签收及执行情况反馈。",
        ],
        "tables": [
            {
                "title": "联合惩戒对象",
                "headers": ["序号", "名称", "统一社会信用代码或证件号码"],
                "rows": [
                    [str(number), entity.name, entity.code] for number, entity in enumerate(entities, 1)
                ],
            },
            {
                "title": "各成员单位惩戒措施",
                "headers": ["序号", "单位", "措施"],
                "rows": [
                    [str(number), part.agency.name, part.measure] for number, part in enumerate(parts, 1)
                ],
            },
        ],
    }


def _notify_members(memo: Memo, parts, *, now) -> None:
    ids = [part.agency_id for part in parts]
    people = {}
    for role in (HEAD, HANDLER, LIAISON):
        for agency_id, users in members_in_role(ids, role).items():
            people.setdefault(agency_id, set()).update(users)
    content_type_id = ContentType.objects.get_for_model(Memo).pk
    notify(
        [
            Message(
                recipient_ids=tuple(people.get(part.agency_id, ())),
                key=f"credit-memo:{memo.pk}:{part.agency_id}:issued",
                title=f"【联合惩戒备忘录】{memo.document.number}",
                body=f"{memo.agency.name}印发《{memo.title}》，请签收并按约定措施执行：{part.measure}",
                url=memo.get_absolute_url(),
                content_type_id=content_type_id,
                object_id=memo.pk,
            )
            for part in parts
            if people.get(part.agency_id)
        ],
        now=now,
    )


def _locked_part(part: MemoExecution) -> MemoExecution:
    return (
        MemoExecution.objects.select_for_update(of=("self",)).select_related("agency", "memo").get(pk=part.pk)
    )


@transaction.atomic
def memo_acknowledge(*, actor, part: MemoExecution, request=None, seen_state=None) -> MemoExecution:
    """A member agency signs for its part of a memo (any of its handlers, heads or liaison officers)."""
    part = _locked_part(part)
    _require(
        actor, part.agency, {HANDLER, HEAD, LIAISON}, _("Only the agency the memo was sent to signs for it.")
    )
    _fresh(part, seen_state)
    before = part.state
    part.acknowledge(by=actor, at=timezone.now())
    part.save()
    audit_record(
        actor=actor,
        action=CreditAction.MEMO_ACKNOWLEDGED,
        obj=part.memo,
        agency=part.agency,
        from_state=before,
        to_state=part.state,
        request=request,
    )
    return part


@transaction.atomic
def memo_execute(*, actor, part: MemoExecution, note: str, request=None, seen_state=None) -> MemoExecution:
    """A member agency records how it executed its measure (a handler or head): its clock M1 is met."""
    # Lock order as everywhere: clocks before the items they time (dashboards/notices.py).
    clock_ids = list(
        Deadline.objects.select_for_update().filter(credit_memo_part__pk=part.pk).values_list("pk", flat=True)
    )
    part = _locked_part(part)
    _require(
        actor, part.agency, {HANDLER, HEAD}, _("Only the agency the memo was sent to records its execution.")
    )
    _fresh(part, seen_state)
    if not note.strip():
        raise ValidationError({"note": _("Describe what your agency did.")})
    now = timezone.now()
    before = part.state
    part.execute(by=actor, at=now, note=note.strip())
    part.save()
    for clock in running_for(part, MEMO_RULE).filter(pk__in=clock_ids):
        deadline_meet(actor=actor, deadline=clock, at=now)
    memo = part.memo
    notify(
        [
            Message(
                recipient_ids=(memo.issued_by_id,),
                key=f"credit-memo:{memo.pk}:{part.agency_id}:executed",
                title=f"【备忘录执行反馈】{part.agency.name}",
                body=f"{part.agency.name}已反馈《{memo.title}》的执行情况：{part.execution_note}",
                url=memo.get_absolute_url(),
                content_type_id=ContentType.objects.get_for_model(Memo).pk,
                object_id=memo.pk,
            )
        ],
        now=now,
    )
    audit_record(
        actor=actor,
        action=CreditAction.MEMO_EXECUTED,
        obj=part.memo,
        agency=part.agency,
        from_state=before,
        to_state=part.state,
        payload={"note": note.strip()},
        request=request,
    )
    return part
