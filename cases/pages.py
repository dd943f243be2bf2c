"""What a case page shows: the lead, its referrals, clocks, documents and trail, and the forms of the steps the user
may take now. A fixed number of queries whatever the case holds (tests/cases/test_pages.py counts them)."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.http import urlencode

from agencies.models import Membership
from agencies.querysets import in_agency_scope, supervised_region_ids
from audit.timeline import timeline_for
from credit.standing import standings_of
from deadlines.board import clock_view
from deadlines.models import Deadline
from documents.models import Document

from .clocks import case_types, of_cases
from .forms import (
    DesignationForm,
    FindingsForm,
    ForwardForm,
    ReportForm,
    ResultForm,
    ReturnForm,
    SendBackForm,
)
from .models import CaseAction, Lead, Material, Referral
from .permissions import lead_actions, referral_actions, roles_by_agency
from .workflows.leads import MIN_VERIFIERS

CONCLUDED = {Referral.State.CONCLUDED, Referral.State.RESULT_NOTIFIED}
# The form each step shows on the page; steps not named here are a single button.
LEAD_FORMS = {"verify": FindingsForm, "submit": ReportForm, "send_back": SendBackForm}
REFERRAL_FORMS = {"return": ReturnForm, "forward": ForwardForm, "conclude": ResultForm}


@dataclass
class ReferralPanel:
    referral: Referral
    actions: set[str]
    forms: dict = field(default_factory=dict)
    documents: list = field(default_factory=list)
    cannot_forward: bool = False  # a forward the user's role allows, with no competent organ to forward to


def lead_page_context(request, lead: Lead, *, failed=None) -> dict:
    """The template context of a case page. `failed` is (object, step, bound form or None, error messages) when a
    step was refused for its input: its form is shown with what was typed, the messages above everything."""
    user, now = request.user, timezone.now()
    roles = roles_by_agency(user)
    # The lead's own agency and its supervisors see all its referrals (ReferralQuerySet.visible_to); others only
    # theirs. Few joins: PostgreSQL's planning time grows fast with each (it was 1.7 ms with the receipts and the
    # onward referrals joined too, against 0.1 ms to run). A forwarded referral's onward one is among these (its
    # sender is the forwarding receiver, whom the user sees it with); the receipts are among the documents below.
    referrals = list(
        Referral.objects.of_leads_visible_to(user, [(lead.pk, lead.agency_id, lead.agency.region_id)])
        .select_related("receiver", "sender", "letter", "received_by")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("id")))
        .order_by("sent_at", "id")
    )
    by_pk = {referral.pk: referral for referral in referrals}
    for referral in referrals:
        if referral.forwarded_to_id in by_pk:
            referral.forwarded_to = by_pk[referral.forwarded_to_id]  # else Django loads it when it is shown
    types = case_types()
    of_case = of_cases([lead.pk], [referral.pk for referral in referrals])
    clocks = [
        clock_view(deadline, now=now)
        for deadline in Deadline.objects.filter(of_case).select_related("rule").order_by("due_at")
    ]
    documents = {}  # (content type id, object id) → documents about it, oldest first
    for document in Document.objects.visible_to(user).filter(of_case).order_by("created_at", "id"):
        documents.setdefault((document.content_type_id, document.object_id), []).append(document)

    verifications = list(lead.verifications.select_related("verifier"))
    actions = lead_actions(roles.get(lead.agency_id, set()), lead)
    if any(verification.verifier_id == user.pk for verification in verifications):
        actions.discard("verify")  # a person counts once: another colleague must verify
    # lead_submit refuses the report until MIN_VERIFIERS different people verified: until then the page says why
    # instead of offering a form that cannot succeed.
    verified_enough = len({verification.verifier_id for verification in verifications}) >= MIN_VERIFIERS
    forms = {step: LEAD_FORMS[step](auto_id=f"id_{step}_%s") for step in actions & LEAD_FORMS.keys()}
    # 指定管辖: a supervisor over the lead's agency designates the competent agency once two referrals came back.
    can_designate = lead.needs_designation and lead.agency.region_id in supervised_region_ids(user)
    if can_designate:
        forms["designate"] = DesignationForm(
            auto_id="id_designate_%s", lead=lead, region_ids=supervised_region_ids(user)
        )
    panels = []
    for referral in referrals:
        panel = ReferralPanel(
            referral,
            referral_actions(roles.get(referral.receiver_id, set()), referral),
            documents=documents.get((types[Referral].pk, referral.pk), []),
        )
        if "return" in panel.actions and lead.is_designated_referral(referral):
            panel.actions.discard("return")  # the designated agency may not return it
        for step in panel.actions & REFERRAL_FORMS.keys():
            form_class, auto_id = REFERRAL_FORMS[step], f"id_{step}{referral.pk}_%s"
            extra = {"referral": referral} if form_class is ForwardForm else {}
            panel.forms[step] = form_class(auto_id=auto_id, **extra)
        if "forward" in panel.forms and not panel.forms["forward"].fields["competent"].queryset.exists():
            # No organ of the receiver's kind above or below it: an empty list to choose from would only end in
            # "this field is required". The panel says why the step is not offered.
            panel.actions.discard("forward")
            del panel.forms["forward"]
            panel.cannot_forward = True
        panels.append(panel)
    if failed and failed[2] is not None:
        obj, step, form, _errors = failed
        if isinstance(obj, Lead):
            forms[step] = form
        else:
            next(panel for panel in panels if panel.referral.pk == obj.pk).forms[step] = form

    parties = {lead.agency_id} | {r.sender_id for r in referrals} | {r.receiver_id for r in referrals}
    # The agency that concluded the case enters the parties' credit records from it (the record's source).
    concluded = next(
        (
            r
            for r in referrals
            if r.state in CONCLUDED
            and roles.get(r.receiver_id, set()) & {Membership.Role.HANDLER, Membership.Role.HEAD}
        ),
        None,
    )
    lead_docs = documents.get((types[Lead].pk, lead.pk), [])
    named = list(lead.parties.select_related("entity"))
    standings = standings_of([party.entity for party in named], timezone.localdate())
    return {
        "lead": lead,
        "actions": actions,
        "verified_enough": verified_enough,
        "forms": forms,
        "can_designate": can_designate,
        "designation": _designation(lead, lead_docs),
        "step_errors": failed[3] if failed else [],
        # Each party with its credit line (credit/_credit_line.html): the same queries for one party or ten.
        "parties": [(party, standings[party.entity_id]) for party in named],
        "credit_source": concluded
        and urlencode(
            {
                "source_kind": "case",
                "source_reference": f"{concluded.letter.number} {lead.project.name}"[:200],
                "source": f"cases.lead:{lead.pk}",
            }
        ),
        "evidence": lead.evidence.of_a_visible_lead(user),
        "verifications": verifications,
        "approvals": lead.approvals.select_related("approver"),
        "lead_documents": lead_docs,
        "panels": panels,
        "clocks": clocks,
        "timeline": _as_far_as_shared(
            timeline_for(
                lead,
                user,
                labels=[CaseAction, Lead.State, Referral.State],
                related=referrals,
                parties=sorted(parties),
            ),
            lead,
            referrals,
            user,
            roles,
        ),
    }


@dataclass
class Designation:
    agency: object
    at: object
    reasons: str
    document: Document
    readable: bool  # whether the user may open the document itself (else its public verification page)


def _designation(lead: Lead, lead_documents: list) -> Designation | None:
    """The coordinator's designation of the competent agency, for everyone who sees the lead. The notice is the
    coordinator's and the designated agency's (Document.visible_to): others get the link to its verification."""
    if lead.designated_agency_id is None:
        return None
    readable = next((d for d in lead_documents if d.pk == lead.designation_document_id), None)
    return Designation(
        agency=lead.designated_agency,
        at=lead.designated_at,
        reasons=lead.designation_reasons,
        document=readable or lead.designation_document,
        readable=readable is not None,
    )


def _as_far_as_shared(timeline, lead, referrals, user, roles):
    """An agency that sees the lead only because it was referred to it sees the lead's own history up to its
    latest referral: what the sending agency does with the lead afterwards (after a return, say) is not its
    business. Members of the lead's agency and the supervisors over it see everything."""
    if in_agency_scope(user, lead.agency_id, lead.agency.region_id):
        return timeline
    handed_over = [r.sent_at for r in referrals if r.receiver_id in roles]
    cutoff = max(handed_over, default=None)
    lead_type = case_types()[Lead].pk
    return [
        entry
        for entry in timeline
        if cutoff is None
        or not (entry.event.content_type_id == lead_type and entry.event.object_id == lead.pk)
        or entry.event.at <= cutoff
    ]


