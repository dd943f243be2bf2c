from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from agencies.models import Membership
from agencies.people import roles_of
from agencies.querysets import supervised_region_ids
from audit.services import audit_record
from config.downloads import recorded_download
from config.exports import FORMATS, export
from config.submissions import SENT_BEFORE
from credit.services import market_entity
from documents.services import DocumentError

from . import workflows
from .destinations import destination_for, receivers_for
from .filters import EXPORT_HEADERS, CaseFilterForm, case_page, case_rows
from .forms import (
    DesignationForm,
    FindingsForm,
    ForwardForm,
    LeadForm,
    MaterialFormSet,
    PartyFormSet,
    ReferralForm,
    ReportForm,
    ResultForm,
    ReturnForm,
    SendBackForm,
    receiver_label,
)
from .models import CaseAction, Evidence, Lead, Referral
from .pages import lead_page_context
from .permissions import ALLOWED, RECEIVER_ALLOWED, may_ever, roles_in
from .services import Party, lead_file


@login_required
def case_list(request):
    """The cases the user may see, filtered, newest first, a page at a time (keyset pages: as fast on page 500
    as on page 1)."""
    query = request.GET.copy()
    wanted = query.pop("format", [None])[0]
    form = CaseFilterForm(query or None, user=request.user)
    if wanted in FORMATS:
        return export(
            rows=case_rows(form, request.user), headers=EXPORT_HEADERS, filename=_("cases"), format=wanted
        )
    page = case_page(form, request.user, after=request.GET.get("after"))
    query.pop("after", None)
    return TemplateResponse(
        request, "cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def lead_detail(request, pk):
    """A case: the lead with its parties, evidence, verifications, referrals, live clocks, documents, trail, and
    the forms of the steps the user may take now. Others get 404."""
    lead = get_object_or_404(
        Lead.objects.visible_to(request.user).select_related("project", "agency", "report"), pk=pk
    )
    return TemplateResponse(request, "cases/lead_detail.html", lead_page_context(request, lead))


def acting_agency(request, refusal):
    """The agency the user acts for, if they are an active member of it; else 403 with `refusal`."""
    agency = request.agency or None
    if agency is None or not Membership.objects.active().filter(user=request.user, agency=agency).exists():
        raise PermissionDenied(refusal)
    return agency


def form_page(request, template: str, context: dict, *, valid: bool, run, done, error_field=None):
    """A page whose form creates something: on a valid POST `run()` does it through its service or workflow and
    returns where to go next (where `done` is said); a refusal by the rules, or an agency that cannot issue the
    document yet, goes back to the form (400) with the input kept, a case that moved on gets the 409 page."""
    if request.method == "POST" and valid:
        try:
            created = run()
        except (ConcurrentTransition, TransitionNotAllowed):
            # The forms that create a case have no lead yet.
            return conflict_page(request, context.get("lead"))
        except ValidationError as error:
            # `error_field` is where the workflow's own refusals belong (a lead's files); a form sent before is
            # refused as a whole.
            context["form"].add_error(
                None if getattr(error, "code", None) == SENT_BEFORE else error_field, error
            )
        except DocumentError as error:  # the agency cannot issue documents yet (no 机关代字), as in run_step
            context["form"].add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(created)
    return TemplateResponse(request, template, context, status=400 if request.method == "POST" else 200)


@login_required
def lead_new(request):
    """File a lead for the acting agency: the form keeps what was typed and says what is wrong."""
    agency = acting_agency(request, _("Choose the agency you act for before filing a lead."))
    form = LeadForm(request.POST or None, request.FILES or None)
    parties = PartyFormSet(request.POST or None, prefix="party")

    @transaction.atomic  # the parties' entities are created with the lead or not at all
    def file():
        data = form.cleaned_data
        return lead_file(
            actor=request.user,
            agency=agency,
            source=data["source"],
            project=form.project(),
            facts=data["facts"],
            discovered_on=data["discovered_on"],
            parties=[
                Party(market_entity(party["uscc"], party["name"]), party["role"])
                for party in parties.cleaned_data
                if party
            ],
            files=data["files"],
            request=request,
            submission_key=data["submission_key"],
        )

    context = {
        "form": form,
        "parties": parties,
        "agency": agency,
        "max_evidence": settings.EVIDENCE_MAX_BYTES,
        "files_dropped": bool(request.FILES),  # a refused form cannot give the chosen files back
    }
    return form_page(
        request,
        "cases/lead_form.html",
        context,
        valid=request.method == "POST" and form.is_valid() and parties.is_valid(),
        run=file,
        done=_("The lead is filed; clock L2 (refer within 5 working days) has started."),
        error_field="files",
    )


@dataclass(frozen=True)
class Step:
    """A step of the case page: the form it needs, the workflow it runs, and which form fields the workflow gets
    under which names."""

    form: type | None
    workflow: object
    args: dict = field(default_factory=dict)


LEAD_STEPS = {
    "verify": Step(FindingsForm, workflows.lead_verify, {"findings": "findings"}),
    "submit": Step(ReportForm, workflows.lead_submit, {"report_file": "report"}),
    "approve": Step(None, workflows.lead_approve),
    "send_back": Step(SendBackForm, workflows.lead_send_back, {"reasons": "reasons"}),
}
REFERRAL_STEPS = {
    "receive": Step(None, workflows.referral_receive),
    "accept": Step(None, workflows.referral_accept),
    "return": Step(ReturnForm, workflows.referral_return, {"reasons": "reasons"}),
    "forward": Step(ForwardForm, workflows.referral_forward, {"competent": "competent"}),
    "notify_acceptance": Step(None, workflows.referral_notify_acceptance),
    "conclude": Step(ResultForm, workflows.referral_conclude, {"result": "result"}),
    "notify_result": Step(None, workflows.referral_notify_result),
}
DONE = {  # what the page says after each step
    "verify": gettext_lazy("Your verification is recorded."),
    "submit": gettext_lazy("The report is submitted to the head for approval."),
    "approve": gettext_lazy("Approved: the lead may now be referred."),
    "send_back": gettext_lazy("Sent back with your reasons."),
    "receive": gettext_lazy("Signed for: the receipt is being prepared."),
    "accept": gettext_lazy("Accepted: report the acceptance to the sender within 5 working days."),
    "return": gettext_lazy("Returned: the letter with your reasons is being prepared."),
    "forward": gettext_lazy("Forwarded to the competent organ; the sender is told in writing."),
    "notify_acceptance": gettext_lazy("The acceptance is reported to the sender."),
    "conclude": gettext_lazy("The result is recorded: report it to the sender within 10 working days."),
    "notify_result": gettext_lazy("The result is reported to the sender."),
    "designate": gettext_lazy(
        "The competent agency is designated: the notice is numbered and both agencies told."
    ),
}


@login_required
@require_POST
def lead_step(request, pk, step):
    lead = get_object_or_404(
        Lead.objects.visible_to(request.user).select_related("project", "agency", "report"), pk=pk
    )
    if step not in LEAD_STEPS or not may_ever(
        roles_of(request.user).get(lead.agency_id, set()), ALLOWED, step
    ):
        raise PermissionDenied  # before the form: a role that never may gets 403, not a form error
    return run_step(request, lead, {"lead": lead}, step, LEAD_STEPS[step], form_kwargs={})


@login_required
@require_POST
def referral_step(request, pk, step):
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "lead__project", "lead__agency", "lead__report"
        ),
        pk=pk,
    )
    if step not in REFERRAL_STEPS or not may_ever(
        roles_of(request.user).get(referral.receiver_id, set()), RECEIVER_ALLOWED, step
    ):
        raise PermissionDenied  # before the form: a role that never may gets 403, not a form error
    form_kwargs = {"referral": referral} if step == "forward" else {}
    return run_step(
        request, referral.lead, {"referral": referral}, step, REFERRAL_STEPS[step], form_kwargs=form_kwargs
    )


