"""The supervisors' board (督办看板) and the lists behind its figures, with their downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency
from agencies.querysets import member_agency_ids, supervised_region_ids
from cases.models import Referral
from config.exports import FORMATS, export
from config.query_string import query_id
from deadlines.board import AMBER, RED, clock_view
from deadlines.due import local_date
from deadlines.models import Deadline
from documents.services import DocumentError

from . import charts
from .board import BANDS, board
from .lists import (
    BUCKET_LABELS,
    CLOCK_HEADERS,
    PAGE_SIZE,
    ClockFilterForm,
    band_label,
    clock_rows,
    clocks_for,
    decisions_for,
    designations_for,
    what,
)
from .notice_rules import NOTICE_RULE
from .periods import PRESETS, MonthForm, ended_months, period_from
from .reports import monthly_report_issue
from .scope import board_scope
from .statistics import statistics


def scope_or_403(user):
    scope = board_scope(user)
    if scope is None:
        raise PermissionDenied(_("The board is for supervisors (督办) and agency heads."))
    return scope


@login_required
def board_page(request):
    """Every clock of the user's scope at a glance: what is late, what falls due, who keeps time, week by week."""
    scope = scope_or_403(request.user)
    now = timezone.now()
    period, form = period_from(request, local_date(now))
    figures = board(scope, period, now=now)
    tables = _tables(figures)
    if request.GET.get("format") in FORMATS and request.GET.get("table") in tables:
        headers, rows = tables[request.GET["table"]]
        return export(
            rows=rows,
            headers=headers,
            filename=_("supervision board %(start)s to %(end)s") % {"start": period.start, "end": period.end},
            format=request.GET["format"],
        )
    query = request.GET.copy()
    query.pop("format", None)
    clocks_url = reverse("dashboards:clocks")
    return TemplateResponse(
        request,
        "dashboards/board.html",
        {
            "board": figures,
            "form": form,
            "presets": PRESETS,
            "bands": [band_label(band) for band in range(len(BANDS))],
            "open_chart": _open_chart(figures, clocks_url),
            "trend_chart": _trend_chart(figures, clocks_url),
            "clocks_url": clocks_url,
            "table_queries": {name: _with(query, table=name) for name in tables},
            "quiet_agencies": [row for row in figures.agencies if row.quiet],
        },
    )


def _with(query, **values) -> str:
    query = query.copy()
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def _rate(outcome) -> float | None:
    return None if outcome.rate is None else round(outcome.rate * 100, 1)


def _tables(figures) -> dict[str, tuple[list, list]]:
    """The board's tables as headers and rows, for their downloads."""
    agencies = (
        [
            _("Agency"),
            _("Overdue"),
            _("Due today"),
            _("Due on the next working day"),
            _("All running"),
            _("Met in time"),
            _("Met late"),
            _("Overdue, not met"),
            _("On-time rate (%)"),
            _("Returned"),
            _("Forwarded"),
            _("Returned twice"),
        ],
        [
            [
                row.agency.name,
                row.open.overdue,
                row.open.due_today,
                row.open.due_soon,
                row.open.total,
                row.outcome.met_in_time,
                row.outcome.met_late,
                row.outcome.overdue,
                _rate(row.outcome),
                row.returned,
                row.forwarded,
                row.needs_designation,
            ]
            for row in figures.agencies
        ],
    )
    stages = (
        [
            _("Stage"),
            _("Overdue"),
            _("Due today"),
            _("All running"),
            _("On-time rate (%)"),
            _("Average working days"),
        ],
        [
            [
                f"{rule.code} {rule.name}",
                rule.open.overdue,
                rule.open.due_today,
                rule.open.total,
                _rate(rule.outcome),
                None
                if rule.outcome.average_working_days is None
                else round(rule.outcome.average_working_days, 1),
            ]
            for rule in figures.rules
        ],
    )
    late = (
        [_("Agency"), *(band_label(band) for band in range(len(BANDS)))],
        [[row.agency.name, *row.open.late] for row in figures.agencies],
    )
    return {"agencies": agencies, "stages": stages, "late": late}


