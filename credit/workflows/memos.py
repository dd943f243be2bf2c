"""Joint punishment memos (联合惩戒备忘录): issue, and each member agency's acknowledgement and execution."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.people import members_in_role
from audit.services import audit_record
from config.submissions import created_once
from deadlines.clocks import deadline_meet, running_for
from deadlines.clocks import deadline_start as clock_start
from deadlines.due import local_date
from deadlines.models import Deadline
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from ..models import CreditAction, Memo, MemoExecution
from .common import HANDLER, HEAD, LIAISON, SUPERVISOR, refuse_if_moved_on, require_role, roles_in

# 宣恩 二、(五)2: the memo is "印发至各监督部门后共同执行": the supervisory departments, the finance department (funds)
# and the trading center (market access); not the police, procuratorate or discipline organs.
MEMO_MEMBER_KINDS = (Agency.Kind.SUPERVISORY, Agency.Kind.FINANCE, Agency.Kind.TRADING_CENTER)
MEMO_RULE = "M1"  # credit/migrations/0003: the member agencies' clock to acknowledge and execute a memo


def memo_members(agency):
    """The agencies a memo of `agency` goes to: the other active supervising agencies of its jurisdiction."""
    return (
        Agency.objects.active()
        .filter(region=agency.region, kind__in=MEMO_MEMBER_KINDS)
        .exclude(pk=agency.pk)
        .order_by("name")
    )


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
    mine = Memo.objects.filter(issued_by=actor)
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
    return created_once(
        mine,
        submission_key,
        lambda: _issue(
            actor=actor,
            agency=agency,
            title=title.strip(),
            grounds=grounds.strip(),
            measures=measures.strip(),
            restricted_until=restricted_until,
            entities=entities,
            agency_measures=agency_measures or {},
            submission_key=submission_key,
            now=now,
            request=request,
        ),
    )


@transaction.atomic
def _issue(
    *,
    actor,
    agency,
    title,
    grounds,
    measures,
    restricted_until,
    entities,
    agency_measures,
    submission_key,
    now,
    request,
) -> Memo:
    today = local_date(now)
    memo = Memo.objects.create(
        region=agency.region,
        agency=agency,
        title=title,
        grounds=grounds,
        measures=measures,
        restricted_until=restricted_until,
        issued_by=actor,
        issued_at=now,
        submission_key=submission_key,
    )
    memo.entities.set(entities)
    members = list(memo_members(agency))
    parts = [
        MemoExecution(memo=memo, agency=member, measure=(agency_measures.get(member.pk) or measures).strip())
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
        distribution=members,  # 印发至各成员单位: every member reads the numbered memo itself
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
    require_role(
        actor, part.agency, {HANDLER, HEAD, LIAISON}, _("Only the agency the memo was sent to signs for it.")
    )
    refuse_if_moved_on(part, seen_state)
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
    # Lock order as everywhere: the item a clock times, then its clocks (dashboards/notices.py). A notice on the
    # part's clock locks the part first too (deadlines.clocks.lock_target): the other order deadlocked with it.
    part = _locked_part(part)
    clock_ids = list(
        Deadline.objects.select_for_update(of=("self",))
        .filter(credit_memo_part__pk=part.pk)
        .values_list("pk", flat=True)
    )
    require_role(
        actor, part.agency, {HANDLER, HEAD}, _("Only the agency the memo was sent to records its execution.")
    )
    refuse_if_moved_on(part, seen_state)
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