@login_required
@require_POST
def lead_designate(request, pk):
    """The coordinator designates the competent agency for a lead returned twice (指定管辖). Those who cannot see the
    lead get 404; those who see it but do not supervise its agency's region, 403."""
    lead = get_object_or_404(
        Lead.objects.visible_to(request.user).select_related("project", "agency__region", "report"), pk=pk
    )
    regions = supervised_region_ids(request.user)
    if lead.agency.region_id not in regions:
        raise PermissionDenied(
            _("Only the supervisors over the lead's agency may designate the competent agency.")
        )
    step = Step(DesignationForm, workflows.lead_designate, {"agency": "agency", "reasons": "reasons"})
    return run_step(
        request, lead, {"lead": lead}, "designate", step, form_kwargs={"lead": lead, "region_ids": regions}
    )


def run_step(request, lead, target: dict, name: str, step: Step, *, form_kwargs, done=DONE, page=None):
    """Validate the step's form, run its workflow, and answer: back to the case on success; the case page with the
    form and its errors (400) when the input is wrong; 409 when the case moved on since the page was shown.

    `lead` is the case whose page the step is on. Another kind of case page (a criminal referral) passes its own
    `done` messages and `page`: a function of the failed step giving the page's template and context."""
    form = step.form(request.POST, request.FILES, **form_kwargs) if step.form else None
    if form is None or form.is_valid():
        arguments = {arg: form.cleaned_data[field] for arg, field in step.args.items()}
        try:
            step.workflow(
                **target,
                **arguments,
                actor=request.user,
                request=request,
                seen_state=request.POST.get("seen_state") or None,
            )
        except (ConcurrentTransition, TransitionNotAllowed):
            return conflict_page(request, lead)
        except ValidationError as error:
            errors = error.messages
        except DocumentError as error:  # the agency cannot issue documents yet (no 机关代字)
            errors = [str(error)]
        else:
            messages.success(request, done[name])
            return redirect(lead)
    else:
        errors = form.non_field_errors()
    [obj] = target.values()
    failed = (obj, name, form, errors)
    if page is not None:
        template, context = page(failed)
    else:
        template, context = "cases/lead_detail.html", lead_page_context(request, lead, failed=failed)
    return TemplateResponse(request, template, context, status=400)


