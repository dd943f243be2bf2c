"""The forms of the case pages. They check what a person typed and say in Chinese what is wrong; the rules of
each step (who, when, how many verifiers) stay in cases/workflows.py."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from config.forms import PortalForm
from config.submissions import SubmittedOnce
from credit.uscc import normalize, validate_uscc

from .destinations import (
    DESTINATION_KINDS,
    competent_candidates,
    designation_candidates,
    forward_candidates,
    receivers_for,
)
from .evidence import check_evidence_file
from .models import Complaint, Lead, LeadParty, Referral, TradingProject


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files at once, each checked by content and size (cases/evidence.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        for upload in files:
            try:
                check_evidence_file(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        # A date field's value is always ISO (yyyy-mm-dd), whatever the language's own date format.
        super().__init__(attrs, format or "%Y-%m-%d")


class LeadForm(SubmittedOnce):
    """Filing a lead: its source and date, the trading project, the facts and the evidence."""

    source = forms.ChoiceField(label=_("source"), choices=Lead.Source.choices)
    discovered_on = forms.DateField(label=_("found or received on"), widget=DateInput)
    project_name = forms.CharField(label=_("project name"), max_length=200)
    project_code = forms.CharField(label=_("project code"), max_length=60, required=False)
    category = forms.ChoiceField(label=_("category"), choices=TradingProject.Category.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 5}))
    files = EvidenceFilesField(label=_("evidence files"), required=False)

    def clean_discovered_on(self):
        day = self.cleaned_data["discovered_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return day

    def project(self) -> TradingProject:
        data = self.cleaned_data
        return TradingProject(
            name=data["project_name"],
            code=data["project_code"],
            category=data["category"],
            amount=data["amount"],
        )


class PartyForm(PortalForm):
    """A market entity named in the lead, by name and unified social credit code."""

    name = forms.CharField(label=_("name"), max_length=200)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=40)
    # The usual case first: a row left as offered counts as empty (has_changed compares with the initial).
    role = forms.ChoiceField(label=_("role"), choices=LeadParty.Role.choices, initial=LeadParty.Role.BIDDER)

    def clean_uscc(self):
        code = normalize(self.cleaned_data["uscc"])
        validate_uscc(code)
        return code


PartyFormSet = forms.formset_factory(PartyForm, extra=2, max_num=20, validate_max=True)


class FindingsForm(PortalForm):
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(PortalForm):
    report = forms.FileField(label=_("written report"))

    def clean_report(self):
        report = self.cleaned_data["report"]
        check_evidence_file(report)
        return report


def _reasons(label):
    """The written reasons a step requires, named as the step's record names them (退回理由, 不予批准的理由…)."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}))


class SendBackForm(PortalForm):
    reasons = _reasons(_("what to verify further"))


class ReturnForm(PortalForm):
    reasons = _reasons(_("reasons for returning"))


class RefusalForm(PortalForm):
    reasons = _reasons(_("reasons for not approving"))


class DeclineCaseForm(PortalForm):
    reasons = _reasons(_("reasons for not opening a case"))


class UpholdForm(PortalForm):
    reasons = _reasons(_("reasons for upholding the refusal"))


