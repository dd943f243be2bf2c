"""Who may do what to a lead, as an allow-list: (role in the lead's agency, state) → actions.

Anything not listed is refused (403). Business rules that depend on the person, not the role (nobody verifies
twice, nobody approves their own verification), are checked in cases/workflows.py.
"""

from agencies.models import Membership

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


def roles_in(user, agency) -> set[str]:
    return set(Membership.objects.active().filter(user=user, agency=agency).values_list("role", flat=True))


def allowed_actions(user, lead: Lead) -> set[str]:
    """The actions `user` may take on `lead` now (what the page offers)."""
    actions = set()
    for role in roles_in(user, lead.agency):
        actions |= ALLOWED.get((role, lead.state), set())
    return actions


def receiver_actions(user, referral) -> set[str]:
    actions = set()
    for role in roles_in(user, referral.receiver):
        actions |= RECEIVER_ALLOWED.get((role, referral.state), set())
    return actions