def single_case_context(request, obj, *, agency_ids, roles_agency, table: dict, form_factories: dict, failed):
    """The context of a complaint's or an assistance letter's page: its clocks, documents and trail (shared by the
    agencies in `agency_ids`), the steps the user may take in `roles_agency` by the allow-list `table`, and their
    forms (`form_factories`: step → a function of the auto_id giving the empty form; the failed step's kept)."""
    now = timezone.now()
    of_obj = {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}
    roles = roles_by_agency(request.user).get(roles_agency.pk, set())
    actions = set().union(*(table.get((role, obj.state), set()) for role in roles))
    forms = {}
    for step in actions & form_factories.keys():
        forms[step] = form_factories[step](f"id_{step}_%s")
    if failed and failed[2] is not None:
        forms[failed[1]] = failed[2]
    return {
        "obj": obj,
        "actions": actions,
        "forms": forms,
        "step_errors": failed[3] if failed else [],
        "clocks": [
            clock_view(deadline, now=now)
            for deadline in Deadline.objects.filter(**of_obj).select_related("rule").order_by("due_at")
        ],
        "documents": list(
            Document.objects.visible_to(request.user).filter(**of_obj).order_by("created_at", "id")
        ),
        "timeline": timeline_for(obj, request.user, labels=[CaseAction, type(obj).State], parties=agency_ids),
    }
