"""The forms of the joint-meeting pages. They check what a person typed; who may act and in which state is checked
by meetings/workflows/, whose refusals are shown on the same page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import Lead
from config.forms import PortalForm
from config.submissions import SubmittedOnce

from .models import Meeting
from .querysets import consultable_cases


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ItemForm(SubmittedOnce):
    title = forms.CharField(label=_("Title of the item"), max_length=200)
    description = forms.CharField(
        label=_("What is to be discussed"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The problem, what has been done, and what the meeting is asked to decide."),
    )


class MeetingForm(SubmittedOnce):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("e.g. 2026年下半年联席会议全体会议")
    )
    starts_at = forms.DateTimeField(
        label=_("Time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Enter a time such as 2026-12-10 09:00.")},
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited agencies (not members)"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    cases = forms.ModelMultipleChoiceField(
        label=_("Cases to consult on"),
        queryset=Lead.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Required for a case consultation (会商)."),
    )

    def __init__(self, *args, body, user, member_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = (
            Agency.objects.active()
            .filter(region_id=body.region_id)
            .exclude(pk__in=member_ids)
            .order_by("name")
        )
        self.fields["cases"].queryset = (
            consultable_cases(body, user).select_related("project").order_by("-id")
        )
        self.fields["cases"].label_from_instance = lambda lead: f"{lead.project.name}（{lead.discovered_on}）"


class CompileForm(PortalForm):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            body_id=item.body_id, state=Meeting.State.PLANNED
        ).order_by("starts_at")


class ReasonForm(PortalForm):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReportForm(SubmittedOnce):
    """A report on one assignment; the page holds one for each of the agency's assignments, hence ids of its own."""

    text = forms.CharField(
        label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, auto_id=f"id_assignment{assignment.pk}_%s", **kwargs)


class AttendanceForm(PortalForm):
    """Present or not, and who came, for each agency of the meeting (fields present_<id>, attendee_<id>)."""

    def __init__(self, *args, agencies, early=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        for agency in self.agencies:
            self.add_field(
                f"present_{agency.pk}", forms.BooleanField(label=agency.name, required=False, initial=True)
            )
            self.add_field(
                f"attendee_{agency.pk}",
                forms.CharField(
                    label=_("attended by"),
                    required=False,
                    max_length=100,
                    widget=forms.TextInput(attrs={"placeholder": _("e.g. 张某 (deputy director)")}),
                ),
            )
        if early:  # before the meeting's day: held only if the office says it met earlier than noticed
            self.add_field(
                "met_early",
                forms.BooleanField(
                    label=_("The meeting has met already, earlier than its notice said"),
                    error_messages={
                        "required": _(
                            "Tick this if the meeting has met already; otherwise record it on its day."
                        )
                    },
                ),
            )

    def rows(self):
        """(agency, present field, attendee field) for the template."""
        return [
            (agency, self[f"present_{agency.pk}"], self[f"attendee_{agency.pk}"]) for agency in self.agencies
        ]

    @property
    def met_early_field(self):
        return self["met_early"] if "met_early" in self.fields else None

    @property
    def met_early(self) -> bool:
        return self.cleaned_data.get("met_early", False)

    def attendance(self):
        data = self.cleaned_data
        return [
            (agency, data[f"present_{agency.pk}"], data[f"attendee_{agency.pk}"]) for agency in self.agencies
        ]


class MinutesForm(PortalForm):
    summary = forms.CharField(
        label=_("What the meeting discussed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The opening paragraphs of the minutes (纪要); the decisions follow, numbered."),
    )


class DecisionForm(PortalForm):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Responsible agencies"),
        queryset=Agency.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date such as 2026-12-31.")},
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies if agencies is not None else Agency.objects.none()


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=20, absolute_max=20)
