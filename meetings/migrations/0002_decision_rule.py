"""The deadline rule of a decision's clock (J1 议定事项限期办结). Rules are data (deadlines/migrations/0002); this
one's duration is a placeholder: each assignment's clock counts the working days to the due date the minutes set
(meetings.workflows.meeting_record_minutes)."""

from django.db import migrations

XUANEN = "宣恩县公共资源交易联动监督管理实施方案（宣公管委〔2020〕5号）"


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="J1",
        defaults={
            "name": "议定事项限期落实：按联席会议纪要确定的时限落实议定事项",
            "duration": 10,
            "unit": "working_days",
            "trigger_verb": "印发会议纪要",
            "acting_side": "agency",
            "legal_source": (
                f"{XUANEN}二（一）（各成员单位认真落实联席会议议定事项，联席会议办公室负责督促检查）；"
                "时限由会议纪要确定"
            ),
        },
    )


def unseed(apps, schema_editor):
    # A rule with clocks is kept (PROTECT); an unused one goes.
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.filter(code="J1", deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_joint_meetings"),
        ("deadlines", "0003_confidential"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