def _open_chart(figures, clocks_url) -> charts.Chart:
    colours = {
        "overdue": "red",
        "due_today": "amber",
        "due_soon": "amber-light",
        "later": "green",
        "paused": "grey",
    }
    rows = []
    for row in figures.agencies:
        if not row.open.total:
            continue
        rows.append(
            (
                row.agency.short_name or row.agency.name,
                [
                    charts.Segment(
                        getattr(row.open, bucket),
                        colours[bucket],
                        f"{clocks_url}?agency={row.agency.pk}&bucket={bucket}",
                        f"{row.agency.name} · {BUCKET_LABELS[bucket]}: {getattr(row.open, bucket)}",
                    )
                    for bucket in colours
                ],
            )
        )
    return charts.horizontal(_("Running clocks by agency"), rows)


def _trend_chart(figures, clocks_url) -> charts.Chart:
    columns = []
    for week in figures.weeks:
        end = week.start.toordinal() + 6
        period = f"start={week.start.isoformat()}&end={week.start.fromordinal(end).isoformat()}"
        outcome = week.outcome
        note = f"{outcome.rate:.0%}" if outcome.rate is not None else ""
        columns.append(
            (
                f"{week.start.month}/{week.start.day}",
                [
                    charts.Segment(
                        outcome.met_in_time,
                        "green",
                        f"{clocks_url}?outcome=met_in_time&{period}",
                        _("Met in time: %(count)s") % {"count": outcome.met_in_time},
                    ),
                    charts.Segment(
                        outcome.met_late,
                        "amber",
                        f"{clocks_url}?outcome=met_late&{period}",
                        _("Met late: %(count)s") % {"count": outcome.met_late},
                    ),
                    charts.Segment(
                        outcome.overdue,
                        "red",
                        f"{clocks_url}?outcome=overdue&{period}",
                        _("Overdue, not met: %(count)s") % {"count": outcome.overdue},
                    ),
                    charts.Segment(
                        outcome.pending,
                        "grey",
                        f"{clocks_url}?outcome=pending&{period}",
                        _("Running, not yet due: %(count)s") % {"count": outcome.pending},
                    ),
                ],
                note,
            )
        )
    return charts.vertical(_("Clocks falling due each week, and the on-time rate"), columns)


