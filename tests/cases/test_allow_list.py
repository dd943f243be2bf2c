"""The allow-lists of cases/permissions.py, exhaustively: every role × state × action, on the lead and on the
receiver's side of a referral. What a list names passes the permission check; everything else is refused (403)."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed

from agencies.models import Membership
from cases import workflows
from cases.models import Lead, Referral
from cases.permissions import ALLOWED, RECEIVER_ALLOWED
from tests.factories import AgencyFactory, MembershipFactory

from .test_referral import MATERIALS, send

pytestmark = pytest.mark.django_db

ROLES = list(Membership.Role)


def outcome(step) -> str:
    """'refused' for a 403, 'permitted' when the permission check let it through (even if a rule of the step or
    the state machine stopped it afterwards)."""
    try:
        step()
    except PermissionDenied:
        return "refused"
    except (ValidationError, TransitionNotAllowed):
        return "permitted"
    return "permitted"


def in_savepoint(step):
    """Run `step` and undo whatever it did, so that the next state starts from the same case."""
    savepoint = transaction.savepoint()
    try:
        return outcome(step)
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("role", ROLES)
def test_referring_is_allowed_exactly_where_listed(approved, agency, other_agency, role):
    actor = MembershipFactory(agency=agency, role=role).user
    for state in Lead.State.values:
        Lead.objects.filter(pk=approved.pk).update(state=state)
        lead = Lead.objects.get(pk=approved.pk)
        result = in_savepoint(
            lambda lead=lead: workflows.referral_send(
                actor=actor, lead=lead, receiver=other_agency, destination="supervisory", method="direct",
                legal_basis="依据", materials=MATERIALS,
            )
        )  # fmt: skip
        expected = "permitted" if "refer" in ALLOWED.get((role, state), set()) else "refused"
        assert result == expected, (role, state)


RECEIVER_STEPS = {
    "receive": lambda actor, referral, competent: workflows.referral_receive(actor=actor, referral=referral),
    "accept": lambda actor, referral, competent: workflows.referral_accept(actor=actor, referral=referral),
    "return": lambda actor, referral, competent: workflows.referral_return(
        actor=actor, referral=referral, reasons="不属本部门职责。"
    ),
    "forward": lambda actor, referral, competent: workflows.referral_forward(
        actor=actor, referral=referral, competent=competent
    ),
    "notify_acceptance": lambda actor, referral, competent: workflows.referral_notify_acceptance(
        actor=actor, referral=referral
    ),
    "conclude": lambda actor, referral, competent: workflows.referral_conclude(
        actor=actor, referral=referral, result="已查处。"
    ),
    "notify_result": lambda actor, referral, competent: workflows.referral_notify_result(
        actor=actor, referral=referral
    ),
}


@pytest.mark.parametrize(("role", "action"), list(itertools.product(ROLES, RECEIVER_STEPS)))
def test_the_receivers_steps_are_allowed_exactly_where_listed(
    approved, insider, other_agency, foreign_region, role, action
):
    referral = send(approved, insider, other_agency)
    competent = AgencyFactory(region=foreign_region, name="上级主管部门")
    actor = MembershipFactory(agency=other_agency, role=role).user
    for state in Referral.State.values:
        Referral.objects.filter(pk=referral.pk).update(state=state)
        current = Referral.objects.get(pk=referral.pk)
        result = in_savepoint(lambda current=current: RECEIVER_STEPS[action](actor, current, competent))
        expected = "permitted" if action in RECEIVER_ALLOWED.get((role, state), set()) else "refused"
        assert result == expected, (role, state, action)


def test_the_lists_name_only_real_steps():
    assert set().union(*RECEIVER_ALLOWED.values()) == set(RECEIVER_STEPS)
    assert set().union(*ALLOWED.values()) == {"verify", "submit", "approve", "send_back", "refer"}


def test_the_sending_agency_cannot_take_the_receivers_steps(approved, insider, colleague, other_agency):
    referral = send(approved, insider, other_agency)
    for action, step in RECEIVER_STEPS.items():
        assert in_savepoint(lambda step=step: step(colleague, referral, other_agency)) == "refused", action


# The coordinator's designation (指定管辖) is no step of the lead's agency: a supervisor (督办) over the lead's region
# designates, whatever agency of the region holds the membership; every other role, anywhere, is refused.
@pytest.mark.parametrize("role", ROLES)
def test_designating_is_allowed_to_supervisors_over_the_region_alone(
    approved, agency, coordinator, other_agency, foreign_agency, role
):
    Lead.objects.filter(pk=approved.pk).update(needs_designation=True)
    designee = AgencyFactory(region=agency.region, name="宣恩县水利和湖泊局")
    for where in (agency, coordinator, other_agency, designee, foreign_agency):
        actor = MembershipFactory(agency=where, role=role).user
        result = in_savepoint(
            lambda actor=actor: workflows.lead_designate(
                actor=actor, lead=approved, agency=designee, reasons="属水利部门职责。"
            )
        )
        in_region = where.region_id == agency.region_id
        expected = "permitted" if role == Membership.Role.SUPERVISOR and in_region else "refused"
        assert result == expected, (role, where.name)


@pytest.mark.parametrize("role", ROLES)
def test_the_designated_agency_returns_in_no_state(approved, insider, other_agency, role):
    """Where the list allows returning, the designation forbids it (a rule of the case, in Chinese); elsewhere the
    list refuses it as for any referral. Its other steps are as listed (test above)."""
    from django.utils import timezone

    Lead.objects.filter(pk=approved.pk).update(designated_agency=other_agency, designated_at=timezone.now())
    referral = send(Lead.objects.get(pk=approved.pk), insider, other_agency)
    actor = MembershipFactory(agency=other_agency, role=role).user
    for state in Referral.State.values:
        Referral.objects.filter(pk=referral.pk).update(state=state)
        current = Referral.objects.get(pk=referral.pk)
        savepoint = transaction.savepoint()
        try:
            workflows.referral_return(actor=actor, referral=current, reasons="不属本部门职责。")
        except PermissionDenied:
            result = "refused"
        except ValidationError as error:
            result = error.code
        else:
            result = "returned"
        finally:
            transaction.savepoint_rollback(savepoint)
        expected = "designated" if "return" in RECEIVER_ALLOWED.get((role, state), set()) else "refused"
        assert result == expected, (role, state)
