"""What awaits a person in cases, for 我的待办: the steps the allow-list lets them take now, in their agency."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deadlines.board import ClockView, clock_view
from deadlines.models import Deadline

from .clocks import case_types, of_cases
from .models import Lead, Referral, Verification
from .permissions import ALLOWED, RECEIVER_ALLOWED, lead_actions, referral_actions, roles_in

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
    clock: ClockView | None  # the running clock of the lead or referral, if any: what orders the list


def tasks_for(user, agency, *, now=None) -> list[Task]:
    """The lead and referral steps `user` may take for `agency` now, the least time left first, then those
    without a clock (a fixed number of queries)."""
    if agency is None:
        return []
    now = now or timezone.now()
    roles = roles_in(user, agency)
    lead_states = {state for (role, state), actions in ALLOWED.items() if role in roles and actions}
    referral_states = {
        state for (role, state), actions in RECEIVER_ALLOWED.items() if role in roles and actions
    }
    leads = list(Lead.objects.filter(agency=agency, state__in=lead_states).select_related("project"))
    referrals = list(
        Referral.objects.filter(receiver=agency, state__in=referral_states).select_related("lead__project")
    )
    verified = set(
        Verification.objects.filter(verifier=user, lead__in=leads).values_list("lead_id", flat=True)
    )
    clocks = _running_clocks(agency, leads, referrals, now=now)
    tasks = []
    for lead in leads:
        actions = lead_actions(roles, lead)
        if lead.pk in verified:
            actions.discard("verify")  # done already: another person must verify
        for action in sorted(actions & LEAD_STEPS.keys()):
            clock = clocks.get((Lead, lead.pk))
            tasks.append(Task(LEAD_STEPS[action], lead.project.name, lead.get_absolute_url(), clock))
    for referral in referrals:
        actions = referral_actions(roles, referral)
        step = next((REFERRAL_STEPS[a] for a in REFERRAL_STEPS if a in actions), None)
        if step:
            clock = clocks.get((Referral, referral.pk))
            tasks.append(Task(step, referral.lead.project.name, referral.lead.get_absolute_url(), clock))
    return sorted(tasks, key=lambda task: (task.clock is None, task.clock and task.clock.deadline.due_at))


def _running_clocks(agency, leads, referrals, *, now) -> dict:
    """(model, pk) → the agency's most pressing running clock on it, in one query."""
    by_type = {ct.pk: model for model, ct in case_types().items()}
    targets = of_cases([lead.pk for lead in leads], [referral.pk for referral in referrals])
    clocks = {}
    for deadline in (
        Deadline.objects.running().filter(targets, agency=agency).select_related("rule").order_by("-due_at")
    ):
        clocks[(by_type[deadline.content_type_id], deadline.object_id)] = clock_view(deadline, now=now)
    return clocks
