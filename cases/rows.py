"""The case list's table rows, written in Python: fifty rows of a dozen values each cost the template engine more
than everything else on the page (a variable's lookup, localisation and escaping is some forty calls, Django's
format_html about twenty a value; here a value is one html.escape). The markup is what
templates/cases/case_list.html wrote before (ADR 0011), with the source, agency and date cells hidden below Bootstrap's
md breakpoint as the table's header hides them."""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

ROW = (
    '<tr><td><a href="{url}">{project}</a><div class="small text-secondary">{category}</div></td>'
    '<td class="small d-none d-md-table-cell">{source}</td>'
    '<td class="d-none d-md-table-cell">{agency}{receiver}</td>'
    '<td><span class="badge text-bg-secondary">{state}</span>{referral}{designation}</td>'
    "<td>{clock}</td>"
    '<td class="text-nowrap small d-none d-md-table-cell">{found_on}</td></tr>\n'
)
RECEIVER = '<div class="small text-secondary">→ {}</div>'
REFERRAL = ' <span class="badge text-bg-info">{}</span>'
DESIGNATION = ' <span class="badge text-bg-danger">{}</span>'
CLOCK = '<span class="clock-badge text-bg-{}" title="{}">{}</span><div class="small text-secondary">{}</div>'


def rows_html(rows: list[dict]) -> SafeString:
    """The rows of cases.filters.case_page as <tr> elements. Every value goes through `escaped`, so the markup
    above is the only thing not escaped."""
    designation = DESIGNATION.format(escaped(gettext("needs a competent agency designated")))
    return mark_safe("".join(_row(row, designation) for row in rows))  # noqa: S308 - every value escaped


def _row(row: dict, designation: str) -> str:
    clock = row.get("clock")
    return ROW.format(
        url=escaped(row["url"]),
        project=escaped(row["project__name"]),
        category=escaped(row["category_label"]),
        source=escaped(row["source_label"]),
        agency=escaped(row["agency__name"]),
        receiver=RECEIVER.format(escaped(row["last_receiver"])) if row["last_receiver"] else "",
        state=escaped(row["state_label"]),
        referral=REFERRAL.format(escaped(row["last_referral_label"])) if row["last_referral_label"] else "",
        designation=designation if row["needs_designation"] else "",
        clock=CLOCK.format(*(escaped(clock[key]) for key in ("urgency", "state", "label", "rule")))
        if clock
        else "",
        found_on=escaped(row["found_on"]),
    )


def escaped(value) -> str:
    """A value as the template engine writes it into text or an attribute: & < > " ' escaped, unless it is HTML
    already (a SafeString). What django.utils.html.conditional_escape does, without its lazy-string wrapper and
    SafeString result: a few hundred values a page made those a tenth of the rows' cost."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value), quote=True)
