import calendar as month_calendar
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import workdays
from .calendar import (
    CalendarError,
    calendar_day_delete,
    calendar_day_save,
    calendar_year_publish,
    check_publishable,
)
from .models import CalendarDay, CalendarYear, Deadline, DeadlineEvent, DeadlineRule, WorkCalendar

# The years the year view can show: it counts from the last day of the year before, and its weeks run into the
# year after, neither of which a date has outside 1-9999.
FIRST_YEAR, LAST_YEAR = date.min.year + 1, date.max.year - 1


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "parent", "year_view"]
    readonly_fields = ["version"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a calendar under another parent would silently change running clocks' days: fixed once created.
        return ["version", "code", "region", "parent"] if obj else ["version"]

    @admin.display(description=_("year view"))
    def year_view(self, obj):
        year = timezone.localdate().year
        links = [
            format_html(
                '<a href="{}">{}</a>', reverse("admin:deadlines_workcalendar_year", args=[obj.pk, y]), y
            )
            for y in (year - 1, year, year + 1)
        ]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def get_urls(self):
        view = self.admin_site.admin_view(self.year_view_page)
        return [
            path("<int:pk>/year/<int:year>/", view, name="deadlines_workcalendar_year"),
            *super().get_urls(),
        ]

    def year_view_page(self, request, pk, year):
        """Twelve months of a calendar: holidays red, make-up working days blue, weekends grey."""
        calendar = get_object_or_404(WorkCalendar, pk=pk)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404("No calendar for that year.")
        months = []
        for month in range(1, 13):
            weeks = []
            for week in month_calendar.Calendar().monthdatescalendar(year, month):
                cells = []
                for day in week:
                    if day.month != month:
                        cells.append(None)
                        continue
                    exception = workdays.day_name(day, calendar=calendar)
                    kind = exception[0] if exception else ("weekend" if day.weekday() >= 5 else "workday")
                    cells.append({"day": day, "kind": kind, "name": exception[1] if exception else ""})
                weeks.append(cells)
            months.append({"number": month, "weeks": weeks})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{calendar} · {year}",
            "calendar": calendar,
            "year": year,
            # No link to a year the view cannot show.
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
            "months": months,
            "published": CalendarYear.objects.filter(calendar=calendar.root(), year=year).first(),
            "working_days": workdays.working_days_between(
                date(year - 1, 12, 31), date(year, 12, 31), calendar=calendar
            ),
        }
        return TemplateResponse(request, "admin/deadlines/calendar_year.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "calendar"]

    def get_readonly_fields(self, request, obj=None):
        # A day stays in its calendar: moving it would change two calendars with one save.
        return ["calendar"] if obj else []

    list_filter = ["calendar", "kind"]
    date_hierarchy = "date"
    search_fields = ["name"]

    # Edits go through the calendar service so that running deadlines are recomputed.
    def save_model(self, request, obj, form, change):
        moved = calendar_day_save(actor=request.user, day=obj)
        messages.info(request, _("%(count)d running deadlines were recomputed.") % {"count": moved})

    def delete_model(self, request, obj):
        moved = calendar_day_delete(actor=request.user, day=obj)
        messages.info(request, _("%(count)d running deadlines were recomputed.") % {"count": moved})

    def delete_queryset(self, request, queryset):
        for day in queryset:
            self.delete_model(request, day)


class PublishYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["calendar", "year", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the national calendar publishes years (ADR 0006); check_publishable says so to any other. A
        # published year's page is read-only: the admin builds this form without its fields then.
        if "calendar" in self.fields:
            self.fields["calendar"].queryset = WorkCalendar.objects.filter(parent__isnull=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("calendar") and cleaned.get("year"):
            try:
                check_publishable(calendar=cleaned["calendar"], year=cleaned["year"])
            except CalendarError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = PublishYearForm
    list_display = ["year", "calendar", "published_at", "published_by", "source"]
    list_filter = ["calendar"]
    readonly_fields = ["published_at", "published_by"]

    def save_model(self, request, obj, form, change):
        moved = calendar_year_publish(
            actor=request.user, calendar=obj.calendar, year=obj.year, source=obj.source or "admin"
        )
        messages.info(request, _("%(count)d running deadlines were recomputed.") % {"count": moved})

    # Adding a row publishes a year; a publication is not edited or withdrawn here (it would silently move clocks).
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "duration", "unit", "acting_side", "is_active"]
    list_filter = ["unit", "acting_side", "is_active"]
    search_fields = ["code", "name", "legal_source"]


class DeadlineEventInline(admin.TabularInline):
    model = DeadlineEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "step", "old_due_at", "new_due_at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: clocks change only through deadlines/clocks.py and the sweep."""

    list_display = ["rule", "agency", "state", "triggered_at", "due_at", "provisional"]
    list_filter = ["state", "provisional", "rule", "agency__region"]
    list_select_related = ["rule", "agency"]
    inlines = [DeadlineEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