class ResultForm(PortalForm):
    result = forms.CharField(label=_("result of handling"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(PortalForm):
    """Where a lead goes, how, on what basis. The receivers offered are the other active agencies of the
    jurisdiction, narrowed to the kind the destination names."""

    destination = forms.ChoiceField(label=_("destination"), choices=Referral.Destination.choices)
    receiver = forms.ModelChoiceField(
        label=_("receiving agency"),
        queryset=Agency.objects.none(),
        error_messages={
            "invalid_choice": _(
                "That agency is not of the kind the destination names: choose the destination first, then an "
                "agency from its list."
            )
        },
    )
    method = forms.ChoiceField(label=_("method of delivery"), choices=Referral.Method.choices)
    legal_basis = forms.CharField(label=_("legal basis"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        if not self.is_bound:
            # The select shows its first destination when none is proposed: from the first view on, the
            # receivers offered are of that destination's kind (else every agency, until the user changes it).
            self.initial.setdefault("destination", Referral.Destination.values[0])
        destination = self.data.get("destination") or self.initial.get("destination")
        self.fields["receiver"].queryset = receivers_for(lead, destination)
        self.fields["receiver"].label_from_instance = lambda agency: receiver_label(agency, lead)

    def clean(self):
        data = super().clean()
        kinds = DESTINATION_KINDS.get(data.get("destination"))
        receiver = data.get("receiver")
        if kinds and receiver and receiver.kind not in kinds:
            self.add_error(
                "receiver",
                _("%(agency)s is not an agency of the kind this destination names; choose one from the list.")
                % {"agency": receiver.name},
            )
        return data


def receiver_label(agency: Agency, lead: Lead) -> str:
    """An agency of the lead's own region by its name; one a level up with its region, to tell them apart."""
    return (
        agency.name if agency.region_id == lead.agency.region_id else f"{agency.name}（{agency.region.name}）"
    )


class MaterialForm(PortalForm):
    name = forms.CharField(label=_("name"), max_length=200)
    copies = forms.IntegerField(label=_("copies"), min_value=1, max_value=999, initial=1)
    pages = forms.IntegerField(label=_("pages"), min_value=1, max_value=99999)
    is_original = forms.BooleanField(label=_("original"), required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class BaseMaterialFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("List at least one material referred (移送材料清单): its name and pages."),
        "too_many_forms": _("At most 100 materials; put the rest in a bundle with a note."),
    }


MaterialFormSet = forms.formset_factory(
    MaterialForm,
    formset=BaseMaterialFormSet,
    extra=3,
    min_num=1,
    validate_min=True,
    max_num=100,
    validate_max=True,
)


class ForwardForm(PortalForm):
    """Forwarding to the competent organ: an agency of the receiver's kind at another level of its region tree."""

    competent = forms.ModelChoiceField(label=_("competent organ"), queryset=Agency.objects.none())

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competent"].queryset = forward_candidates(referral)
        self.fields["competent"].label_from_instance = lambda agency: f"{agency.name}（{agency.region.name}）"


class DesignationForm(PortalForm):
    """The coordinator designates the competent agency (指定管辖): an active agency of the jurisdiction, other than
    the lead's own, and why."""

    agency = forms.ModelChoiceField(label=_("designated competent agency"), queryset=Agency.objects.none())
    reasons = forms.CharField(
        label=_("reasons for the designation"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, lead: Lead, region_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = designation_candidates(lead, region_ids)
        self.fields["agency"].label_from_instance = lambda agency: receiver_label(agency, lead)


class ComplaintDetailsForm(SubmittedOnce):
    """What a complaint or tip-off is about and who makes it: the fields staff and the public both fill in."""

    kind = forms.ChoiceField(
        label=_("Complaint or tip-off"), choices=Complaint.Kind.choices, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(label=_("Report anonymously (tip-offs only)"), required=False)
    complainant_name = forms.CharField(label=_("complainant's name"), max_length=100, required=False)
    complainant_phone = forms.CharField(label=_("telephone"), max_length=30, required=False)
    complainant_address = forms.CharField(label=_("address or email"), max_length=200, required=False)
    project_name = forms.CharField(label=_("project name"), max_length=200)
    project_code = forms.CharField(label=_("project code"), max_length=60, required=False)
    category = forms.ChoiceField(label=_("category"), choices=TradingProject.Category.choices)
    respondent_name = forms.CharField(label=_("complained-about party"), max_length=200, required=False)
    respondent_uscc = forms.CharField(
        label=_("its unified social credit code"), max_length=40, required=False
    )
    facts = forms.CharField(label=_("facts and request"), widget=forms.Textarea(attrs={"rows": 6}))
    files = EvidenceFilesField(label=_("attachments"), required=False)

    DETAIL_FIELDS = [
        "anonymous",
        "complainant_name",
        "complainant_phone",
        "complainant_address",
        "project_name",
        "project_code",
        "category",
        "respondent_name",
        "respondent_uscc",
        "facts",
    ]

    def clean_respondent_uscc(self):
        code = normalize(self.cleaned_data["respondent_uscc"])
        if code:
            validate_uscc(code)
        return code

    def clean(self):
        data = super().clean()
        if data.get("kind") == Complaint.Kind.COMPLAINT:
            if data.get("anonymous"):
                self.add_error(
                    "anonymous", _("A complaint cannot be anonymous; choose tip-off to report anonymously.")
                )
            for name in ("complainant_name", "complainant_phone"):
                if not data.get(name):
                    self.add_error(name, _("A complaint needs the complainant's name and telephone."))
        elif not data.get("anonymous") and not data.get("complainant_phone"):
            self.add_error("complainant_phone", _("Give a telephone number, or report anonymously."))
        # Accepting the complaint creates the market entity of the code with this name (credit.market_entity).
        if data.get("respondent_uscc") and not data.get("respondent_name"):
            self.add_error("respondent_name", _("Give the name of the party the credit code belongs to."))
        if data.get("anonymous"):
            data["complainant_name"] = data["complainant_phone"] = data["complainant_address"] = ""
        return data

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}


class ComplaintRecordForm(ComplaintDetailsForm):
    """Staff recording a complaint received by telephone, letter or visit."""

    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[
            (value, label) for value, label in Complaint.Channel.choices if value != Complaint.Channel.ONLINE
        ],
    )
    received_at = forms.DateTimeField(
        label=_("received at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean_received_at(self):
        moment = self.cleaned_data["received_at"]
        if moment > timezone.now():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        return moment


class DeclineForm(PortalForm):
    """Not the agency's: name the competent department, and say whether the matter moves there too."""

    competent = forms.ModelChoiceField(label=_("competent department"), queryset=Agency.objects.none())
    refer = forms.BooleanField(
        label=_("Also refer the matter there (a lead approved for referral; clock L2)"), required=False
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = competent_candidates(complaint)
        self.fields["competent"].queryset = Agency.objects.filter(pk__in=[a.pk for a in candidates])
        self.fields["competent"].choices = [("", self.fields["competent"].empty_label)] + [
            (agency.pk, f"{agency.name}（{agency.region.name}）") for agency in candidates
        ]


class FeedbackForm(PortalForm):
    feedback = forms.CharField(label=_("What was done to assist"), widget=forms.Textarea(attrs={"rows": 4}))


class AssistanceForm(SubmittedOnce):
    assistant = forms.ModelChoiceField(label=_("agency asked"), queryset=Agency.objects.none())
    lead = forms.ModelChoiceField(label=_("case"), queryset=Lead.objects.none(), required=False)
    case_summary = forms.CharField(label=_("case basics"), widget=forms.Textarea(attrs={"rows": 3}))
    matters = forms.CharField(label=_("matters requested"), widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label=_("reasons for the request"), widget=forms.Textarea(attrs={"rows": 2}))
    files = EvidenceFilesField(label=_("evidence files"), required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assistant"].queryset = (
            Agency.objects.active().exclude(pk=agency.pk).select_related("region").in_kind_order()
        )
        self.fields["assistant"].label_from_instance = lambda a: f"{a.name}（{a.region.name}）"
        self.fields["lead"].queryset = Lead.objects.filter(agency=agency).select_related("project")
        self.fields["lead"].label_from_instance = lambda lead: (
            f"{lead.project.name}（{lead.discovered_on:%Y-%m-%d}）"
        )


class OnlineComplaintForm(ComplaintDetailsForm):
    """The public's form (鄂尔多斯 第九条): the department to complain to, and the details."""

    agency = forms.ModelChoiceField(label=_("Department"), queryset=Agency.objects.none())
    MAX_FILES = 5  # portal.middleware caps the size of a public post by it
    ONLINE_KINDS = [
        Agency.Kind.SUPERVISORY,
        Agency.Kind.FINANCE,
        Agency.Kind.COMPREHENSIVE,
        Agency.Kind.TRADING_CENTER,
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.active()
            .filter(kind__in=self.ONLINE_KINDS)
            .select_related("region")
            .order_by("region__code", "name")
        )
        self.fields["agency"].label_from_instance = lambda agency: f"{agency.region.name} · {agency.name}"
        self.fields["files"].help_text = _(
            "Up to %(count)s files of at most %(size)s each: PDF, scans, photos, Word, Excel, OFD, recordings."
        ) % {"count": self.MAX_FILES, "size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        self.order_fields(["agency"])

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise ValidationError(
                _("Attach at most %(count)s files."), code="too_many_files", params={"count": self.MAX_FILES}
            )
        return files
