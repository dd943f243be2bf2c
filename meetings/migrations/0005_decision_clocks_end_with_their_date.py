"""The clocks of decisions recorded before deadline_start(until=…) counted working days to the due date in the
minutes, and a calendar change moved them: count them in days to that date instead (their due time stays)."""

from django.db import migrations

from deadlines.due import LEGAL_TZ


def to_their_date(apps, schema_editor):
    Assignment = apps.get_model("meetings", "Assignment")
    Deadline = apps.get_model("deadlines", "Deadline")
    for assignment in Assignment.objects.exclude(clock=None).select_related("clock", "decision"):
        clock = assignment.clock
        if clock.unit == "working_days":
            days = (assignment.decision.due_date - clock.triggered_at.astimezone(LEGAL_TZ).date()).days
            Deadline.objects.filter(pk=clock.pk).update(unit="calendar_days", duration=days)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_agenda_item_revision"),
        ("deadlines", "0005_running_index_covers_the_board"),
    ]

    operations = [migrations.RunPython(to_their_date, migrations.RunPython.noop)]
