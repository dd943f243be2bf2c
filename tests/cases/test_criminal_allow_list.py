"""The allow-list of criminal referrals (cases.permissions.CRIMINAL_ALLOWED), exhaustively: every side × role ×
state × action. What the list names passes the permission check; everything else is refused (403). The
procuratorate's people, and members of any other agency, are refused everything."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Membership
from cases.models import CriminalReferral
from cases.permissions import AGENCY, CRIMINAL_ALLOWED, POLICE
from cases.workflows import criminal as steps
from tests.factories import AgencyFactory, MembershipFactory

from .criminal import advance, start
from .files import PDF
from .test_allow_list import in_savepoint

pytestmark = pytest.mark.django_db

ROLES = list(Membership.Role)
STATES = CriminalReferral.State.values
State = CriminalReferral.State

STEPS = {
    "submit": lambda actor, c, cast: steps.criminal_submit(
        actor=actor, criminal=c, report_file=SimpleUploadedFile("报告.pdf", PDF + b"allow-list")
    ),
    "approve": lambda actor, c, cast: steps.criminal_approve(actor=actor, criminal=c),
    "refuse": lambda actor, c, cast: steps.criminal_refuse(actor=actor, criminal=c, reasons="不批准。"),
    "transfer": lambda actor, c, cast: steps.criminal_transfer(
        actor=actor, criminal=c, investigation_report=True, items_list=False, expert_opinion=False
    ),
    "receive": lambda actor, c, cast: steps.criminal_receive(actor=actor, criminal=c),
    "open_case": lambda actor, c, cast: steps.criminal_open_case(actor=actor, criminal=c),
    "decline": lambda actor, c, cast: steps.criminal_decline(actor=actor, criminal=c, reasons="证据不足。"),
    "request_reconsideration": lambda actor, c, cast: steps.criminal_request_reconsideration(
        actor=actor, criminal=c, grounds="理由。"
    ),
    "overturn": lambda actor, c, cast: steps.criminal_overturn(actor=actor, criminal=c),
    "uphold": lambda actor, c, cast: steps.criminal_uphold(actor=actor, criminal=c, reasons="维持。"),
    "request_supervision": lambda actor, c, cast: steps.criminal_request_supervision(
        actor=actor, criminal=c, procuratorate=cast.procuratorate, grounds="理由。"
    ),
    "accept_refusal": lambda actor, c, cast: steps.criminal_accept_refusal(actor=actor, criminal=c),
    "hand_over": lambda actor, c, cast: steps.criminal_hand_over(actor=actor, criminal=c, note="物品。"),
}


@pytest.fixture
def criminal(file_lead, insider, second_handler, colleague, cast):
    """A case taken as far as a refusal, so that it carries every document a later step reads; each test then
    puts it in each state."""
    team = [insider, second_handler]
    return advance(start(file_lead([]), insider, team, cast.police), State.NOT_OPENED, team=team, head=colleague,
                   cast=cast)  # fmt: skip


def outcomes(actor, criminal, cast, action) -> dict[str, str]:
    found = {}
    for state in STATES:
        CriminalReferral.objects.filter(pk=criminal.pk).update(state=state)
        current = CriminalReferral.objects.get(pk=criminal.pk)
        found[state] = in_savepoint(lambda current=current: STEPS[action](actor, current, cast))
    return found


@pytest.mark.parametrize(("side", "role"), list(itertools.product([AGENCY, POLICE], ROLES)))
def test_each_sides_steps_are_allowed_exactly_where_listed(criminal, cast, agency, side, role):
    actor = MembershipFactory(agency=agency if side == AGENCY else cast.police, role=role).user
    for action in STEPS:
        for state, result in outcomes(actor, criminal, cast, action).items():
            expected = (
                "permitted" if action in CRIMINAL_ALLOWED.get((side, role, state), set()) else "refused"
            )
            assert result == expected, (side, role, state, action)


def test_the_procuratorate_and_other_agencies_take_no_step(criminal, cast, region):
    """People holding every role in the procuratorate, or in another agency of the county, are refused everything
    in every state."""
    prosecutor, stranger = MembershipFactory(agency=cast.procuratorate).user, None
    elsewhere = AgencyFactory(region=region)
    for role in ROLES:
        Membership.objects.get_or_create(user=prosecutor, agency=cast.procuratorate, role=role)
        stranger = MembershipFactory(
            agency=elsewhere, role=role, **({"user": stranger} if stranger else {})
        ).user
    for actor in (prosecutor, stranger):
        for action in STEPS:
            assert set(outcomes(actor, criminal, cast, action).values()) == {"refused"}, (actor, action)


@pytest.mark.parametrize("role", ROLES)
def test_starting_is_allowed_exactly_where_listed(file_lead, agency, cast, insider, second_handler, role):
    lead = file_lead([])
    actor = MembershipFactory(agency=agency, role=role).user
    police_member = MembershipFactory(agency=cast.police, role=role).user
    result = in_savepoint(lambda: start(lead, actor, [insider, second_handler], cast.police))
    expected = "permitted" if "start" in CRIMINAL_ALLOWED.get((AGENCY, role, None), set()) else "refused"
    assert result == expected, role
    with pytest.raises(PermissionDenied):
        start(lead, police_member, [insider, second_handler], cast.police)


def test_the_list_names_only_real_steps_states_and_sides():
    assert set().union(*CRIMINAL_ALLOWED.values()) == set(STEPS) | {"start"}
    assert {state for (_side, _role, state) in CRIMINAL_ALLOWED} <= set(STATES) | {None}
    assert {side for (side, _role, _state) in CRIMINAL_ALLOWED} == {AGENCY, POLICE}


def test_deciding_is_the_heads_on_both_sides():
    heads_only = {"approve", "refuse", "open_case", "decline", "overturn", "uphold", "accept_refusal"}
    for (_side, role, _state), actions in CRIMINAL_ALLOWED.items():
        if actions & heads_only:
            assert role == Membership.Role.HEAD