def conflict_page(request, lead=None):
    """409: the case moved on since the page was shown; nothing was changed."""
    return TemplateResponse(request, "cases/conflict.html", {"lead": lead}, status=409)


@login_required
def lead_refer(request, pk):
    """The referral form: destination, receiving agency (proposed by the destination's kind), method, legal basis
    and the materials catalogue. Sending numbers the 移送函 and starts the receiver's clock."""
    lead = get_object_or_404(Lead.objects.visible_to(request.user).select_related("agency__region"), pk=pk)
    roles = roles_in(request.user, lead.agency)
    if not may_ever(roles, ALLOWED, "refer"):
        raise PermissionDenied(_("Your role does not allow referring this lead."))
    if lead.state != Lead.State.APPROVED:
        return conflict_page(request, lead)
    # A complaint declined to another department is referred there: the form proposes the department named.
    named = lead.complaints.exclude(competent_agency=None).select_related("competent_agency").first()
    initial = {}
    if named is not None:
        agency = named.competent_agency
        initial = {"receiver": agency, "destination": destination_for(agency)}
    designated = lead.designated_agency if lead.designated_receiver_id() is not None else None
    if designated is not None:  # the coordinator designated where it goes (指定管辖)
        initial = {"receiver": designated, "destination": destination_for(designated)}
    form = ReferralForm(request.POST or None, lead=lead, initial=initial)
    materials = MaterialFormSet(request.POST or None, prefix="material")

    def send():
        data = form.cleaned_data
        workflows.referral_send(
            actor=request.user,
            lead=lead,
            receiver=data["receiver"],
            destination=data["destination"],
            method=data["method"],
            legal_basis=data["legal_basis"],
            materials=[item for item in materials.cleaned_data if item],
            request=request,
            seen_state=request.POST.get("seen_state") or lead.page_token,
        )
        return lead

    return form_page(
        request,
        "cases/referral_form.html",
        {"lead": lead, "form": form, "materials": materials, "designated": designated},
        valid=request.method == "POST" and form.is_valid() and materials.is_valid(),
        run=send,
        done=_("Referred: the letter is numbered and the receiver's clock has started."),
    )


@login_required
def lead_receivers(request, pk):
    """The receiving agencies a destination proposes (the referral form swaps its list with htmx)."""
    lead = get_object_or_404(Lead.objects.visible_to(request.user).select_related("agency__region"), pk=pk)
    choices = [
        (agency.pk, receiver_label(agency, lead))
        for agency in receivers_for(lead, request.GET.get("destination"))
    ]
    return TemplateResponse(request, "cases/_receiver_options.html", {"choices": choices})


@login_required
def evidence_download(request, pk):
    """An evidence file, to those who may see it (Evidence.visible_to); recorded in the trail."""
    user = request.user
    evidence = get_object_or_404(
        Evidence.objects.visible_to(user).select_related("lead", "complaint", "assistance"), pk=pk
    )
    # The type sniffed at upload, never one guessed from the name (an upload called x.html is not served as HTML).
    return recorded_download(
        evidence.file,
        filename=evidence.original_name,
        content_type=evidence.mime_type,
        record=lambda: audit_record(
            actor=user,
            action=CaseAction.EVIDENCE_DOWNLOADED,
            obj=evidence.lead or evidence.complaint or evidence.assistance,
            payload={"file": evidence.original_name, "sha256": evidence.sha256},
            request=request,
        ),
    )