@login_required
def clock_list(request):
    """The clocks behind a figure of the board, a page at a time, or all of them as CSV or XLSX."""
    scope = scope_or_403(request.user)
    # An agency outside the scope is a 404, as on the other lists (not an empty list).
    _agency_in(scope, request.GET.get("agency"))
    now = timezone.now()
    form = ClockFilterForm(request.GET or None, scope=scope)
    data = form.cleaned_data if form.is_valid() else {}
    clocks = clocks_for(scope, data, today=local_date(now)) if form.is_valid() or not form.is_bound else None
    if clocks is None:
        clocks = Deadline.objects.none()
    member_ids = set(member_agency_ids(request.user))
    supervised = supervised_region_ids(request.user)
    if request.GET.get("format") in FORMATS:
        return export(
            rows=clock_rows(clocks, member_ids=member_ids, now=now),
            headers=CLOCK_HEADERS,
            filename=_("clocks"),
            format=request.GET["format"],
        )
    if after := query_id(request.GET.get("after")):
        last = clocks.filter(pk=after).values_list("due_at", flat=True).first()
        if last is not None:
            clocks = clocks.filter(due_at__gte=last).exclude(due_at=last, pk__lte=after)
    rows = list(clocks.select_related("rule", "agency")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("after", None)
    return TemplateResponse(
        request,
        "dashboards/clock_list.html",
        {
            "form": form,
            "rows": [
                (deadline, view, what(deadline, member_ids), _offers_notice(deadline, view, supervised))
                for deadline, view in ((deadline, clock_view(deadline, now=now)) for deadline in rows)
            ],
            "next_after": rows[-1].pk if more else None,
            "query": query.urlencode(),
            "supervises": bool(supervised),
        },
    )


def _offers_notice(deadline, view, supervised_regions) -> bool:
    """Whether the row offers a supervision notice: what dashboards.notice_rules.may_issue says, from facts the
    page has already read (the supervised regions, the row's clock), not two queries a row."""
    return (
        deadline.rule.code != NOTICE_RULE
        and deadline.is_running
        and view.urgency in (RED, AMBER)
        and deadline.agency.region_id in supervised_regions
    )


@login_required
def decision_list(request, state):
    """The referrals returned (or forwarded) by the scope's agencies in the period."""
    if state not in (Referral.State.RETURNED, Referral.State.FORWARDED):
        raise Http404
    scope = scope_or_403(request.user)
    period, form = period_from(request, local_date(timezone.now()))
    agency = _agency_in(scope, request.GET.get("agency"))
    referrals = decisions_for(scope, state=state, agency=agency, period=period)
    if request.GET.get("format") in FORMATS:
        return export(
            rows=(
                (
                    r.lead_id,
                    r.lead.project.name,
                    r.sender.name,
                    r.receiver.name,
                    r.sent_at,
                    r.decided_at,
                    r.return_reasons,
                )
                for r in referrals.iterator(chunk_size=2000)
            ),
            headers=(
                _("Case"),
                _("Trading project"),
                _("Sender"),
                _("Receiver"),
                _("Sent at"),
                _("Decided at"),
                _("Reasons"),
            ),
            filename=_("returned referrals")
            if state == Referral.State.RETURNED
            else _("forwarded referrals"),
            format=request.GET["format"],
        )
    return TemplateResponse(
        request,
        "dashboards/decision_list.html",
        {
            "state": Referral.State(state),
            "page": Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page")),
            "form": form,
            "agency": agency,
            "period": period,
        },
    )


@login_required
def designation_list(request):
    """The scope's leads whose referrals were returned twice (推诿 signals)."""
    scope = scope_or_403(request.user)
    agency = _agency_in(scope, request.GET.get("agency"))
    leads = designations_for(scope, agency)
    if request.GET.get("format") in FORMATS:
        return export(
            rows=(
                (lead.pk, lead.project.name, lead.agency.name, lead.discovered_on)
                for lead in leads.iterator()
            ),
            headers=(_("Case"), _("Trading project"), _("Agency"), _("Found or received on")),
            filename=_("leads to designate"),
            format=request.GET["format"],
        )
    return TemplateResponse(
        request,
        "dashboards/designation_list.html",
        {"page": Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page")), "agency": agency},
    )


def _agency_in(scope, value):
    """The agency of the scope named in the query string, None for all; 404 for one outside the scope."""
    if not value:
        return None
    agency_id = query_id(value)
    if agency_id is None or agency_id not in scope:
        raise Http404
    return get_object_or_404(Agency, pk=agency_id)


@login_required
def statistics_page(request):
    """Per agency and period: referrals received, sent, accepted, returned, forwarded, concluded; clocks met in
    time and late; average working days per stage. Downloads as XLSX or CSV."""
    scope = scope_or_403(request.user)
    period, form = period_from(request, local_date(timezone.now()))
    figures = statistics(scope, period)
    if request.GET.get("format") in FORMATS:
        rows = [[row.agency.name, *row.cells(figures.rules)] for row in figures.rows]
        rows.append([_("Total"), *figures.total.cells(figures.rules)])
        return export(
            rows=rows,
            headers=figures.headers(),
            filename=_("statistics %(start)s to %(end)s") % {"start": period.start, "end": period.end},
            format=request.GET["format"],
        )
    return TemplateResponse(
        request,
        "dashboards/statistics.html",
        {
            "statistics": figures,
            "headers": figures.figure_headers(),
            "rows": [(row.agency, row.cells(figures.rules)) for row in figures.rows],
            "total": figures.total.cells(figures.rules),
            "form": form,
            "presets": PRESETS,
            "query": period.query(),
            "months": ended_months(local_date(timezone.now())),
        },
    )


@login_required
@require_POST
def monthly_report(request):
    """Issue the acting agency's report on a month that has ended (or open the one issued) and show its progress."""
    agency = request.agency or None
    if agency is None:
        raise PermissionDenied(_("You do not belong to any agency."))
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["month"][0])
        return redirect("dashboards:statistics")
    try:
        document = monthly_report_issue(actor=request.user, agency=agency, month=form.cleaned_data["month"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("dashboards:statistics")
    except DocumentError as error:  # the agency has no 机关代字 yet
        messages.error(request, str(error))
        return redirect("dashboards:statistics")
    return redirect("documents:detail", document.pk)
