"""The forms of the credit pages: what a person typed, checked and explained in Chinese; the rules of each step
(who, when, 一事不二罚) stay in credit/workflows.py."""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import PortalForm
from config.submissions import SubmittedOnce

from .models import CreditRecord, CreditRule, EntityRole, MarketEntity


class DateInput(forms.DateInput):
    input_type = "date"


class RecordForm(SubmittedOnce):
    rule = forms.ModelChoiceField(
        label=pgettext_lazy("credit", "rule"), queryset=CreditRule.objects.filter(is_active=True)
    )
    decided_on = forms.DateField(label=_("decided on"), widget=DateInput)
    source_kind = forms.ChoiceField(label=_("source"), choices=CreditRecord.Source.choices)
    source_reference = forms.CharField(
        label=_("source reference"),
        max_length=200,
        help_text=_("The case number, the inspection, or the decision document's number."),
    )
    act = forms.CharField(
        label=_("act reference"),
        max_length=100,
        help_text=_("The number every department uses for this act, e.g. the case or decision number."),
    )
    penalty = forms.ChoiceField(label=_("penalty"), choices=CreditRecord.Penalty.choices)
    fine_amount = forms.DecimalField(
        label=_("fine (yuan)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return day


class RevokeForm(PortalForm):
    reason = forms.CharField(label=_("reasons for the revocation"), widget=forms.Textarea(attrs={"rows": 2}))


class RepairForm(PortalForm):
    applicant = forms.CharField(label=_("applicant"), max_length=100)
    reasons = forms.CharField(label=_("reasons and rectification"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("decision"), choices=[("approve", _("Approve the repair")), ("reject", _("Reject"))]
    )
    note = forms.CharField(label=_("reasons"), widget=forms.Textarea(attrs={"rows": 2}))


class ExecutionForm(PortalForm):
    note = forms.CharField(label=_("what your agency did"), widget=forms.Textarea(attrs={"rows": 2}))


class MemoForm(SubmittedOnce):
    title = forms.CharField(label=_("title"), max_length=200)
    entities = forms.ModelMultipleChoiceField(
        label=_("entities"),
        queryset=MarketEntity.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    grounds = forms.CharField(label=_("grounds"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(
        label=_("measures every agency applies"), widget=forms.Textarea(attrs={"rows": 2})
    )
    restricted_until = forms.DateField(label=_("restricted until"), widget=DateInput)

    def __init__(self, *args, members=(), entity=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The memo's targets are entities with published adverse records (its grounds), and the one whose page
        # the form was opened from: not the whole register, which may hold tens of thousands.
        recorded = CreditRecord.objects.filter(state=CreditRecord.State.PUBLISHED, kind=CreditRule.Kind.BAD)
        choices = models.Q(pk__in=recorded.values("entity_id"))
        if entity is not None:
            choices |= models.Q(pk=entity.pk)
        self.fields["entities"].queryset = MarketEntity.objects.filter(choices)
        # One optional measure per member agency (宣恩 二、(五): the measures each department applies); left
        # empty, the agency applies the common measures.
        self.members = list(members)
        for agency in self.members:
            self.add_field(
                f"measure_{agency.pk}",
                forms.CharField(
                    label=agency.name,
                    required=False,
                    max_length=500,
                    widget=forms.TextInput(attrs={"placeholder": _("As in the memo")}),
                ),
            )

    def agency_measures(self) -> dict:
        return {
            agency.pk: self.cleaned_data[f"measure_{agency.pk}"]
            for agency in self.members
            if self.cleaned_data.get(f"measure_{agency.pk}", "").strip()
        }

    def common_fields(self):
        return [field for field in self if not field.name.startswith("measure_")]

    def member_fields(self):
        return [field for field in self if field.name.startswith("measure_")]


class ImportForm(PortalForm):
    file = forms.FileField(label=_("CSV or XLSX file"))


class EntityForm(PortalForm):
    """An entity's identity and contacts. An organisation gives its credit code, a person (an expert) an ID number;
    the model's constraints decide, and their messages are shown here."""

    kind = forms.ChoiceField(label=_("kind"), choices=MarketEntity.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=40, required=False)
    id_number = forms.CharField(
        label=_("identity card number"),
        max_length=40,
        required=False,
        help_text=_("For a bid-evaluation expert; shown masked."),
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=EntityRole.Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    legal_representative = forms.CharField(label=_("legal representative"), max_length=50, required=False)
    contact_person = forms.CharField(label=_("contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact telephone"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)

    FIELDS = (
        "kind",
        "name",
        "uscc",
        "id_number",
        "legal_representative",
        "contact_person",
        "contact_phone",
        "address",
    )

    @classmethod
    def for_entity(cls, entity, data=None):
        """The form to enter a new entity (`entity` None) or to correct `entity`."""
        if entity is None:
            return NewEntityForm(data)
        initial = {name: getattr(entity, name) for name in cls.FIELDS}
        initial["id_number"] = ""  # never sent back to the browser: left empty, the stored number is kept
        initial["roles"] = list(entity.roles.values_list("role", flat=True))
        return cls(data, initial=initial)


class NewEntityForm(EntityForm, SubmittedOnce):
    """Entering an entity: sent twice (a double click, a reload), it enters it once and shows it."""
