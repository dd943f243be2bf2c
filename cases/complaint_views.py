"""Staff pages of complaints and tip-offs, and of assistance letters: record or send, list, the page with its
steps; and the list of criminal referrals (their pages are in cases/criminal_views.py). Steps run through cases.views.run_step (400 with the form kept, 409 on a stale page, 403 by the
allow-list)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.people import roles_of

from . import workflows
from .forms import AssistanceForm, ComplaintRecordForm, DeclineForm, FeedbackForm, ReturnForm
from .models import AssistanceRequest, Complaint, CriminalReferral
from .pages import single_case_context
from .permissions import ASSISTANCE_ALLOWED, COMPLAINT_ALLOWED, may_ever
from .views import Step, acting_agency, form_page, run_step

PAGE = 50


def may_start(request, table: dict, action: str) -> bool:
    """Whether the user's roles in the agency they act for allow `action` before there is a case: the list shows
    its button to start one only then, and the form page refuses the others with 403."""
    agency = getattr(request, "agency", None) or None
    return agency is not None and may_ever(roles_of(request.user).get(agency.pk, set()), table, action)


COMPLAINT_STEPS = {
    "accept": Step(None, workflows.complaint_accept),
    "decline": Step(DeclineForm, workflows.complaint_decline, {"competent": "competent", "refer": "refer"}),
}
COMPLAINT_DONE = {
    "accept": gettext_lazy("Accepted: the complaint is now a lead of your agency."),
    "decline": gettext_lazy("The notice (告知书) is being prepared; the complainant is told where to turn."),
}
ASSISTANCE_STEPS = {
    "assist": Step(FeedbackForm, workflows.assistance_give, {"feedback": "feedback"}),
    "return": Step(ReturnForm, workflows.assistance_return, {"reasons": "reasons"}),
}
ASSISTANCE_DONE = {
    "assist": gettext_lazy("Your feedback is sent to the requesting agency."),
    "return": gettext_lazy("Returned: the letter with your reasons is being prepared."),
}


# Complaints -----------------------------------------------------------------------------------------------------


@login_required
def complaint_list(request):
    complaints = (
        Complaint.objects.visible_to(request.user)
        .select_related("agency", "competent_agency")
        .order_by("-received_at", "-pk")  # the pk breaks ties: no row on two pages, none on neither
    )
    state = request.GET.get("state")
    if state in Complaint.State.values:
        complaints = complaints.filter(state=state)
    return TemplateResponse(
        request,
        "cases/complaint_list.html",
        {
            "page": Paginator(complaints, PAGE).get_page(request.GET.get("page")),
            "states": Complaint.State.choices,
            "state": state,
            "may_record": may_start(request, COMPLAINT_ALLOWED, "record"),
        },
    )


@login_required
def complaint_new(request):
    """Record a complaint received by telephone, letter or visit; clock L1 starts from its reception."""
    agency = acting_agency(request, _("Choose the agency you act for first."))
    if not may_start(request, COMPLAINT_ALLOWED, "record"):
        # 403 before the form: a role that never may is not shown one to fill in (the workflow refuses it too)
        raise PermissionDenied(
            _("Only the handlers and heads of the receiving agency record its complaints.")
        )
    form = ComplaintRecordForm(request.POST or None, request.FILES or None)

    def record():
        data = form.cleaned_data
        return workflows.complaint_record(
            actor=request.user,
            agency=agency,
            kind=data["kind"],
            channel=data["channel"],
            details=form.details(),
            files=data["files"],
            received_at=data["received_at"],
            request=request,
            submission_key=data["submission_key"],
        )

    return form_page(
        request,
        "cases/complaint_form.html",
        {"form": form, "agency": agency, "files_dropped": bool(request.FILES)},
        valid=request.method == "POST" and form.is_valid(),
        run=record,
        done=_("Recorded. Decide within 3 working days whether it is your agency's."),
    )


def _complaint_page(request, complaint, failed=None):
    context = single_case_context(
        request,
        complaint,
        agency_ids=[complaint.agency_id],
        roles_agency=complaint.agency,
        table=COMPLAINT_ALLOWED,
        form_factories={"decline": lambda auto_id: DeclineForm(complaint=complaint, auto_id=auto_id)},
        failed=failed,
    )
    context["show_identity"] = complaint.identity_visible_to(request.user)
    return "cases/complaint_detail.html", context


@login_required
def complaint_detail(request, pk):
    """A complaint. The complainant's identity shows only to the receiving agency's staff."""
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related(
            "agency", "competent_agency", "lead", "notice"
        ),
        pk=pk,
    )
    template, context = _complaint_page(request, complaint)
    return TemplateResponse(request, template, context)


@login_required
@require_POST
def complaint_step(request, pk, step):
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user).select_related("agency"), pk=pk)
    if step not in COMPLAINT_STEPS or not may_ever(
        roles_of(request.user).get(complaint.agency_id, set()), COMPLAINT_ALLOWED, step
    ):
        raise PermissionDenied  # before the form: a role that never may gets 403, not a form error
    return run_step(
        request,
        complaint,
        {"complaint": complaint},
        step,
        COMPLAINT_STEPS[step],
        form_kwargs={"complaint": complaint} if step == "decline" else {},
        done=COMPLAINT_DONE,
        page=lambda failed: _complaint_page(request, complaint, failed),
    )


# Assistance letters ---------------------------------------------------------------------------------------------


@login_required
def assistance_list(request):
    letters = (
        AssistanceRequest.objects.visible_to(request.user)
        .select_related("requester", "assistant", "letter")
        .order_by("-sent_at", "-pk")
    )
    return TemplateResponse(
        request,
        "cases/assistance_list.html",
        {
            "page": Paginator(letters, PAGE).get_page(request.GET.get("page")),
            "may_send": may_start(request, ASSISTANCE_ALLOWED, "send"),
        },
    )


@login_required
def assistance_new(request):
    """Ask another agency for help with a case: the numbered 协助办理函 and clock L6 for the agency asked."""
    agency = acting_agency(request, _("Choose the agency you act for first."))
    if not may_start(request, ASSISTANCE_ALLOWED, "send"):
        raise PermissionDenied(
            _("Only the handlers and heads of the requesting agency send its assistance letters.")
        )
    form = AssistanceForm(request.POST or None, request.FILES or None, agency=agency)

    def send():
        data = form.cleaned_data
        return workflows.assistance_send(
            actor=request.user,
            requester=agency,
            assistant=data["assistant"],
            lead=data["lead"],
            case_summary=data["case_summary"],
            matters=data["matters"],
            reasons=data["reasons"],
            files=data["files"],
            request=request,
            submission_key=data["submission_key"],
        )

    return form_page(
        request,
        "cases/assistance_form.html",
        {"form": form, "agency": agency, "files_dropped": bool(request.FILES)},
        valid=request.method == "POST" and form.is_valid(),
        run=send,
        done=_("Sent: the letter is numbered and the agency asked has 5 working days."),
    )


def _assistance_page(request, assistance, failed=None):
    context = single_case_context(
        request,
        assistance,
        agency_ids=[assistance.requester_id, assistance.assistant_id],
        roles_agency=assistance.assistant,
        table=ASSISTANCE_ALLOWED,
        form_factories={
            "assist": lambda auto_id: FeedbackForm(auto_id=auto_id),
            "return": lambda auto_id: ReturnForm(auto_id=auto_id),
        },
        failed=failed,
    )
    context["is_requester"] = assistance.requester_id in roles_of(request.user)
    # The letter itself is filed on its case (its target, issued before the request existed): first among the
    # page's documents, as the answers filed on the request follow it.
    context["documents"] = [
        assistance.letter,
        *(d for d in context["documents"] if d.pk != assistance.letter_id),
    ]
    return "cases/assistance_detail.html", context


@login_required
def assistance_detail(request, pk):
    assistance = get_object_or_404(
        AssistanceRequest.objects.visible_to(request.user).select_related(
            "requester", "assistant", "lead__project", "letter", "answer_letter"
        ),
        pk=pk,
    )
    template, context = _assistance_page(request, assistance)
    return TemplateResponse(request, template, context)


@login_required
@require_POST
def assistance_step(request, pk, step):
    assistance = get_object_or_404(
        AssistanceRequest.objects.visible_to(request.user).select_related("requester", "assistant"), pk=pk
    )
    if step not in ASSISTANCE_STEPS or not may_ever(
        roles_of(request.user).get(assistance.assistant_id, set()), ASSISTANCE_ALLOWED, step
    ):
        raise PermissionDenied  # before the form: a role that never may gets 403, not a form error
    return run_step(
        request,
        assistance,
        {"assistance": assistance},
        step,
        ASSISTANCE_STEPS[step],
        form_kwargs={},
        done=ASSISTANCE_DONE,
        page=lambda failed: _assistance_page(request, assistance, failed),
    )


@login_required
def criminal_list(request):
    """Criminal referrals (Decree 310) of the user's two sides only: the supervisors of the region see none."""
    criminals = (
        CriminalReferral.objects.visible_to(request.user)
        .select_related("agency", "police", "lead__project")
        .order_by("-created_at", "-pk")
    )
    return TemplateResponse(
        request,
        "cases/criminal_list.html",
        {"page": Paginator(criminals, PAGE).get_page(request.GET.get("page"))},
    )
