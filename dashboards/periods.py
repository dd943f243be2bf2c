"""The period a board or a statistics table covers: a month, a quarter, a year or any range of days, in China's
calendar days."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from config.forms import PortalForm
from deadlines.due import LEGAL_TZ, end_of


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def first_instant(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LEGAL_TZ)

    @property
    def last_instant(self) -> datetime:
        return end_of(self.end)

    def query(self) -> str:
        """The period as URL parameters for the lists behind the figures."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


def month_of(day: date) -> Period:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(day.replace(day=1), following - timedelta(days=1))


PRESETS = {
    "month": _("This month"),
    "last_month": _("Last month"),
    "quarter": _("This quarter"),
    "year": _("This year"),
}


def preset(name: str, today: date) -> Period:
    if name == "last_month":
        return month_of(today.replace(day=1) - timedelta(days=1))
    if name == "quarter":
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return Period(first, month_of(first.replace(month=first.month + 2)).end)
    if name == "year":
        return Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    return month_of(today)


# No figure is older than the portal, and none falls due years ahead. The bound also keeps a period's first and last
# instants within what datetime holds: 0001-01-01 in China's time is before datetime.min in UTC, the end of
# 9999-12-31 is in year 10000.
FIRST_YEAR = 2000


class PeriodForm(PortalForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        last_year = timezone.localdate(timezone.now(), LEGAL_TZ).year + 1
        for name in ("start", "end"):
            if data.get(name) and not FIRST_YEAR <= data[name].year <= last_year:
                message = _("The period must lie within the years %(first)s to %(last)s: choose other dates.")
                self.add_error(
                    name,
                    forms.ValidationError(
                        message % {"first": FIRST_YEAR, "last": last_year}, code="year_out_of_range"
                    ),
                )
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and (end - start).days > 366 * 3:
            self.add_error("end", _("Choose a period of at most three years."))
        return data


def period_from(request, today: date) -> tuple[Period, PeriodForm]:
    """The period asked for in the query string (start and end, or a preset), this month when none or invalid."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["start"] and form.cleaned_data["end"]:
        return Period(form.cleaned_data["start"], form.cleaned_data["end"]), form
    period = preset(request.GET.get("preset", "month"), today)
    if not form.is_bound or form.is_valid():
        form = PeriodForm(initial={"start": period.start, "end": period.end})
    return period, form


def ended_months(today: date, count: int = 12) -> list[date]:
    """The first days of the last `count` months that have ended, the latest first."""
    months, day = [], today.replace(day=1)
    while len(months) < count:
        day = (day - timedelta(days=1)).replace(day=1)
        months.append(day)
    return months


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("Choose a month, e.g. 2026-10."), "required": _("Choose a month.")},
    )
