"""Who may do what to a lead, as an allow-list: (role in the lead's agency, state) → actions.

Anything not listed is refused (403). Business rules that depend on the person, not the role (nobody verifies
twice, nobody approves their own verification), are checked in cases/workflows.py.
"""

from agencies.models import Agency, Membership, Region
from agencies.people import roles_of

from .models import Lead

H, HEAD = Membership.Role.HANDLER, Membership.Role.HEAD
FILED, AWAITING, APPROVED = Lead.State.FILED, Lead.State.AWAITING_APPROVAL, Lead.State.APPROVED

ALLOWED = {
    (H, FILED): {"verify", "submit"},
    (HEAD, FILED): {"verify", "submit"},
    (HEAD, AWAITING): {"approve", "send_back"},
    (H, APPROVED): {"refer"},
    (HEAD, APPROVED): {"refer"},
}
# The receiving agency's side of a referral: (role in the receiving agency, referral state) → actions.
RECEIVER_ALLOWED = {
    (H, "sent"): {"receive"},
    (HEAD, "sent"): {"receive"},
    (HEAD, "received"): {"accept", "return", "forward"},
    (H, "accepted"): {"notify_acceptance"},
    (HEAD, "accepted"): {"notify_acceptance"},
    (HEAD, "acceptance_notified"): {"conclude"},
    (H, "concluded"): {"notify_result"},
    (HEAD, "concluded"): {"notify_result"},
}

# The receiving agency's decision on a complaint: (role, complaint state) → actions. Declining also approves the
# matter for forwarding elsewhere, so it is the head's. The state None is before there is one: recording a
# complaint received by telephone, letter or visit is casework, not a liaison's or an administrator's (as starting
# a criminal referral). Online complaints have no recorder.
COMPLAINT_ALLOWED = {
    (H, None): {"record"},
    (HEAD, None): {"record"},
    (H, "received"): {"accept"},
    (HEAD, "received"): {"accept", "decline"},
}
# The agency asked in an assistance letter: (role, state) → actions. Returning it is the head's decision. The state
# None is the requesting agency's, before there is a letter: sending the numbered 协助办理函 is casework too.
ASSISTANCE_ALLOWED = {
    (H, None): {"send"},
    (HEAD, None): {"send"},
    (H, "sent"): {"assist"},
    (HEAD, "sent"): {"assist", "return"},
}


def may_ever(roles: set[str], table: dict, action: str) -> bool:
    """Whether the roles allow `action` in some state of `table` (if not, any attempt is a 403, never a 409)."""
    return any(action in actions for (role, _state), actions in table.items() if role in roles)


def roles_in(user, agency) -> set[str]:
    return set(Membership.objects.active().filter(user=user, agency=agency).values_list("role", flat=True))


def supervised_regions(user) -> set[int]:
    """The regions `user` supervises (督办) now, read afresh like roles_in (agencies.querysets.supervised_region_ids
    keeps the answer for the whole request): each supervising agency's region and every region below it."""
    roots = Membership.objects.active().filter(user=user, role=Membership.Role.SUPERVISOR)
    return Region.objects.subtree_ids(list(roots.values_list("agency__region_id", flat=True)))


def supervising_agency(user, agency, *, prefer=None) -> Agency | None:
    """The agency in which `user` is now a supervisor (督办) over `agency` (its region or a region above), or None:
    the acting agency (`prefer`) first, then the nearest level. It acts, and issues and signs the documents."""
    parents = dict(Region.objects.values_list("id", "parent_id"))  # a few hundred rows at most
    chain, region_id = [], agency.region_id
    while region_id is not None and region_id not in chain:
        chain.append(region_id)
        region_id = parents.get(region_id)
    found = Membership.objects.active().filter(
        user=user, role=Membership.Role.SUPERVISOR, agency__region_id__in=chain
    )
    agencies = {membership.agency for membership in found.select_related("agency")}
    ranked = sorted(agencies, key=lambda a: (a.pk != getattr(prefer, "pk", None), chain.index(a.region_id)))
    return ranked[0] if ranked else None


