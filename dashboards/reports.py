"""The monthly report (月度督办通报): the statistics of a month that has ended, as a numbered document of the
reporting agency (a 通知-series document: 宣政务发〔2026〕N号), rendered to PDF by a worker like every document.

The figures are copied into the document when it is issued, so the PDF says what was true that day however the
figures move later. One report per agency and month: asking again opens the one issued.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from cases.permissions import roles_in
from documents.models import Document
from documents.services import document_issue

from .periods import FIRST_YEAR, month_of
from .scope import agency_scope_of
from .statistics import statistics

COLUMNS = 10  # the agency and its nine figures up to the on-time rate; the per-stage averages stay on screen


def report_title(month: date) -> str:
    return f"关于{month.year}年{month.month}月公共资源交易监管事项办理时限情况的通报"


@transaction.atomic
def monthly_report_issue(*, actor, agency: Agency, month: date) -> Document:
    """Issue (or find) the agency's report on `month` (any day of it)."""
    scope = agency_scope_of(agency, roles_in(actor, agency))
    if scope is None:
        raise PermissionDenied(
            _("Monthly reports are issued by a supervisor (督办) or the head of the agency.")
        )
    if month.replace(day=1) >= timezone.localdate().replace(day=1):  # this month, or one to come
        raise ValidationError(
            _("The month has not ended yet: its report can be issued from the first of next month.")
        )
    if month.year < FIRST_YEAR:
        raise ValidationError(
            _("The portal holds no figures before %(first)s: choose a month from then on.")
            % {"first": FIRST_YEAR}
        )
    period = month_of(month)
    Agency.objects.select_for_update().get(
        pk=agency.pk
    )  # two clicks at once: the second finds the first's report
    title = report_title(period.start)
    issued = Document.objects.filter(agency=agency, kind=Document.Kind.CIRCULAR, title=title).first()
    if issued is not None:
        return issued
    figures = statistics(scope, period)
    total = figures.total
    rate = total.outcome.rate
    body = [
        f"现将{period.start.year}年{period.start.month}月"
        f"{'本辖区各单位' if scope.jurisdiction else '本单位'}公共资源交易监管事项办理时限情况通报如下。",
        f"本月到期的法定时限{total.outcome.decided + total.outcome.pending}项，按时办结{total.outcome.met_in_time}项，"
        f"逾期办结{total.outcome.met_late}项，逾期未办结{total.outcome.overdue}项，"
        f"按时办结率{'—' if rate is None else f'{rate:.1%}'}。",
        f"本月收到移送案件{total.received}件，移送出{total.referred}件，受理{total.accepted}件，"
        f"退回{total.returned}件，转送{total.forwarded}件，办结{total.concluded}件。",
    ]
    late = [row for row in figures.rows if row.outcome.late]
    if late:
        names = "、".join(row.agency.name for row in sorted(late, key=lambda row: -row.outcome.late)[:5])
        body.append(f"存在逾期情况的单位：{names}。请相关单位认真分析原因，及时整改，确保按法定时限办结。")
    headers = figures.headers()[:COLUMNS]
    rows = [[row.agency.name, *row.cells(figures.rules)][:COLUMNS] for row in figures.rows]
    rows.append(["合计", *total.cells(figures.rules)][:COLUMNS])
    return document_issue(
        actor=actor,
        agency=agency,
        kind=Document.Kind.CIRCULAR,
        title=title,
        context={
            "recipient": "各成员单位" if scope.jurisdiction else agency.name,
            "body": body,
            "tables": [
                {
                    "title": f"{period.start.year}年{period.start.month}月各单位办理时限情况统计表",
                    "headers": headers,
                    "rows": [["—" if cell is None else cell for cell in row] for row in rows],
                    "figures_from": 1,  # the agency's name, then its counts (right-aligned)
                }
            ],
        },
    )
