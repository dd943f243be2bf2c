"""The case list: its filters and its keyset pages.

A page is the next PAGE_SIZE leads after the last one shown, newest first by (created_at, id): the query reads
the index from where the previous page ended, so page 500 is as quick as page 1 (an OFFSET would read and drop
everything before it).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.querysets import member_agency_ids, supervised_region_ids
from config.forms import PortalForm
from deadlines.board import clock_view
from deadlines.models import Deadline

from .clocks import case_types, of_cases
from .forms import DateInput
from .models import Lead, Referral, TradingProject

PAGE_SIZE = 50
URL_SENTINEL = 987654321987654321  # stands for a lead's id in the one URL reversed per page
EPOCH, MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)
LEAD_PREFIX, REFERRAL_PREFIX = "lead:", "referral:"


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
    referrals = Referral.objects.visible_to(user)  # a lead's referrals to others are not all mine to see
    if form.is_bound:
        # Invalid filters list nothing (the form says what is wrong) rather than everything.
        leads = _filtered(leads, referrals, form.cleaned_data) if form.is_valid() else leads.none()
    if keyset := _parse_after(after):
        created_at, pk = keyset
        leads = leads.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(leads.select_related("project", "agency").order_by("-created_at", "-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    # The page's visible referrals in one narrow query, newest first per lead: the latest gives the state column,
    # all of them the clocks.
    page_referrals = list(
        referrals.filter(lead__in=rows)
        .order_by("lead_id", "-sent_at", "-pk")
        .values_list("pk", "lead_id", "state", "receiver__name")
    )
    latest = {}
    for _pk, lead_id, state, receiver in page_referrals:
        latest.setdefault(lead_id, (state, receiver))
    labels = dict(Referral.State.choices)
    clocks = _most_pressing_clocks(rows, {pk: lead_id for pk, lead_id, _state, _receiver in page_referrals})
    url = reverse("cases:lead", args=[URL_SENTINEL])
    for row in rows:
        row.last_referral_state, row.last_receiver = latest.get(row.pk, ("", ""))
        row.last_referral_label = labels.get(row.last_referral_state, "")
        row.clock = clocks.get(row.pk)
        row.url = url.replace(str(URL_SENTINEL), str(row.pk))  # one reverse() a page, not one a row
    next_after = f"{(rows[-1].created_at - EPOCH) // MICROSECOND}.{rows[-1].pk}" if more else None
    return CasePage(rows, next_after)


def _most_pressing_clocks(leads, referral_leads: dict) -> dict:
    """lead id → the running clock of the lead or its visible referrals (`referral_leads`: referral id → lead id)
    that falls due first, a paused one only when nothing else runs. Two narrow queries: the candidates are compared
    as plain rows, and only the chosen clocks (one per lead at most) are loaded as objects."""
    lead_type = case_types()[Lead].pk
    running = Deadline.objects.running().filter(of_cases([lead.pk for lead in leads], referral_leads))
    best = {}  # lead id → (preference, deadline id)
    for pk, content_type_id, object_id, state, due_at in running.values_list(
        "pk", "content_type_id", "object_id", "state", "due_at"
    ):
        lead_id = object_id if content_type_id == lead_type else referral_leads[object_id]
        preference = (state == Deadline.State.PAUSED, due_at)
        if lead_id not in best or preference < best[lead_id][0]:
            best[lead_id] = (preference, pk)
    chosen = Deadline.objects.select_related("rule").in_bulk([pk for _preference, pk in best.values()])
    now = timezone.now()
    return {lead_id: clock_view(chosen[pk], now=now) for lead_id, (_preference, pk) in best.items()}


def _last_referral(referrals, field):
    """The latest visible referral's `field`: the list's state column, and what the referral-state filter matches."""
    return Subquery(referrals.filter(lead=OuterRef("pk")).order_by("-sent_at", "-pk").values(field)[:1])


def _parse_after(after: str | None):
    """The keyset in `after`: microseconds since the epoch and the id of the last lead shown. Anything else (a
    hand-edited or truncated link) starts from the first page."""
    match = re.fullmatch(r"(\d{1,20})\.(\d{1,19})", after or "")
    if not match:
        return None
    try:
        return EPOCH + int(match[1]) * MICROSECOND, int(match[2])
    except OverflowError:
        return None


def _filtered(leads, referrals, data):
    if state := data["state"]:
        if state.startswith(LEAD_PREFIX):
            leads = leads.filter(state=state.removeprefix(LEAD_PREFIX))
        else:
            leads = leads.alias(latest=_last_referral(referrals, "state")).filter(
                latest=state.removeprefix(REFERRAL_PREFIX)
            )
    if agency := data["agency"]:
        leads = leads.filter(
            Q(agency=agency) | Exists(referrals.filter(lead=OuterRef("pk"), receiver=agency))
        )
    if data["source"]:
        leads = leads.filter(source=data["source"])
    if data["category"]:
        leads = leads.filter(project__category=data["category"])
    if data["overdue"]:
        types = case_types()
        overdue = Deadline.objects.filter(state=Deadline.State.OVERDUE)
        leads = leads.filter(
            Exists(overdue.filter(content_type=types[Lead], object_id=OuterRef("pk")))
            | Exists(
                overdue.filter(
                    content_type=types[Referral],
                    object_id__in=referrals.filter(lead=OuterRef(OuterRef("pk"))).values("pk"),
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
