"""What awaits a person in cases, for 我的待办: the steps the allow-list lets them take now, in their agency."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Lead, Referral, Verification
from .permissions import ALLOWED, RECEIVER_ALLOWED, roles_in

LEAD_STEPS = {
    "verify": pgettext_lazy("case step", "Verify"),  # not the public page's "Verify" (核验) of a document
    "submit": _("Submit the written report"),
    "approve": _("Approve or send back"),
    "refer": _("Refer"),
}
REFERRAL_STEPS = {
    "receive": _("Sign for it"),
    "accept": _("Decide: accept, return or forward"),
    "notify_acceptance": _("Report the acceptance"),
    "conclude": _("Record the result"),
    "notify_result": _("Report the result"),
}


@dataclass(frozen=True)
class Task:
    label: str
    title: str
    url: str


def tasks_for(user, agency) -> list[Task]:
    """The lead and referral steps `user` may take for `agency` now (a fixed number of queries)."""
    if agency is None:
        return []
    roles = roles_in(user, agency)
    lead_states = {state for (role, state), actions in ALLOWED.items() if role in roles and actions}
    referral_states = {
        state for (role, state), actions in RECEIVER_ALLOWED.items() if role in roles and actions
    }
    tasks = []
    leads = list(Lead.objects.filter(agency=agency, state__in=lead_states).select_related("project"))
    verified = set(
        Verification.objects.filter(verifier=user, lead__in=leads).values_list("lead_id", flat=True)
    )
    for lead in leads:
        actions = set().union(*(ALLOWED.get((role, lead.state), set()) for role in roles))
        if lead.pk in verified:
            actions.discard("verify")  # done already: another person must verify
        for action in sorted(actions & LEAD_STEPS.keys()):
            tasks.append(Task(LEAD_STEPS[action], lead.project.name, lead.get_absolute_url()))
    for referral in Referral.objects.filter(receiver=agency, state__in=referral_states).select_related(
        "lead__project"
    ):
        actions = set().union(*(RECEIVER_ALLOWED.get((role, referral.state), set()) for role in roles))
        step = next((REFERRAL_STEPS[a] for a in REFERRAL_STEPS if a in actions), None)
        if step:
            tasks.append(Task(step, referral.lead.project.name, referral.lead.get_absolute_url()))
    return tasks
