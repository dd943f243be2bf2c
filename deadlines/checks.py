from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.database)
def unpublished_years(app_configs, databases=None, **kwargs):
    """Warn when this year or next has no published holiday schedule: its deadlines are provisional."""
    if not databases:
        return []
    from . import workdays

    try:
        missing = workdays.unpublished_years(timezone.localdate())
    except DatabaseError:  # before the first migration the tables do not exist yet
        return []
    return [
        Warning(
            f"The {year} holiday schedule is not published: deadlines in {year} count weekends only and are "
            "provisional.",
            hint=f"Import it: python manage.py workcalendar import {year}.csv (header date,kind,name), or enter the "
            "days in the admin and publish the year.",
            id="deadlines.W001",
        )
        for year in missing
    ]
