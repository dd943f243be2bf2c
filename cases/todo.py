"""What awaits a person in cases, for 我的待办: the steps the allow-list lets them take now, in their agency."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deadlines.board import ClockView, clock_view
from deadlines.models import Deadline

from .clocks import of_targets
from .models import AssistanceRequest, Complaint, CriminalReferral, Lead, Referral, Verification
from .permissions import (
    ALLOWED,
    ASSISTANCE_ALLOWED,
    COMPLAINT_ALLOWED,
    RECEIVER_ALLOWED,
    criminal_actions,
    criminal_sides,
    lead_actions,
    may_ever,
    referral_actions,
    roles_in,
)

LEAD_STEPS = {
    "verify": pgettext_lazy("case step", "Verify"),  # not the public page's "Verify" (核验) of a document
    "submit": _("Submit the written report"),
    "approve": _("Approve or send back"),
    "refer": _("Refer"),
}
CRIMINAL_STEPS = {  # the first of a state's actions names the task
    "submit": _("Submit the written report"),
    "approve": _("Decide on the transfer to the police"),
    "transfer": _("Transfer to the police within 24 hours"),
    "receive": _("Sign for the transfer"),
    "open_case": _("Decide whether to open a case"),
    "request_reconsideration": _("Request reconsideration, ask for supervision, or accept"),
    "request_supervision": _("Ask for supervision, or accept"),
    "overturn": _("Decide on the reconsideration"),
    "hand_over": _("Hand over the items"),
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
    """The case steps `user` may take for `agency` now (leads, referrals, complaints, assistance letters), the
    least time left first, then those without a clock (a fixed number of queries)."""
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
    complaints = list(
        Complaint.objects.filter(agency=agency, state=Complaint.State.RECEIVED)
        if may_ever(roles, COMPLAINT_ALLOWED, "accept")
        else []
    )
    letters = list(
        AssistanceRequest.objects.filter(assistant=agency, state=AssistanceRequest.State.SENT).select_related(
            "requester"
        )
        if may_ever(roles, ASSISTANCE_ALLOWED, "assist")
        else []
    )
    criminals = list(
        CriminalReferral.objects.filter(Q(agency=agency) | Q(police=agency, transferred_at__isnull=False))
        .exclude(state__in=CriminalReferral.ENDED)
        .select_related("lead__project")
        .prefetch_related("team")
    )
    clocks = _running_clocks(
        agency,
        {
            Lead: leads,
            Referral: referrals,
            Complaint: complaints,
            AssistanceRequest: letters,
            CriminalReferral: criminals,
        },
        now=now,
    )
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
    for complaint in complaints:
        tasks.append(
            Task(_("Decide on competence"), complaint.project_name, complaint.get_absolute_url(),
                 clocks.get((Complaint, complaint.pk)))
        )  # fmt: skip
    for letter in letters:
        tasks.append(
            Task(_("Answer the assistance letter"), f"{letter.requester.name}：{letter.matters[:40]}",
                 letter.get_absolute_url(), clocks.get((AssistanceRequest, letter.pk)))
        )  # fmt: skip
    for criminal in criminals:
        actions = criminal_actions(criminal_sides({agency.pk: roles}, criminal), criminal.state)
        on_team = any(member.pk == user.pk for member in criminal.team.all())
        if not on_team:
            actions.discard("submit")  # the team's report
        else:
            actions -= {"approve", "refuse"}  # a head on the team does not decide on its own report
        step = next((CRIMINAL_STEPS[a] for a in CRIMINAL_STEPS if a in actions), None)
        if step:
            tasks.append(
                Task(step, criminal.lead.project.name, criminal.get_absolute_url(),
                     clocks.get((CriminalReferral, criminal.pk)))
            )  # fmt: skip
    return sorted(tasks, key=lambda task: (task.clock is None, task.clock and task.clock.deadline.due_at))


def _running_clocks(agency, objects_by_model: dict, *, now) -> dict:
    """(model, pk) → the agency's most pressing running clock on it, in one query."""
    by_type = {ct.pk: model for model, ct in ContentType.objects.get_for_models(*objects_by_model).items()}
    targets = of_targets({model: [obj.pk for obj in objs] for model, objs in objects_by_model.items()})
    clocks = {}
    for deadline in (
        Deadline.objects.running().filter(targets, agency=agency).select_related("rule").order_by("-due_at")
    ):
        clocks[(by_type[deadline.content_type_id], deadline.object_id)] = clock_view(deadline, now=now)
    return clocks
