"""A criminal referral's steps under State Council Decree 310 (《行政执法机关移送涉嫌犯罪案件的规定》), rules C1-C12 of
domain.md §2.2: the special team and its report (Art. 5), the head's decision (C2), the transfer (C3, Art. 6), the
police's receipt (Art. 7) and decision (C6, Art. 8), reconsideration (C9-C10) and supervision (C11, Art. 9), the
handover of the items (C12, Art. 12). Each step meets its clock and starts the next; every document is numbered.

Decree 310 counts "日", which the rules read as calendar days rolled past holidays (domain.md §2.1 [M]); the C3
transfer runs 24 exact hours.
"""

# Past style 6.1's ~500 lines: one module per kind of case, like the others; split it by side if it grows.

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from agencies.models import Agency, Membership
from agencies.people import members_in_role
from agencies.templatetags.people import person_name
from audit.services import audit_record
from deadlines.clocks import deadline_cancel, deadline_start, running_for
from deadlines.due import LEGAL_TZ
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from ..evidence import check_evidence_file
from ..models import CriminalReferral, Lead
from ..permissions import (
    AGENCY,
    CRIMINAL_ALLOWED,
    criminal_actions,
    criminal_side_roles,
    criminal_sides,
    roles_by_agency,
)
from ..services import evidence_store, files_removed_on_failure
from .common import check_step, meet_clocks

MIN_TEAM = 2  # Decree 310 Art. 5: 指定2名或者2名以上行政执法人员组成专案组
DECREE = "《行政执法机关移送涉嫌犯罪案件的规定》"
H, HEAD = Membership.Role.HANDLER, Membership.Role.HEAD
State = CriminalReferral.State
# check_step reads a table keyed (role, state); on a criminal referral a role is held on one side: (side, role).
STEP_TABLE = {((side, role), state): actions for (side, role, state), actions in CRIMINAL_ALLOWED.items()}


def _for_step(criminal: CriminalReferral, actor, action: str, seen_state: str | None) -> CriminalReferral:
    """The criminal referral, locked, once the actor may take `action` on the version their page showed: 403 for a
    step their roles never allow, 409 for a page out of date, 403 for a step not allowed now."""
    # Lock this row only: the agencies and the lead joined for the documents' texts are read, not changed.
    criminal = (
        CriminalReferral.objects.select_for_update(of=("self",))
        .select_related("lead__project", "agency", "police", "procuratorate", "transfer_letter")
        .get(pk=criminal.pk)
    )
    check_step(
        criminal,
        roles=criminal_side_roles(criminal_sides(roles_by_agency(actor), criminal)),
        table=STEP_TABLE,
        action=action,
        seen_state=seen_state,
        refusal=_("Your role does not allow this step at this stage of the criminal referral."),
    )
    return criminal


def _required(text: str, message: str, code: str) -> str:
    if not text.strip():
        raise ValidationError(message, code=code)
    return text.strip()


def _tell(criminal: CriminalReferral, agency_id: int, roles, *, key: str, title: str, body: str, now) -> None:
    """Tell the people in `roles` of one side about a step (one notification each, whatever the retries)."""
    people = set()
    for role in roles:
        people |= members_in_role([agency_id], role).get(agency_id, set())
    notify(
        [
            Message(
                recipient_ids=tuple(sorted(people)),
                key=f"criminal:{criminal.pk}:{key}",
                title=title,
                body=body,
                url=criminal.get_absolute_url(),
            )
        ],
        now=now,
    )


def _record(
    criminal: CriminalReferral, *, actor, action: str, agency, before: str, payload=None, request=None
):
    audit_record(
        actor=actor,
        action=action,
        obj=criminal,
        agency=agency,
        from_state=before,
        to_state=criminal.state,
        payload=payload,
        request=request,
    )


def _case_name(criminal: CriminalReferral) -> str:
    return f"“{criminal.lead.project.name}”涉嫌{criminal.suspected_offence}案"


# The administrative agency: team, report, decision, transfer ------------------------------------------------------


