"""The pages of criminal referrals under Decree 310: starting one from a lead, its page with the steps each side may
take now, and the card on the lead's page. Steps run through cases.views.run_step like every case step.

Only the two sides see any of it (CriminalReferral.objects.visible_to); everyone else gets 404, the region's
supervisors included. Starting one, and the card, are for the members of the lead's agency.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.models import Agency, Membership
from agencies.querysets import member_agency_ids
from agencies.templatetags.people import person_name
from audit.timeline import timeline_for
from config.forms import PortalForm
from deadlines.board import clock_view
from deadlines.models import Deadline
from documents.models import Document

from .forms import DeclineCaseForm, RefusalForm, ReportForm, UpholdForm
from .models import CaseAction, CriminalReferral, Lead
from .permissions import (
    AGENCY,
    criminal_actions,
    criminal_side_roles,
    criminal_sides,
    may_ever,
    roles_by_agency,
)
from .views import Step, form_page, run_step
from .workflows import criminal as steps

# Forms --------------------------------------------------------------------------------------------------------------


class CriminalStartForm(PortalForm):
    """Starting a criminal referral: the special team (Art. 5), the police of the same level, the suspected offence."""

    team = forms.ModelMultipleChoiceField(
        label=gettext_lazy("special team"),
        queryset=get_user_model().objects.none(),
        help_text=gettext_lazy("At least two staff members of your agency (Decree 310 Art. 5)."),
    )
    police = forms.ModelChoiceField(
        label=gettext_lazy("public security organ"), queryset=Agency.objects.none()
    )
    suspected_offence = forms.CharField(
        label=gettext_lazy("suspected offence"),
        max_length=100,
        help_text=gettext_lazy("e.g. 串通投标罪 (Criminal Law Art. 223)"),
    )

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Membership.objects.active().filter(
            agency=lead.agency, role__in=[Membership.Role.HANDLER, Membership.Role.HEAD], user__is_active=True
        )
        self.fields["team"].queryset = (
            get_user_model()
            .objects.filter(pk__in=staff.values("user_id"))
            .order_by("last_name", "first_name")
        )
        self.fields["team"].label_from_instance = person_name
        self.fields["police"].queryset = Agency.objects.active().filter(
            kind=Agency.Kind.POLICE, region_id=lead.agency.region_id
        )

    def clean_team(self):
        team = self.cleaned_data["team"]
        if len(team) < steps.MIN_TEAM:
            raise ValidationError(
                _("Choose at least %(min)d staff members for the special team (Decree 310 Art. 5).")
                % {"min": steps.MIN_TEAM},
                code="team",
            )
        return team


class TransferForm(PortalForm):
    """The materials that go with the 涉嫌犯罪案件移送书 (Decree 310 Art. 6); the letter itself is numbered on sending."""

    investigation_report = forms.BooleanField(
        label=gettext_lazy("Investigation report on the suspected crime (涉嫌犯罪案件情况的调查报告)"),
        required=False,
        initial=True,
    )
    items_list = forms.BooleanField(
        label=gettext_lazy("List of the items involved (涉案物品清单)"), required=False
    )
    expert_opinion = forms.BooleanField(
        label=gettext_lazy("Inspection reports or expert opinions (检验报告或者鉴定意见)"), required=False
    )
    other_materials = forms.CharField(
        label=gettext_lazy("other materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("e.g. 询问笔录、现场照片、电子数据"),
    )


class GroundsForm(PortalForm):
    grounds = forms.CharField(label=gettext_lazy("grounds"), widget=forms.Textarea(attrs={"rows": 3}))


class SupervisionForm(PortalForm):
    """Asking the people's procuratorate of the agency's region to supervise the police's refusal (Art. 9)."""

    procuratorate = forms.ModelChoiceField(
        label=gettext_lazy("people's procuratorate"), queryset=Agency.objects.none()
    )
    grounds = forms.CharField(label=gettext_lazy("grounds"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criminal: CriminalReferral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procuratorate"].queryset = Agency.objects.active().filter(
            kind=Agency.Kind.PROCURATORATE, region_id=criminal.agency.region_id
        )


class HandoverForm(PortalForm):
    note = forms.CharField(
        label=gettext_lazy("items and materials handed over"), widget=forms.Textarea(attrs={"rows": 3})
    )


# Steps --------------------------------------------------------------------------------------------------------------

CRIMINAL_STEPS = {
    "submit": Step(ReportForm, steps.criminal_submit, {"report_file": "report"}),
    "approve": Step(None, steps.criminal_approve),
    "refuse": Step(RefusalForm, steps.criminal_refuse, {"reasons": "reasons"}),
    "transfer": Step(
        TransferForm,
        steps.criminal_transfer,
        {
            "investigation_report": "investigation_report",
            "items_list": "items_list",
            "expert_opinion": "expert_opinion",
            "other_materials": "other_materials",
        },
    ),
    "receive": Step(None, steps.criminal_receive),
    "open_case": Step(None, steps.criminal_open_case),
    "decline": Step(DeclineCaseForm, steps.criminal_decline, {"reasons": "reasons"}),
    "request_reconsideration": Step(
        GroundsForm, steps.criminal_request_reconsideration, {"grounds": "grounds"}
    ),
    "overturn": Step(None, steps.criminal_overturn),
    "uphold": Step(UpholdForm, steps.criminal_uphold, {"reasons": "reasons"}),
    "request_supervision": Step(
        SupervisionForm,
        steps.criminal_request_supervision,
        {"procuratorate": "procuratorate", "grounds": "grounds"},
    ),
    "accept_refusal": Step(None, steps.criminal_accept_refusal),
    "hand_over": Step(HandoverForm, steps.criminal_hand_over, {"note": "note"}),
}
# The form each step shows on the page (the forms that need the case get it); the others are a single button.
FORMS_WITH_CASE = {"request_supervision"}
CRIMINAL_DONE = {
    "submit": gettext_lazy("The written report is with the head, who decides within 3 days."),
    "approve": gettext_lazy("Approved: transfer the case to the police within 24 hours."),
    "refuse": gettext_lazy("Not approved: your reasons are on record."),
    "transfer": gettext_lazy(
        "Transferred: the transfer letter is numbered and the police are told to sign for it."
    ),
    "receive": gettext_lazy(
        "Signed for: the receipt is being prepared; decide within 3 days whether to open a case."
    ),
    "open_case": gettext_lazy("Case opened: the agency is told to hand over the items within 3 days."),
    "decline": gettext_lazy("Not opened: the notice with your reasons is being prepared."),
    "request_reconsideration": gettext_lazy("Reconsideration requested: the police decide within 3 days."),
    "overturn": gettext_lazy("Refusal overturned: the case is opened."),
    "uphold": gettext_lazy("Refusal upheld: the decision with your reasons is being prepared."),
    "request_supervision": gettext_lazy("The procuratorate is asked to supervise; it can now read the case."),
    "accept_refusal": gettext_lazy("The refusal is accepted and the case closed."),
    "hand_over": gettext_lazy("The handover of the items is recorded."),
}


# Pages --------------------------------------------------------------------------------------------------------------


def _own_leads(user):
    """Leads of the agencies the user works in: criminal referrals start there, and only their staff see the lead's
    criminal referrals (not the region's supervisors, not an agency a lead was referred to)."""
    leads = Lead.objects.visible_to(user)
    return leads if user.is_superuser else leads.filter(agency_id__in=member_agency_ids(user))


@login_required
def criminal_new(request, pk):
    """Start a criminal referral of a lead: the special team, the police, the suspected offence."""
    lead = get_object_or_404(_own_leads(request.user).select_related("agency", "project"), pk=pk)
    sides = {AGENCY: roles_by_agency(request.user).get(lead.agency_id, set())}
    if "start" not in criminal_actions(sides, None):
        raise PermissionDenied(
            _("Only the handlers and heads of the lead's agency start a criminal referral.")
        )
    form = CriminalStartForm(request.POST or None, lead=lead)

    def start():
        data = form.cleaned_data
        return steps.criminal_start(
            actor=request.user,
            lead=lead,
            team=data["team"],
            police=data["police"],
            suspected_offence=data["suspected_offence"],
            request=request,
        )

    return form_page(
        request,
        "cases/criminal_form.html",
        {"lead": lead, "form": form},
        valid=request.method == "POST" and form.is_valid(),
        run=start,
        done=_("The special team is appointed: it verifies the case and writes its report."),
    )


@login_required
def criminal_lead_card(request, pk):
    """The card on a lead's page (loaded by htmx): the lead's criminal referrals and, for its handlers and heads,
    the button to start one."""
    lead = get_object_or_404(_own_leads(request.user), pk=pk)
    sides = {AGENCY: roles_by_agency(request.user).get(lead.agency_id, set())}
    criminals = (
        CriminalReferral.objects.visible_to(request.user)
        .filter(lead=lead)
        .select_related("police")
        .order_by("created_at", "id")
    )
    return TemplateResponse(
        request,
        "cases/criminal_lead_card.html",
        {
            "lead": lead,
            "criminals": criminals,
            "may_start": "start" in criminal_actions(sides, None)
            and not any(criminal.state not in CriminalReferral.ENDED for criminal in criminals),
        },
    )


def criminal_page_context(request, criminal: CriminalReferral, *, failed=None) -> dict:
    """The template context of a criminal referral's page. `failed` is (object, step, bound form or None, error
    messages) when a step was refused for its input (cases.views.run_step)."""
    user, now = request.user, timezone.now()
    criminal = CriminalReferral.objects.select_related(
        "lead__project",
        "agency",
        "police",
        "procuratorate",
        "report",
        "transfer_letter",
        "receipt",
        "decided_by",
        "received_by",
        "created_by",
    ).get(pk=criminal.pk)
    team = list(criminal.team.order_by("last_name", "first_name", "pk"))
    sides = criminal_sides(roles_by_agency(user), criminal)
    actions = criminal_actions(sides, criminal.state)
    if user not in team:
        actions.discard("submit")  # the special team submits its own report
    else:
        actions -= {"approve", "refuse"}  # and another head decides on it
    forms_ = {}
    for step in actions:
        form_class = CRIMINAL_STEPS[step].form
        if form_class is not None:
            extra = {"criminal": criminal} if step in FORMS_WITH_CASE else {}
            forms_[step] = form_class(auto_id=f"id_{step}_%s", **extra)
    if failed and failed[2] is not None:
        forms_[failed[1]] = failed[2]
    content_type = ContentType.objects.get_for_model(CriminalReferral)
    of_case = {"content_type": content_type, "object_id": criminal.pk}
    parties = [criminal.agency_id, criminal.police_id] + (
        [criminal.procuratorate_id] if criminal.procuratorate_id else []
    )
    return {
        "criminal": criminal,
        "lead": criminal.lead,
        "team": team,
        "on_agency_side": bool(sides[AGENCY]),
        "actions": actions,
        "forms": forms_,
        "step_errors": failed[3] if failed else [],
        # The case's documents belong to its sides: whoever sees the case sees their numbers and codes.
        "documents": Document.objects.filter(**of_case).select_related("agency").order_by("created_at", "id"),
        "clocks": [
            clock_view(deadline, now=now)
            for deadline in Deadline.objects.filter(**of_case)
            .select_related("rule", "agency")
            .order_by("due_at")
        ],
        "timeline": timeline_for(
            criminal, user, labels=[CaseAction, CriminalReferral.State], parties=parties
        ),
    }


@login_required
def criminal_detail(request, pk):
    """A criminal referral: its state, the team, documents, clocks, trail and the steps the user may take now."""
    criminal = get_object_or_404(CriminalReferral.objects.visible_to(request.user), pk=pk)
    return TemplateResponse(request, "cases/criminal_detail.html", criminal_page_context(request, criminal))


@login_required
@require_POST
def criminal_step(request, pk, step):
    criminal = get_object_or_404(
        CriminalReferral.objects.visible_to(request.user).select_related("agency"), pk=pk
    )
    roles = criminal_side_roles(criminal_sides(roles_by_agency(request.user), criminal))
    if step not in CRIMINAL_STEPS or not may_ever(roles, steps.STEP_TABLE, step):
        raise PermissionDenied  # before the form: a role that never may gets 403, not a form error
    return run_step(
        request,
        criminal,
        {"criminal": criminal},
        step,
        CRIMINAL_STEPS[step],
        form_kwargs={"criminal": criminal} if step in FORMS_WITH_CASE else {},
        done=CRIMINAL_DONE,
        page=lambda failed: (
            "cases/criminal_detail.html",
            criminal_page_context(request, criminal, failed=failed),
        ),
    )
