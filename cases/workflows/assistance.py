"""An assistance letter's steps (宣恩 二(四)3): sent as a numbered 协助办理函; the agency asked assists and answers in
writing, or returns it with written reasons within 5 working days (rule L6). There is no third way: it cannot
simply refuse."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership
from agencies.people import members_in_role
from audit.services import audit_record
from config.submissions import created_once
from deadlines.clocks import deadline_start
from documents.models import Document
from documents.services import document_issue
from notifications.services import Message, notify

from ..evidence import check_evidence_file
from ..models import AssistanceRequest
from ..permissions import ASSISTANCE_ALLOWED, may_ever, roles_in
from ..services import evidence_store, files_removed_on_failure
from .common import check_step, meet_clocks


def _tell(agency, *, key: str, title: str, body: str, now) -> None:
    handlers = members_in_role([agency.pk], Membership.Role.HANDLER).get(agency.pk, set())
    notify([Message(recipient_ids=tuple(handlers), key=key, title=title, body=body)], now=now)


def assistance_send(
    *,
    actor,
    requester,
    assistant,
    case_summary: str,
    matters: str,
    reasons: str,
    files: list,
    lead=None,
    request=None,
    submission_key=None,
) -> AssistanceRequest:
    """Ask `assistant` for help with a case of `requester`: the numbered letter, the evidence, clock L6 for the
    agency asked, a message to its handlers. Sent once per `submission_key`; the same form sent again to another
    agency is refused, not answered with the letter to the first."""
    return created_once(
        AssistanceRequest.objects.filter(requester=requester, sent_by=actor, assistant=assistant),
        submission_key,
        lambda: _assistance_create(
            actor=actor, requester=requester, assistant=assistant, case_summary=case_summary, matters=matters,
            reasons=reasons, files=files, lead=lead, request=request, submission_key=submission_key,
        ),
    )  # fmt: skip


def _assistance_create(
    *, actor, requester, assistant, case_summary, matters, reasons, files, lead, request, submission_key
) -> AssistanceRequest:
    # As lead_submit: a file written by a transaction that then fails, even at commit, is deleted again.
    with files_removed_on_failure() as stored, transaction.atomic():
        if not may_ever(roles_in(actor, requester), ASSISTANCE_ALLOWED, "send"):
            raise PermissionDenied(
                _("Only the handlers and heads of the requesting agency send its assistance letters.")
            )
        if assistant.pk == requester.pk or not assistant.is_active:
            raise ValidationError(_("Ask another, active agency."), code="assistant")
        if lead is not None and lead.agency_id != requester.pk:
            raise ValidationError(_("The case must be one of your agency's."), code="lead")
        checked = [(upload, check_evidence_file(upload)) for upload in files]
        now = timezone.now()
        letter = document_issue(
            actor=actor,
            agency=requester,
            addressee=assistant,
            kind=Document.Kind.LETTER,
            title="协助办理函",
            context={
                "recipient": assistant.name,
                "body": [
                    f"案件基本情况：{case_summary.strip()}",
                    f"请求协助事项：{matters.strip()}",
                    f"请求协助理由：{reasons.strip()}",
                    "请予协助并书面反馈；超出贵单位职能的，请于5个工作日内退回本函并说明原因。",
                ],
            },
            target=lead,
        )
        assistance = AssistanceRequest.objects.create(
            requester=requester,
            assistant=assistant,
            lead=lead,
            case_summary=case_summary.strip(),
            matters=matters.strip(),
            reasons=reasons.strip(),
            letter=letter,
            sent_by=actor,
            sent_at=now,
            submission_key=submission_key,
        )
        for upload, check in checked:
            evidence_store(owner=assistance, upload=upload, check=check, actor=actor, stored=stored)
        deadline_start(actor=actor, rule="L6", target=assistance, agency=assistant, triggered_at=now)
        _tell(assistant, key=f"assistance:{assistance.pk}:sent", title=f"【协助办理函】{letter.number}",
              body=f"{requester.name}请求协助：{matters.strip()[:60]}", now=now)  # fmt: skip
        audit_record(actor=actor, action="assistance_sent", obj=assistance, agency=requester,
                     to_state=assistance.state, payload={"assistant": assistant.name, "letter": letter.number},
                     request=request)  # fmt: skip
    return assistance


def _locked(assistance: AssistanceRequest, actor, action: str, seen_state) -> AssistanceRequest:
    assistance = (
        AssistanceRequest.objects.select_for_update(of=("self",))  # not the agencies: two crossing answers
        .select_related("requester", "assistant", "letter")
        .get(pk=assistance.pk)
    )
    check_step(
        assistance,
        roles=roles_in(actor, assistance.assistant),
        table=ASSISTANCE_ALLOWED,
        action=action,
        seen_state=seen_state,
        refusal=_("Your role does not allow this step at this stage of the assistance letter."),
    )
    return assistance


def _answer_letter(assistance, *, actor, title: str, body: list[str]) -> Document:
    return document_issue(
        actor=actor,
        agency=assistance.assistant,
        addressee=assistance.requester,
        kind=Document.Kind.LETTER,
        title=title,
        context={"recipient": assistance.requester.name, "body": body},
        target=assistance,
    )


@transaction.atomic
def assistance_give(
    *, actor, assistance: AssistanceRequest, feedback: str, request=None, seen_state=None
) -> AssistanceRequest:
    """Assist and answer in writing: the feedback letter; clock L6 is met."""
    assistance = _locked(assistance, actor, "assist", seen_state)
    if not feedback.strip():
        raise ValidationError(_("Write down what was done to assist."), code="feedback_required")
    now = timezone.now()
    letter = _answer_letter(
        assistance,
        actor=actor,
        title="关于协助办理事项的复函",
        body=[
            f"你单位《{assistance.letter.number}》收悉。现将协助办理情况反馈如下：{feedback.strip()}",
            "特此函复。",
        ],
    )
    assistance.assist(by=actor, at=now, feedback=feedback.strip(), letter=letter)
    assistance.save()
    meet_clocks(assistance, "L6", actor=actor, at=now)
    _tell(assistance.requester, key=f"assistance:{assistance.pk}:assisted", title=f"【协助反馈】{letter.number}",
          body=f"{assistance.assistant.name}已反馈协助办理情况。", now=now)  # fmt: skip
    audit_record(actor=actor, action="assistance_given", obj=assistance, agency=assistance.assistant,
                 from_state=AssistanceRequest.State.SENT, to_state=assistance.state,
                 payload={"letter": letter.number}, request=request)  # fmt: skip
    return assistance


@transaction.atomic
def assistance_return(
    *, actor, assistance: AssistanceRequest, reasons: str, request=None, seen_state=None
) -> AssistanceRequest:
    """Outside the agency's functions: return the letter with written reasons (rule L6 met)."""
    assistance = _locked(assistance, actor, "return", seen_state)
    if not reasons.strip():
        raise ValidationError(_("Say in writing why the letter is returned."), code="reasons_required")
    now = timezone.now()
    letter = _answer_letter(
        assistance,
        actor=actor,
        title="关于退回协助办理函的函",
        body=[
            f"你单位《{assistance.letter.number}》收悉。经研究，{reasons.strip()}",
            "现将原函退回，特此函告。",
        ],
    )
    assistance.return_(by=actor, at=now, reasons=reasons.strip(), letter=letter)
    assistance.save()
    meet_clocks(assistance, "L6", actor=actor, at=now)
    _tell(assistance.requester, key=f"assistance:{assistance.pk}:returned", title=f"【协助函退回】{letter.number}",
          body=f"{assistance.assistant.name}退回了协助办理函，理由：{reasons.strip()}", now=now)  # fmt: skip
    audit_record(actor=actor, action="assistance_returned", obj=assistance, agency=assistance.assistant,
                 from_state=AssistanceRequest.State.SENT, to_state=assistance.state,
                 payload={"reasons": reasons.strip(), "letter": letter.number}, request=request)  # fmt: skip
    return assistance
