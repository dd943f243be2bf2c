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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.querysets import memberships_of, supervised_region_ids
from config.forms import PortalForm
from deadlines.board import clock_view
from deadlines.models import Deadline

from .clocks import case_types, of_cases
from .forms import DateInput
from .models import Lead, Referral, TradingProject
from .overdue import has_overdue_clock
from .rows import escaped, rows_html

PAGE_SIZE = 50
URL_SENTINEL = 987654321987654321  # stands for a lead's id in the one URL reversed per page
EPOCH, MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)
LEAD_PREFIX, REFERRAL_PREFIX = "lead:", "referral:"


class ListSelect(forms.Select):
    """Django's select with its options written in Python, in the markup of its templates (select.html,
    select_option.html, attrs.html): the list draws four selects with some fifty options on every request, and a
    template include per option cost more than its fifty rows' clocks (tests/cases/test_case_list.py compares the
    two). Each value is one `escaped`, as in the rows."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = ['<select name="', escaped(widget["name"]), '"', _attributes(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts += ['\n  <optgroup label="', escaped(group_name), '">']
            for option in options:
                parts += [
                    '\n  <option value="',
                    escaped(option["value"]),
                    '"',
                    _attributes(option["attrs"]),
                    ">",
                    escaped(option["label"]),
                    "</option>\n",  # the option template's last line end
                ]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        # Every piece is a constant or went through escaped.
        return mark_safe("".join(parts))  # noqa: S308


def _attributes(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class CaseFilterForm(PortalForm):
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        widget=ListSelect,
        choices=[
            ("", _("Any state")),
            (_("Lead"), [(LEAD_PREFIX + value, label) for value, label in Lead.State.choices]),
            (_("Referral"), [(REFERRAL_PREFIX + value, label) for value, label in Referral.State.choices]),
        ],
    )
    # An agency id: its choices are read in one plain query (a ModelChoiceField iterates its queryset through a
    # server-side cursor: three round trips a page) and a chosen one needs no query of its own.
    agency = forms.TypedChoiceField(
        label=_("agency"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    source = forms.ChoiceField(
        label=_("source"),
        required=False,
        choices=[("", _("Any source")), *Lead.Source.choices],
        widget=ListSelect,
    )
    category = forms.ChoiceField(
        label=_("category"),
        required=False,
        choices=[("", _("Any category")), *TradingProject.Category.choices],
        widget=ListSelect,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    date_from = forms.DateField(label=_("Found from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Agencies the user's cases can involve: every agency of the regions the user works in or supervises
        # (a case of mine may have been referred to any of them; agencies' names are public anyway).
        regions = {
            region for _agency, _role, _active, region in memberships_of(user)
        } | supervised_region_ids(user)
        self.fields["agency"].choices = [
            ("", _("Any agency")),
            *Agency.objects.active().filter(region_id__in=regions).in_kind_order().values_list("pk", "name"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@dataclass
class CasePage:
    rows: list[dict]  # one dict a lead, everything its row shows (see case_page)
    next_after: str | None  # the keyset of the next page, None on the last

    def rows_html(self):
        return rows_html(self.rows)


# What a row needs of its lead, read as plain values: a page builds no Lead, project or agency objects.
ROW_FIELDS = (
    "pk",
    "created_at",
    "source",
    "state",
    "needs_designation",
    "discovered_on",
    "agency_id",
    "agency__region_id",
    "agency__name",
    "project__name",
    "project__category",
)


def labels(choices) -> dict:
    """value → label of `choices`, translated once for the page (a row's get_FOO_display would build and hash the
    whole set of lazy labels again for every row)."""
    return {value: str(label) for value, label in choices.choices}


def case_page(form: CaseFilterForm, user, *, after: str | None, size: int = PAGE_SIZE) -> CasePage:
    """The leads the filters select that `user` may see, `size` of them after the keyset `after`, as the rows
    of the list: project, category, source, agency, state, latest visible referral, most pressing clock."""
    leads = Lead.objects.visible_to(user)
    if form.is_bound:
        # Invalid filters list nothing (the form says what is wrong) rather than everything. A lead's referrals
        # to others are not all mine to see: the referral filters look at the visible ones.
        leads = (
            _filtered(leads, Referral.objects.visible_to(user), form.cleaned_data)
            if form.is_valid()
            else leads.none()
        )
    if keyset := _parse_after(after):
        created_at, pk = keyset
        leads = leads.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(leads.order_by("-created_at", "-pk").values(*ROW_FIELDS)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    lead_ids = [row["pk"] for row in rows]
    # The page's visible referrals in one narrow query, newest first per lead: the latest gives the state column,
    # all of them the clocks.
    page_referrals = list(
        Referral.objects.of_leads_visible_to(
            user, [(row["pk"], row["agency_id"], row["agency__region_id"]) for row in rows]
        )
        .order_by("lead_id", "-sent_at", "-pk")
        .values_list("pk", "lead_id", "state", "receiver__name")
    )
    latest = {}
    for _pk, lead_id, state, receiver in page_referrals:
        latest.setdefault(lead_id, (state, receiver))
    clocks = _most_pressing_clocks(
        lead_ids, {pk: lead_id for pk, lead_id, _state, _receiver in page_referrals}
    )
    sources, categories = labels(Lead.Source), labels(TradingProject.Category)
    states, referral_states, clock_states = labels(Lead.State), labels(Referral.State), labels(Deadline.State)
    url = reverse("cases:lead", args=[URL_SENTINEL])
    for row in rows:
        row["url"] = url.replace(str(URL_SENTINEL), str(row["pk"]))  # one reverse() a page, not one a row
        row["source_label"] = sources.get(row["source"], row["source"])
        row["category_label"] = categories.get(row["project__category"], row["project__category"])
        row["state_label"] = states.get(row["state"], row["state"])
        row["found_on"] = row["discovered_on"].isoformat()  # Y-m-d, without the date filter's formatter a row
        referral_state, row["last_receiver"] = latest.get(row["pk"], ("", ""))
        row["last_referral_state"] = referral_state
        row["last_referral_label"] = referral_states.get(referral_state, referral_state)
        if clock := clocks.get(row["pk"]):
            # The badge's words and colour, built here rather than by an included template a row.
            row["clock"] = {
                "label": clock.label,
                "urgency": clock.urgency,
                "state": clock_states[clock.deadline.state],
                "rule": clock.deadline.rule__code,
            }
    next_after = f"{(rows[-1]['created_at'] - EPOCH) // MICROSECOND}.{rows[-1]['pk']}" if more else None
    return CasePage(rows, next_after)


EXPORT_HEADERS = (
    _("Case number"),
    _("Trading project"),
    _("category"),
    _("source"),
    _("Agency"),
    _("State"),
    _("Latest referral"),
    _("Receiver"),
    _("Most pressing clock"),
    _("found or received on"),
    _("needs a competent agency designated"),
)


def case_rows(form: CaseFilterForm, user, *, chunk: int = 1000):
    """Every lead the list's filters select, as the rows of a download: the list's own pages, `chunk` leads a page
    (a handful of queries each), so memory stays flat however many there are."""
    after = None
    while True:
        page = case_page(form, user, after=after, size=chunk)
        for row in page.rows:
            clock = row.get("clock")
            yield (
                row["pk"],
                row["project__name"],
                row["category_label"],
                row["source_label"],
                row["agency__name"],
                row["state_label"],
                row["last_referral_label"],
                row["last_receiver"],
                f"{clock['rule']} {clock['label']}" if clock else "",
                row["discovered_on"],
                "是" if row["needs_designation"] else "",
            )
        if page.next_after is None:
            return
        after = page.next_after


def _most_pressing_clocks(lead_ids: list[int], referral_leads: dict) -> dict:
    """lead id → the running clock of the lead or its visible referrals (`referral_leads`: referral id → lead id)
    that falls due first, a paused one only when nothing else runs. One query, of the few columns a badge needs."""
    lead_type = case_types()[Lead].pk
    # Rows of the columns clock_view reads, not Deadline objects (building fifty models with their state
    # tracking cost more than the query), and the rule's code only.
    running = (
        Deadline.objects.running()
        .filter(of_cases(lead_ids, referral_leads))
        .order_by()
        .values_list(
            "pk",
            "content_type_id",
            "object_id",
            "state",
            "due_at",
            "met_at",
            "unit",
            "calendar_id",
            "rule__code",
            named=True,
        )
    )
    best = {}  # lead id → (preference, deadline)
    for deadline in running:
        if deadline.content_type_id == lead_type:
            lead_id = deadline.object_id
        else:
            lead_id = referral_leads[deadline.object_id]
        preference = (deadline.state == Deadline.State.PAUSED, deadline.due_at, deadline.pk)
        if lead_id not in best or preference < best[lead_id][0]:
            best[lead_id] = (preference, deadline)
    now = timezone.now()
    return {lead_id: clock_view(deadline, now=now) for lead_id, (_preference, deadline) in best.items()}


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
        # The mark (cases/overdue.py) narrows the walk to the overdue leads (a partial index, newest first); the
        # clocks themselves decide, counting only the referrals the user may see.
        leads = leads.filter(overdue=True).filter(has_overdue_clock(referrals))
    if data["date_from"]:
        leads = leads.filter(discovered_on__gte=data["date_from"])
    if data["date_to"]:
        leads = leads.filter(discovered_on__lte=data["date_to"])
    if text := data["q"].strip():
        leads = leads.filter(
            Q(project__name__icontains=text) | Q(project__code__icontains=text) | Q(facts__icontains=text)
        )
    return leads
