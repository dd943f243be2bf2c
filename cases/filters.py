"""The case list: its filters and its keyset pages.

A page is the next PAGE_SIZE leads after the last one shown, newest first by (created_at, id): the query reads
the index from where the previous page ended, so page 500 is as quick as page 1 (an OFFSET would read and drop
everything before it).
"""

from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.querysets import member_agency_ids, supervised_region_ids
from config.forms import PortalForm
from deadlines.board import clock_view
from deadlines.models import Deadline

from .models import Lead, Referral, TradingProject

PAGE_SIZE = 50
LEAD_PREFIX, REFERRAL_PREFIX = "lead:", "referral:"


class DateInput(forms.DateInput):
    input_type = "date"


class CaseFilterForm(PortalForm):
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[
            ("", _("Any state")),
            (_("Lead"), [(LEAD_PREFIX + value, label) for value, label in Lead.State.choices]),
            (_("Referral"), [(REFERRAL_PREFIX + value, label) for value, label in Referral.State.choices]),
        ],
    )
    agency = forms.ModelChoiceField(
        label=_("agency"), required=False, queryset=Agency.objects.none(), empty_label=_("Any agency")
    )
    source = forms.ChoiceField(
        label=_("source"), required=False, choices=[("", _("Any source")), *Lead.Source.choices]
    )
    category = forms.ChoiceField(
        label=_("category"),
        required=False,
        choices=[("", _("Any category")), *TradingProject.Category.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    date_from = forms.DateField(label=_("Found from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Agencies the user's cases can involve: every agency of the regions the user works in or supervises
        # (a case of mine may have been referred to any of them; agencies' names are public anyway).
        regions = Agency.objects.filter(id__in=member_agency_ids(user)).values("region_id")
        self.fields["agency"].queryset = (
            Agency.objects.active()
            .filter(Q(region_id__in=regions) | Q(region_id__in=supervised_region_ids(user)))
            .in_kind_order()
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@dataclass
class CasePage:
    leads: list
    next_after: str | None  # the keyset of the next page, None on the last


def case_page(form: CaseFilterForm, user, *, after: str | None) -> CasePage:
    """The leads the filters select that `user` may see, PAGE_SIZE of them after the keyset `after`."""
    leads = Lead.objects.visible_to(user)
    if form.is_bound and form.is_valid():
        leads = _filtered(leads, form.cleaned_data)
    if keyset := _parse_after(after):
        created_at, pk = keyset
        leads = leads.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(
        leads.select_related("project", "agency")
        .annotate(last_referral_state=_last_referral("state"), last_receiver=_last_referral("receiver__name"))
        .order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    labels = dict(Referral.State.choices)
    clocks = _most_pressing_clocks(rows)
    for row in rows:
        row.last_referral_label = labels.get(row.last_referral_state, "")
        row.clock = clocks.get(row.pk)
    next_after = f"{rows[-1].created_at.isoformat()}_{rows[-1].pk}" if more else None
    return CasePage(rows, next_after)


def _most_pressing_clocks(leads) -> dict:
    """lead id → the running clock of the lead or its referrals that falls due first (two queries a page)."""
    referral_leads = dict(Referral.objects.filter(lead__in=leads).values_list("pk", "lead_id"))
    types = ContentType.objects.get_for_models(Lead, Referral)
    running = Deadline.objects.running().filter(
        Q(content_type=types[Lead], object_id__in=[lead.pk for lead in leads])
        | Q(content_type=types[Referral], object_id__in=list(referral_leads))
    )
    now, clocks = timezone.now(), {}
    for deadline in running.select_related("rule").order_by("-due_at"):
        is_lead = deadline.content_type_id == types[Lead].pk
        lead_id = deadline.object_id if is_lead else referral_leads[deadline.object_id]
        clocks[lead_id] = clock_view(deadline, now=now)  # the earliest comes last and stays
    return clocks


def _last_referral(field):
    """The latest referral's `field`, for the list's state column."""
    return Subquery(
        Referral.objects.filter(lead=OuterRef("pk")).order_by("-sent_at", "-pk").values(field)[:1]
    )


def _parse_after(after: str | None):
    if not after or "_" not in after:
        return None
    stamp, _, pk = after.rpartition("_")
    moment = parse_datetime(stamp)
    return (moment, int(pk)) if moment and pk.isdigit() else None


def _filtered(leads, data):
    if state := data["state"]:
        if state.startswith(LEAD_PREFIX):
            leads = leads.filter(state=state.removeprefix(LEAD_PREFIX))
        else:
            state = state.removeprefix(REFERRAL_PREFIX)
            leads = leads.filter(Exists(Referral.objects.filter(lead=OuterRef("pk"), state=state)))
    if agency := data["agency"]:
        leads = leads.filter(
            Q(agency=agency) | Exists(Referral.objects.filter(lead=OuterRef("pk"), receiver=agency))
        )
    if data["source"]:
        leads = leads.filter(source=data["source"])
    if data["category"]:
        leads = leads.filter(project__category=data["category"])
    if data["overdue"]:
        types = ContentType.objects.get_for_models(Lead, Referral)
        overdue = Deadline.objects.filter(state=Deadline.State.OVERDUE)
        leads = leads.filter(
            Exists(overdue.filter(content_type=types[Lead], object_id=OuterRef("pk")))
            | Exists(
                overdue.filter(
                    content_type=types[Referral],
                    object_id__in=Referral.objects.filter(lead=OuterRef(OuterRef("pk"))).values("pk"),
                )
            )
        )
    if data["date_from"]:
        leads = leads.filter(discovered_on__gte=data["date_from"])
    if data["date_to"]:
        leads = leads.filter(discovered_on__lte=data["date_to"])
    if text := data["q"].strip():
        leads = leads.filter(
            Q(project__name__icontains=text) | Q(project__code__icontains=text) | Q(facts__icontains=text)
        )
    return leads
