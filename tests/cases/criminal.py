"""Helpers of the criminal-referral tests: the other side's cast (police, procuratorate), starting a criminal
referral, and taking it along its path step by step."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Agency, Membership
from cases.models import CriminalReferral
from cases.workflows import criminal as steps
from tests.factories import AgencyFactory, MembershipFactory

from .files import PDF

State = CriminalReferral.State


@dataclass
class Cast:
    """The other side of a criminal referral: the police of the agency's county, and its procuratorate."""

    police: Agency
    police_handler: object
    police_head: object
    procuratorate: Agency
    prosecutor: object


def make_cast(region) -> Cast:
    police = AgencyFactory(region=region, name="宣恩县公安局", kind=Agency.Kind.POLICE, doc_prefix="宣公")
    procuratorate = AgencyFactory(
        region=region, name="宣恩县人民检察院", kind=Agency.Kind.PROCURATORATE, doc_prefix="宣检"
    )
    return Cast(
        police=police,
        police_handler=MembershipFactory(
            agency=police, role=Membership.Role.HANDLER, user__username="police_handler"
        ).user,
        police_head=MembershipFactory(
            agency=police, role=Membership.Role.HEAD, user__username="police_head"
        ).user,
        procuratorate=procuratorate,
        prosecutor=MembershipFactory(
            agency=procuratorate, role=Membership.Role.HANDLER, user__username="prosecutor"
        ).user,
    )


def start(lead, actor, team, police) -> CriminalReferral:
    return steps.criminal_start(
        actor=actor, lead=lead, team=team, police=police, suspected_offence="串通投标罪"
    )


def report():
    return SimpleUploadedFile("专案组书面报告.pdf", PDF + b"criminal")


def advance(criminal, to: str, *, team, head, cast: Cast) -> CriminalReferral:
    """Take `criminal` along the path to the state `to` (every step by the right person)."""
    path = {
        State.AWAITING_DECISION: lambda c: steps.criminal_submit(
            actor=team[0], criminal=c, report_file=report()
        ),
        State.APPROVED: lambda c: steps.criminal_approve(actor=head, criminal=c),
        State.TRANSFERRED: lambda c: steps.criminal_transfer(
            actor=team[0],
            criminal=c,
            investigation_report=True,
            items_list=True,
            expert_opinion=False,
            other_materials="询问笔录3份",
        ),
        State.RECEIVED: lambda c: steps.criminal_receive(actor=cast.police_handler, criminal=c),
        State.NOT_OPENED: lambda c: steps.criminal_decline(
            actor=cast.police_head, criminal=c, reasons="现有证据不足以证明有犯罪事实。"
        ),
        State.RECONSIDERATION: lambda c: steps.criminal_request_reconsideration(
            actor=team[0], criminal=c, grounds="报价呈等差数列，有串通故意。"
        ),
        State.REFUSAL_UPHELD: lambda c: steps.criminal_uphold(
            actor=cast.police_head, criminal=c, reasons="复议后仍认为证据不足。"
        ),
        State.SUPERVISION: lambda c: steps.criminal_request_supervision(
            actor=team[0], criminal=c, procuratorate=cast.procuratorate, grounds="应当立案而不立案。"
        ),
    }
    order = list(path)
    for state in order[order.index(criminal.state) + 1 if criminal.state in path else 0 :]:
        if criminal.state == to:
            break
        criminal = path[state](criminal)
    assert criminal.state == to
    return criminal