def roles_by_agency(user) -> dict[int, set[str]]:
    """The user's active roles in each of their agencies, once per request (a page asks once, not per referral)."""
    return roles_of(user)


def lead_actions(roles: set[str], lead: Lead) -> set[str]:
    return set().union(*(ALLOWED.get((role, lead.state), set()) for role in roles))


def referral_actions(roles: set[str], referral) -> set[str]:
    return set().union(*(RECEIVER_ALLOWED.get((role, referral.state), set()) for role in roles))


def complaint_actions(roles: set[str], complaint) -> set[str]:
    return set().union(*(COMPLAINT_ALLOWED.get((role, complaint.state), set()) for role in roles))


def assistance_actions(roles: set[str], request) -> set[str]:
    return set().union(*(ASSISTANCE_ALLOWED.get((role, request.state), set()) for role in roles))


def allowed_actions(user, lead: Lead) -> set[str]:
    """The actions `user` may take on `lead` now."""
    return lead_actions(roles_in(user, lead.agency), lead)


def receiver_actions(user, referral) -> set[str]:
    """The actions `user` may take on `referral` now, as a member of the receiving agency."""
    return referral_actions(roles_in(user, referral.receiver), referral)


# A criminal referral under Decree 310, both sides: (side, role in that side's agency, state) → actions. The side is
# AGENCY (the administrative agency that transfers the case) or POLICE; the state None is a lead with no criminal
# referral under way (starting one). Deciding is the heads': the agency's head approves or refuses the transfer
# (Art. 5), the police head opens the case or not and decides a reconsideration (Arts. 8-9). The procuratorate
# takes no step here: it reads the case once its supervision is requested.
AGENCY, POLICE = "agency", "police"
CRIMINAL_ALLOWED = {
    (AGENCY, H, None): {"start"},
    (AGENCY, HEAD, None): {"start"},
    (AGENCY, H, "preparing"): {"submit"},
    (AGENCY, HEAD, "preparing"): {"submit"},
    (AGENCY, HEAD, "awaiting_decision"): {"approve", "refuse"},
    (AGENCY, H, "approved"): {"transfer"},
    (AGENCY, HEAD, "approved"): {"transfer"},
    (POLICE, H, "transferred"): {"receive"},
    (POLICE, HEAD, "transferred"): {"receive"},
    (POLICE, HEAD, "received"): {"open_case", "decline"},
    (AGENCY, H, "not_opened"): {"request_reconsideration", "request_supervision"},
    (AGENCY, HEAD, "not_opened"): {"request_reconsideration", "request_supervision", "accept_refusal"},
    (POLICE, HEAD, "reconsideration"): {"overturn", "uphold"},
    (AGENCY, H, "refusal_upheld"): {"request_supervision"},
    (AGENCY, HEAD, "refusal_upheld"): {"request_supervision", "accept_refusal"},
    (POLICE, HEAD, "supervision"): {"open_case"},
    (AGENCY, H, "case_opened"): {"hand_over"},
    (AGENCY, HEAD, "case_opened"): {"hand_over"},
}


def criminal_sides(roles: dict[int, set[str]], criminal) -> dict[str, set[str]]:
    """The user's roles on each side of `criminal`, from roles_by_agency(user)."""
    return {AGENCY: roles.get(criminal.agency_id, set()), POLICE: roles.get(criminal.police_id, set())}


def criminal_side_roles(sides: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The (side, role) pairs of criminal_sides: how the workflow's step table is keyed."""
    return {(side, role) for side, roles in sides.items() for role in roles}


def criminal_actions(sides: dict[str, set[str]], state: str | None) -> set[str]:
    """The actions the roles on each side allow in `state` (None: starting one on a lead)."""
    return set().union(
        *(CRIMINAL_ALLOWED.get((side, role, state), set()) for side, roles in sides.items() for role in roles)
    )