@transaction.atomic
def criminal_start(
    *, actor, lead: Lead, team, police: Agency, suspected_offence: str, request=None
) -> CriminalReferral:
    """Start a criminal referral of `lead`: the special team of two or more of the agency's staff (Art. 5, C1) and
    the police of the same level it goes to. One per lead while it runs: a second start is refused."""
    lead = Lead.objects.select_for_update(of=("self",)).select_related("agency", "project").get(pk=lead.pk)
    sides = {AGENCY: roles_by_agency(actor).get(lead.agency_id, set())}
    if "start" not in criminal_actions(sides, None):
        raise PermissionDenied(
            _("Only the handlers and heads of the lead's agency start a criminal referral.")
        )
    offence = _required(suspected_offence, _("Name the suspected offence."), "offence_required")
    if not police.is_active or police.kind != Agency.Kind.POLICE or police.region_id != lead.agency.region_id:
        raise ValidationError(
            _("Choose the public security organ of your own region (同级公安机关, Decree 310 Art. 3)."),
            code="police",
        )
    members = {user.pk for user in team}
    staff = set(
        Membership.objects.active()
        .filter(agency=lead.agency, role__in=[H, HEAD], user__is_active=True, user_id__in=members)
        .values_list("user_id", flat=True)
    )
    if len(staff) < MIN_TEAM or staff != members:
        raise ValidationError(
            _(
                "The special team needs at least %(min)d different staff members of your agency (Decree 310 Art. 5)."
            )
            % {"min": MIN_TEAM},
            code="team",
        )
    if lead.criminal_referrals.exclude(state__in=CriminalReferral.ENDED).exists():
        # A second submit of the start form (the lead's lock made it wait for the first): nothing more to do.
        raise ConcurrentTransition(_("A criminal referral of this lead is already under way."))
    criminal = CriminalReferral.objects.create(
        lead=lead, agency=lead.agency, police=police, suspected_offence=offence, created_by=actor
    )
    criminal.team.set(sorted(staff))
    notify([Message(recipient_ids=tuple(sorted(staff)), key=f"criminal:{criminal.pk}:team",
                    title=f"【专案组】{lead.project.name}",
                    body=f"你已被指定为{_case_name(criminal)}专案组成员，请核查情况并提交书面报告。",
                    url=criminal.get_absolute_url())], now=timezone.now())  # fmt: skip
    audit_record(
        actor=actor,
        action="criminal_started",
        obj=criminal,
        agency=lead.agency,
        to_state=criminal.state,
        payload={"lead": lead.pk, "police": police.name, "offence": offence, "team": sorted(staff)},
        request=request,
    )
    return criminal


