"""The clocks of notices issued before deadline_start(until=…) counted working days to the target date, and a
calendar change moved them: count them in days to that date instead (their due time stays as it is)."""

from django.db import migrations

from deadlines.due import LEGAL_TZ


def to_their_date(apps, schema_editor):
    SupervisionNotice = apps.get_model("dashboards", "SupervisionNotice")
    Deadline = apps.get_model("deadlines", "Deadline")
    for notice in SupervisionNotice.objects.exclude(clock=None).select_related("clock"):
        clock = notice.clock
        if clock.unit == "working_days":
            days = (notice.target_date - clock.triggered_at.astimezone(LEGAL_TZ).date()).days
            Deadline.objects.filter(pk=clock.pk).update(unit="calendar_days", duration=days)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_supervision_rule"),
        ("deadlines", "0005_running_index_covers_the_board"),
    ]

    operations = [migrations.RunPython(to_their_date, migrations.RunPython.noop)]
