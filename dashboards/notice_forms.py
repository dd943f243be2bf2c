"""The forms of the supervision notices' pages. They check what they can alone; the rules that need the clock under
lock (dashboards/notices.py) are checked again there and their refusals shown on the same form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import PortalForm
from config.submissions import SubmittedOnce
from deadlines.due import LEGAL_TZ

from .models import SupervisionNotice
from .notice_rules import check_target_date


class NoticeForm(SubmittedOnce):
    grade = forms.ChoiceField(
        label=_("Grade"), choices=SupervisionNotice.Grade.choices, widget=forms.RadioSelect, initial="yellow"
    )
    message = forms.CharField(
        label=_("What the agency must do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed in the notice (督办意见) and sent to the agency's heads and handlers."),
    )
    target_date = forms.DateField(
        label=_("Target date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A working day after today: the agency must finish by the end of that day."),
        error_messages={"invalid": _("Enter a date such as 2026-10-13.")},
    )
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, deadline, open_notice=None, seen_state="", **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.fields["seen_state"].initial = seen_state
        if open_notice is not None:  # only a red notice may follow an open yellow one
            self.fields["grade"].choices = [
                (value, label) for value, label in self.fields["grade"].choices if value == "red"
            ]
            self.fields["grade"].initial = "red"

    def clean_target_date(self):
        day = self.cleaned_data["target_date"]
        check_target_date(
            day, agency=self.deadline.agency, today=timezone.localdate(timezone.now(), LEGAL_TZ)
        )
        return day


class ResolveForm(PortalForm):
    note = forms.CharField(
        label=_("Why the notice is resolved"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the agency reported the work done; recorded in the item's trail."),
    )
