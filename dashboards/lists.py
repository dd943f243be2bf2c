"""The lists behind the board's figures: clocks (by bucket, band, or outcome in a period), returned and forwarded
referrals, leads waiting for a competent agency to be designated. Each filter is the SQL twin of how the board
counts, so that a list holds exactly the clocks its figure counted."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.forms import DateInput
from cases.models import Lead, Referral
from config.forms import PortalForm
from deadlines.board import clock_view
from deadlines.models import Deadline, DeadlineRule

from .board import BANDS, bucket_condition
from .periods import Period

PAGE_SIZE = 50

BUCKET_LABELS = {
    "running": _("All running"),
    "overdue": _("Overdue"),
    "due_today": _("Due today"),
    "due_soon": _("Due on the next working day"),
    "later": _("Due later"),
    "paused": _("Paused"),
}
OUTCOME_LABELS = {
    "met_in_time": _("Met in time"),
    "met_late": _("Met late"),
    "overdue": _("Overdue, not met"),
    "pending": _("Running, not yet due"),
}


def band_label(band: int) -> str:
    low, high = BANDS[band]
    if high is None:
        return _("over %(days)s working days") % {"days": low - 1}
    if low == 0:
        return _("up to 1 working day")
    return _("%(low)s-%(high)s working days") % {"low": low, "high": high}


class ClockFilterForm(PortalForm):
    agency = forms.ModelChoiceField(
        label=_("agency"), required=False, queryset=Agency.objects.none(), empty_label=_("Any agency")
    )
    rule = forms.ModelChoiceField(
        label=_("stage"), required=False, queryset=DeadlineRule.objects.all(), empty_label=_("Any stage")
    )
    bucket = forms.ChoiceField(
        label=_("running clocks"), required=False, choices=[("", _("Any")), *BUCKET_LABELS.items()]
    )
    band = forms.TypedChoiceField(
        label=_("late by"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *((str(n), band_label(n)) for n in range(len(BANDS)))],
    )
    outcome = forms.ChoiceField(
        label=_("due in the period and"), required=False, choices=[("", _("Any")), *OUTCOME_LABELS.items()]
    )
    start = forms.DateField(label=_("Due from"), required=False, widget=DateInput)
    end = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(id__in=scope.ids).in_kind_order()

    def clean(self):
        data = super().clean()
        if data.get("outcome") and not (data.get("start") and data.get("end")):
            self.add_error("end", _("Choose the period whose clocks you want to see."))
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


def clocks_for(scope, data: dict, *, today):
    """The clocks of the scope that the filter (cleaned ClockFilterForm data) asks for, oldest due first."""
    clocks = Deadline.objects.filter(agency_id__in=scope.ids)
    if data.get("agency"):
        clocks = clocks.filter(agency=data["agency"])
    if data.get("rule"):
        clocks = clocks.filter(rule=data["rule"])
    if data.get("bucket") or data.get("band") is not None:
        clocks = clocks.running().filter(
            bucket_condition(data.get("bucket") or "overdue", today, data.get("band"))
        )
    if data.get("start") and data.get("end"):
        period = Period(data["start"], data["end"])
        clocks = clocks.filter(due_at__range=(period.first_instant, period.last_instant))
    outcome = data.get("outcome")
    if outcome:
        clocks = clocks.filter(
            {
                "met_in_time": Q(state=Deadline.State.MET, met_at__lte=F("due_at")),
                "met_late": Q(state=Deadline.State.MET, met_at__gt=F("due_at")),
                "overdue": Q(state=Deadline.State.OVERDUE),
                "pending": Q(state__in=[Deadline.State.OPEN, Deadline.State.PAUSED]),
            }[outcome]
        )
    return clocks.order_by("due_at", "id")


def what(deadline: Deadline, member_ids) -> str:
    """What a clock concerns, e.g. 移送 #12; only "涉密事项" for a confidential clock of another agency."""
    if deadline.confidential and deadline.agency_id not in member_ids:
        return str(_("Confidential matter"))
    model = ContentType.objects.get_for_id(deadline.content_type_id).model_class()
    return f"{model._meta.verbose_name} #{deadline.object_id}"


CLOCK_HEADERS = (
    _("Stage"),
    _("Acting agency"),
    _("Concerns"),
    _("Started"),
    _("Due"),
    _("State"),
    _("Time left"),
    _("Met at"),
)


def clock_rows(clocks, *, member_ids, now):
    """The export's rows of `clocks`, read a chunk at a time."""
    states = dict(Deadline.State.choices)
    for deadline in clocks.select_related("rule", "agency").iterator(chunk_size=2000):
        view = clock_view(deadline, now=now)
        yield (
            f"{deadline.rule.code} {deadline.rule.name}",
            deadline.agency.name,
            what(deadline, member_ids),
            deadline.triggered_at,
            deadline.due_at,
            str(states[deadline.state]),
            view.label,
            deadline.met_at,
        )


def decisions_for(scope, *, state: str, agency, period: Period):
    """The referrals received by the scope's agencies and returned (or forwarded) in the period."""
    referrals = Referral.objects.filter(
        receiver_id__in=scope.ids,
        state=state,
        decided_at__range=(period.first_instant, period.last_instant),
    )
    if agency is not None:
        referrals = referrals.filter(receiver=agency)
    return referrals.select_related("lead__project", "sender", "receiver").order_by("-decided_at", "-id")


def designations_for(scope, agency):
    """Leads of the scope whose referrals were returned twice: the coordinator designates the competent agency."""
    leads = Lead.objects.filter(agency_id__in=scope.ids, needs_designation=True)
    if agency is not None:
        leads = leads.filter(agency=agency)
    return leads.select_related("agency", "project").order_by("-created_at", "-id")