def criminal_submit(
    *, actor, criminal: CriminalReferral, report_file, request=None, seen_state=None
) -> CriminalReferral:
    """The special team puts its written report to the head (Art. 5): kept as evidence of the lead; clock C2
    starts (the head decides within 3 days of receiving it). Only a member of the team submits it.

    The transaction sits inside files_removed_on_failure, as in lead_submit: a report written to disk by a
    transaction that then fails, even at commit, is deleted again."""
    check = check_evidence_file(report_file)
    with files_removed_on_failure() as stored, transaction.atomic():
        criminal = _for_step(criminal, actor, "submit", seen_state)
        if not criminal.team.filter(pk=actor.pk).exists():
            raise ValidationError(
                _("Only a member of the special team submits its written report."), code="not_on_team"
            )
        now = timezone.now()
        # evidence_store wants its owner locked: two reports stored at once must not race on the same file.
        lead = Lead.objects.select_for_update(of=("self",)).get(pk=criminal.lead_id)
        report = evidence_store(
            owner=lead, upload=report_file, check=check, actor=actor, stored=stored, prefix="criminal-report-"
        )
        before = criminal.state
        criminal.submit(report=report, at=now)
        criminal.save()
        deadline_start(
            actor=actor,
            rule="C2",
            target=criminal,
            agency=criminal.agency,
            triggered_at=now,
            confidential=True,
        )
        _tell(criminal, criminal.agency_id, [HEAD], key="submitted",
              title=f"【待审批】涉嫌犯罪案件移送：{criminal.lead.project.name}",
              body=f"专案组已提交{_case_name(criminal)}的书面报告，请在3日内作出批准或者不批准移送的决定。", now=now)  # fmt: skip
        _record(criminal, actor=actor, action="criminal_submitted", agency=criminal.agency, before=before,
                payload={"report": report.original_name, "sha256": report.sha256}, request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_approve(*, actor, criminal: CriminalReferral, request=None, seen_state=None) -> CriminalReferral:
    """The head approves the transfer (Art. 5): clock C2 met, C3 starts (transfer within 24 hours). A head on the
    special team does not decide on its own report."""
    criminal = _for_step(criminal, actor, "approve", seen_state)
    _not_on_team(criminal, actor)
    now = timezone.now()
    before = criminal.state
    criminal.approve(by=actor, at=now)
    criminal.save()
    meet_clocks(criminal, "C2", actor=actor, at=now)
    deadline_start(
        actor=actor, rule="C3", target=criminal, agency=criminal.agency, triggered_at=now, confidential=True
    )
    _tell(criminal, criminal.agency_id, [H], key="approved",
          title=f"【已批准移送】{criminal.lead.project.name}",
          body=f"负责人已批准移送{_case_name(criminal)}，请在24小时内向{criminal.police.name}移送。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_approved", agency=criminal.agency, before=before,
            request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_refuse(
    *, actor, criminal: CriminalReferral, reasons: str, request=None, seen_state=None
) -> CriminalReferral:
    """The head does not approve the transfer; the reasons are required and kept on record (Art. 5: 不批准的，应当将不予
    批准的理由记录在案). Clock C2 is met; the case goes no further (a new one may start on new facts)."""
    criminal = _for_step(criminal, actor, "refuse", seen_state)
    _not_on_team(criminal, actor)
    reasons = _required(reasons, _("Record why the transfer is not approved."), "reasons_required")
    now = timezone.now()
    before = criminal.state
    criminal.refuse(by=actor, at=now, reasons=reasons)
    criminal.save()
    meet_clocks(criminal, "C2", actor=actor, at=now)
    team = tuple(sorted(criminal.team.values_list("pk", flat=True)))
    notify([Message(recipient_ids=team, key=f"criminal:{criminal.pk}:refused",
                    title=f"【不批准移送】{criminal.lead.project.name}",
                    body=f"负责人不批准移送{_case_name(criminal)}，理由：{reasons}", url=criminal.get_absolute_url())],
           now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_refused", agency=criminal.agency, before=before,
            payload={"reasons": reasons}, request=request)  # fmt: skip
    return criminal


def _not_on_team(criminal: CriminalReferral, actor) -> None:
    if criminal.team.filter(pk=actor.pk).exists():
        raise ValidationError(
            _("You are on the special team; another head decides on its report."), code="own_report"
        )


@transaction.atomic
def criminal_transfer(
    *,
    actor,
    criminal: CriminalReferral,
    investigation_report: bool,
    items_list: bool,
    expert_opinion: bool,
    other_materials: str = "",
    request=None,
    seen_state=None,
) -> CriminalReferral:
    """Transfer the case to the police (Arts. 3, 6): the numbered 涉嫌犯罪案件移送书 with the materials it carries
    (the investigation report always; the list of items and the inspection reports or expert opinions where there
    are any; other materials). Clock C3 is met; the police are told to sign for it."""
    criminal = _for_step(criminal, actor, "transfer", seen_state)
    if not investigation_report:
        raise ValidationError(
            _(
                "The investigation report on the suspected crime must go with the transfer (Decree 310 Art. 6)."
            ),
            code="investigation_report_required",
        )
    other_materials = other_materials.strip()
    materials = _materials(investigation_report, items_list, expert_opinion, other_materials)
    phone = (
        Membership.objects.active()
        .filter(user=actor, agency=criminal.agency)
        .exclude(phone="")
        .values_list("phone", flat=True)
        .first()
    )
    now = timezone.now()
    letter = document_issue(
        confidential=True,
        actor=actor,
        agency=criminal.agency,
        addressee=criminal.police,
        kind=Document.Kind.LETTER,
        title="涉嫌犯罪案件移送书",
        context={
            "recipient": criminal.police.name,
            "body": [
                f"我单位在查处“{criminal.lead.project.name}”有关违法行为中发现：{criminal.lead.facts}",
                f"经本机关负责人批准，该案涉嫌{criminal.suspected_offence}。依据{DECREE}第三条、第五条、第六条的规定，"
                "现将该案移送你单位，请依法审查，并自接受之日起3日内作出立案或者不予立案的决定，书面告知我单位。",
                f"你单位决定立案的，我单位将自接到立案通知书之日起3日内移交涉案物品以及与案件有关的其他材料（{DECREE}第十二条）。",
            ],
            "attachments": materials,
            "contact": {"name": person_name(actor), "phone": phone or "—"},
        },
        target=criminal,
    )
    before = criminal.state
    criminal.transfer(
        at=now,
        letter=letter,
        investigation_report=investigation_report,
        items_list=items_list,
        expert_opinion=expert_opinion,
        other_materials=other_materials,
    )
    criminal.save()
    meet_clocks(criminal, "C3", actor=actor, at=now)
    _tell(criminal, criminal.police_id, [H, HEAD], key="transferred",
          title=f"【涉嫌犯罪案件移送】{letter.number}",
          body=f"{criminal.agency.name}移送{_case_name(criminal)}，请签收，并自接受之日起3日内决定是否立案。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_transferred", agency=criminal.agency, before=before,
            payload={"letter": letter.number, "materials": materials}, request=request)  # fmt: skip
    return criminal


def _materials(investigation_report: bool, items_list: bool, expert_opinion: bool, other: str) -> list[str]:
    """The materials of Decree 310 Art. 6 that go with the 移送书, as its attachments list them."""
    names = []
    if investigation_report:
        names.append("涉嫌犯罪案件情况的调查报告")
    if items_list:
        names.append("涉案物品清单")
    if expert_opinion:
        names.append("有关检验报告或者鉴定意见")
    if other:
        names.append(f"其他有关涉嫌犯罪的材料：{other}")
    return names


# The police: receipt, decision, reconsideration ----------------------------------------------------------------------


@transaction.atomic
def criminal_receive(*, actor, criminal: CriminalReferral, request=None, seen_state=None) -> CriminalReferral:
    """The police sign for the transfer on a receipt (Art. 7: 在涉嫌犯罪案件移送书的回执上签字); clock C6 starts
    (decide within 3 days). The agency is told."""
    criminal = _for_step(criminal, actor, "receive", seen_state)
    now = timezone.now()
    local = timezone.localtime(now, LEGAL_TZ)
    letter = criminal.transfer_letter
    receipt = document_issue(
        confidential=True,
        actor=actor,
        agency=criminal.police,
        addressee=criminal.agency,
        kind=Document.Kind.RECEIPT,
        title="涉嫌犯罪案件移送书回执",
        context={
            "original_number": letter.number,
            "case_name": _case_name(criminal),
            "sender": criminal.agency.name,
            "receiver": criminal.police.name,
            "materials": [
                {"name": name, "copies": 1, "pages": "", "original": False, "note": ""}
                for name in ["涉嫌犯罪案件移送书", *letter.context.get("attachments", [])]
            ],
            "received_by": person_name(actor),
            "received_at_text": f"{local.year}年{local.month}月{local.day}日 {local.hour}时{local.minute:02d}分",
        },
        target=criminal,
    )
    before = criminal.state
    criminal.receive(by=actor, at=now, receipt=receipt)
    criminal.save()
    deadline_start(
        actor=actor, rule="C6", target=criminal, agency=criminal.police, triggered_at=now, confidential=True
    )
    _tell(criminal, criminal.agency_id, [H, HEAD], key="received", title=f"【已签收】{letter.number}",
          body=f"{criminal.police.name}已签收你单位移送的{_case_name(criminal)}（回执{receipt.number}）。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_received", agency=criminal.police, before=before,
            payload={"receipt": receipt.number}, request=request)  # fmt: skip
    return criminal


def _notice(criminal: CriminalReferral, *, actor, title: str, body: list[str]) -> Document:
    """A numbered written notice from the police to the transferring agency about this case."""
    return document_issue(
        confidential=True,
        actor=actor,
        agency=criminal.police,
        addressee=criminal.agency,
        kind=Document.Kind.NOTICE,
        title=title,
        context={"recipient": criminal.agency.name, "body": body},
        target=criminal,
    )


def _opened(criminal: CriminalReferral, *, actor, now, title: str, reason: str) -> Document:
    """The case is opened: the 立案通知书 to the agency, and its clock C12 (hand over the items within 3 days)."""
    notice = _notice(
        criminal,
        actor=actor,
        title=title,
        body=[
            f"你单位《{criminal.transfer_letter.number}》移送的{_case_name(criminal)}，{reason}",
            f"请自接到本通知书之日起3日内将涉案物品以及与案件有关的其他材料移交我局，并办结交接手续（{DECREE}第十二条）。",
        ],
    )
    deadline_start(
        actor=actor, rule="C12", target=criminal, agency=criminal.agency, triggered_at=now, confidential=True
    )
    _tell(criminal, criminal.agency_id, [H, HEAD], key=f"opened-{notice.pk}", title=f"【已立案】{notice.number}",
          body=f"{criminal.police.name}已对{_case_name(criminal)}立案，请在3日内移交涉案物品及有关材料。", now=now)  # fmt: skip
    return notice


@transaction.atomic
def criminal_open_case(
    *, actor, criminal: CriminalReferral, request=None, seen_state=None
) -> CriminalReferral:
    """The police head opens the case (立案, Art. 8), also after the procuratorate's supervision: the written
    立案通知书 to the agency; clock C6 met (if running), C12 started."""
    criminal = _for_step(criminal, actor, "open_case", seen_state)
    now = timezone.now()
    before = criminal.state
    criminal.open_case(at=now)
    criminal.save()
    meet_clocks(criminal, "C6", actor=actor, at=now)
    notice = _opened(criminal, actor=actor, now=now, title="立案告知书",
                     reason="经审查，认为有犯罪事实，需要追究刑事责任，依法决定立案侦查。")  # fmt: skip
    _record(criminal, actor=actor, action="criminal_case_opened", agency=criminal.police, before=before,
            payload={"notice": notice.number}, request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_decline(
    *, actor, criminal: CriminalReferral, reasons: str, request=None, seen_state=None
) -> CriminalReferral:
    """The police head decides not to open a case, with written reasons, and returns the case file (Art. 8): the
    不予立案通知书; clock C6 met, the agency's C9 started (ask for reconsideration within 3 days)."""
    criminal = _for_step(criminal, actor, "decline", seen_state)
    reasons = _required(reasons, _("Give the reasons for not opening a case."), "reasons_required")
    now = timezone.now()
    notice = _notice(
        criminal,
        actor=actor,
        title="不予立案通知书",
        body=[
            f"你单位《{criminal.transfer_letter.number}》移送的{_case_name(criminal)}，经审查，{reasons}",
            "根据《中华人民共和国刑事诉讼法》第一百一十二条的规定，决定不予立案，现将案卷材料退回。",
            f"你单位如有异议，可以自接到本通知书之日起3日内提请我局复议，也可以建议人民检察院依法进行立案监督（{DECREE}第九条）。",
        ],
    )
    before = criminal.state
    criminal.decline(at=now, reasons=reasons)
    criminal.save()
    meet_clocks(criminal, "C6", actor=actor, at=now)
    deadline_start(
        actor=actor, rule="C9", target=criminal, agency=criminal.agency, triggered_at=now, confidential=True
    )
    _tell(criminal, criminal.agency_id, [H, HEAD], key="declined", title=f"【不予立案】{notice.number}",
          body=f"{criminal.police.name}决定对{_case_name(criminal)}不予立案，理由：{reasons}。如有异议，可在3日内提请复议或者建议检察院立案监督。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_declined", agency=criminal.police, before=before,
            payload={"notice": notice.number, "reasons": reasons}, request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_request_reconsideration(
    *, actor, criminal: CriminalReferral, grounds: str, request=None, seen_state=None
) -> CriminalReferral:
    """The agency asks the police to reconsider the refusal (Art. 9), by letter: clock C9 met, the police's C10
    started (decide within 3 days)."""
    criminal = _for_step(criminal, actor, "request_reconsideration", seen_state)
    grounds = _required(grounds, _("Say why the decision should be reconsidered."), "grounds_required")
    now = timezone.now()
    letter = document_issue(
        confidential=True,
        actor=actor,
        agency=criminal.agency,
        addressee=criminal.police,
        kind=Document.Kind.LETTER,
        title="提请复议书",
        context={
            "recipient": criminal.police.name,
            "body": [
                f"我单位《{criminal.transfer_letter.number}》移送的{_case_name(criminal)}，你局决定不予立案。",
                f"我单位认为：{grounds}",
                f"依据{DECREE}第九条的规定，现提请你局复议，请自收到本提请复议书之日起3日内作出复议决定，并书面通知我单位。",
            ],
        },
        target=criminal,
    )
    before = criminal.state
    criminal.request_reconsideration(grounds=grounds)
    criminal.save()
    meet_clocks(criminal, "C9", actor=actor, at=now)
    deadline_start(
        actor=actor, rule="C10", target=criminal, agency=criminal.police, triggered_at=now, confidential=True
    )
    _tell(criminal, criminal.police_id, [HEAD], key="reconsideration", title=f"【提请复议】{letter.number}",
          body=f"{criminal.agency.name}对{_case_name(criminal)}的不予立案决定提请复议，请在3日内作出复议决定。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_reconsideration_requested", agency=criminal.agency,
            before=before, payload={"letter": letter.number, "grounds": grounds}, request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_overturn(
    *, actor, criminal: CriminalReferral, request=None, seen_state=None
) -> CriminalReferral:
    """On reconsideration the police head overturns the refusal and opens the case: clock C10 met, the agency's
    C12 started, the 立案通知书 sent."""
    criminal = _for_step(criminal, actor, "overturn", seen_state)
    now = timezone.now()
    before = criminal.state
    criminal.overturn(at=now)
    criminal.save()
    meet_clocks(criminal, "C10", actor=actor, at=now)
    notice = _opened(criminal, actor=actor, now=now, title="复议决定书（立案）",
                     reason="经复议，撤销原不予立案决定，依法决定立案侦查。")  # fmt: skip
    _record(criminal, actor=actor, action="criminal_overturned", agency=criminal.police, before=before,
            payload={"notice": notice.number}, request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_uphold(
    *, actor, criminal: CriminalReferral, reasons: str, request=None, seen_state=None
) -> CriminalReferral:
    """On reconsideration the police head upholds the refusal, with reasons, in writing: clock C10 met, the
    agency's C11 started (ask the procuratorate for supervision within 3 days if it still disagrees)."""
    criminal = _for_step(criminal, actor, "uphold", seen_state)
    reasons = _required(reasons, _("Give the reasons for upholding the refusal."), "reasons_required")
    now = timezone.now()
    notice = _notice(
        criminal,
        actor=actor,
        title="复议决定书（维持不予立案）",
        body=[
            f"你单位对{_case_name(criminal)}不予立案决定提请的复议收悉。经复议，{reasons}",
            "决定维持原不予立案决定。",
            f"你单位对本复议决定仍有异议的，可以自收到本决定书之日起3日内建议人民检察院依法进行立案监督（{DECREE}第九条）。",
        ],
    )
    before = criminal.state
    criminal.uphold(at=now, reasons=reasons)
    criminal.save()
    meet_clocks(criminal, "C10", actor=actor, at=now)
    deadline_start(
        actor=actor, rule="C11", target=criminal, agency=criminal.agency, triggered_at=now, confidential=True
    )
    _tell(criminal, criminal.agency_id, [H, HEAD], key="upheld", title=f"【复议维持】{notice.number}",
          body=f"{criminal.police.name}复议维持对{_case_name(criminal)}的不予立案决定。仍有异议的，可在3日内建议检察院立案监督。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_upheld", agency=criminal.police, before=before,
            payload={"notice": notice.number, "reasons": reasons}, request=request)  # fmt: skip
    return criminal


# After the police's decision: supervision, acceptance, handover ------------------------------------------------------


@transaction.atomic
def criminal_request_supervision(
    *, actor, criminal: CriminalReferral, procuratorate: Agency, grounds: str, request=None, seen_state=None
) -> CriminalReferral:
    """The agency asks the people's procuratorate to supervise the refusal (立案监督, Art. 9): directly after the
    不予立案 notice (clock C9 met) or after an upheld reconsideration (C11 met). A letter to the procuratorate,
    which sees the case from now on."""
    criminal = _for_step(criminal, actor, "request_supervision", seen_state)
    grounds = _required(grounds, _("Say why the procuratorate should supervise."), "grounds_required")
    if (
        not procuratorate.is_active
        or procuratorate.kind != Agency.Kind.PROCURATORATE
        or procuratorate.region_id != criminal.agency.region_id
    ):
        raise ValidationError(
            _("Choose the people's procuratorate of your own region."), code="procuratorate"
        )
    now = timezone.now()
    refusals = "、".join(
        f"《{number}》"
        for number in Document.objects.filter(
            content_type=ContentType.objects.get_for_model(CriminalReferral),
            object_id=criminal.pk,
            kind=Document.Kind.NOTICE,
        )
        .order_by("created_at", "id")
        .values_list("number", flat=True)
    )
    letter = document_issue(
        confidential=True,
        actor=actor,
        agency=criminal.agency,
        addressee=procuratorate,
        kind=Document.Kind.LETTER,
        title="关于建议对涉嫌犯罪案件进行立案监督的函",
        context={
            "recipient": procuratorate.name,
            "body": [
                f"我单位以《{criminal.transfer_letter.number}》向{criminal.police.name}移送的{_case_name(criminal)}，"
                f"{criminal.police.name}决定不予立案（{refusals}）。",
                f"我单位认为：{grounds}",
                f"依据{DECREE}第九条的规定，建议你院依法进行立案监督。",
            ],
        },
        target=criminal,
    )
    before = criminal.state
    criminal.request_supervision(procuratorate=procuratorate, grounds=grounds)
    criminal.save()
    meet_clocks(criminal, "C9" if before == State.NOT_OPENED else "C11", actor=actor, at=now)
    _tell(criminal, procuratorate.pk, [H, HEAD], key="supervision", title=f"【建议立案监督】{letter.number}",
          body=f"{criminal.agency.name}建议对{criminal.police.name}不予立案的{_case_name(criminal)}进行立案监督。", now=now)  # fmt: skip
    _tell(criminal, criminal.police_id, [HEAD], key="supervision-police", title=f"【建议立案监督】{letter.number}",
          body=f"{criminal.agency.name}已建议{procuratorate.name}对{_case_name(criminal)}进行立案监督。", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_supervision_requested", agency=criminal.agency, before=before,
            payload={"letter": letter.number, "procuratorate": procuratorate.name, "grounds": grounds},
            request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_accept_refusal(
    *, actor, criminal: CriminalReferral, request=None, seen_state=None
) -> CriminalReferral:
    """The agency head accepts the police's refusal and asks neither reconsideration nor supervision (both are the
    agency's option under Art. 9, not its duty): the case closes and the option's clock (C9 or C11) is cancelled,
    so that it does not run out as if something were overdue."""
    criminal = _for_step(criminal, actor, "accept_refusal", seen_state)
    now = timezone.now()
    before = criminal.state
    criminal.accept_refusal()
    criminal.save()
    for clock in running_for(criminal).filter(rule__code__in=["C9", "C11"]):
        deadline_cancel(actor=actor, deadline=clock, reason="移送机关接受不予立案决定", at=now)
    _record(criminal, actor=actor, action="criminal_refusal_accepted", agency=criminal.agency, before=before,
            request=request)  # fmt: skip
    return criminal


@transaction.atomic
def criminal_hand_over(
    *, actor, criminal: CriminalReferral, note: str, request=None, seen_state=None
) -> CriminalReferral:
    """Record the handover of the items and the other materials to the police, with what was handed over (Art. 12:
    办结交接手续); clock C12 met. The police are told."""
    criminal = _for_step(criminal, actor, "hand_over", seen_state)
    note = _required(note, _("List the items and materials handed over."), "note_required")
    now = timezone.now()
    before = criminal.state
    criminal.hand_over(at=now, note=note)
    criminal.save()
    meet_clocks(criminal, "C12", actor=actor, at=now)
    _tell(criminal, criminal.police_id, [H, HEAD], key="handed-over", title=f"【涉案物品移交】{criminal.lead.project.name}",
          body=f"{criminal.agency.name}已移交{_case_name(criminal)}的涉案物品及有关材料：{note}", now=now)  # fmt: skip
    _record(criminal, actor=actor, action="criminal_handed_over", agency=criminal.agency, before=before,
            payload={"items": note}, request=request)  # fmt: skip
    return criminal
