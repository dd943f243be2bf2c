"""The deadline rule of a supervision notice's own clock (S1 督办限期). Rules are data (deadlines/migrations/0002); this
one is the supervisor's: its duration is a placeholder, each notice's clock counts the working days to the target
date chosen (dashboards.notices.notice_issue)."""

from django.db import migrations

XUANEN = "宣恩县公共资源交易联动监督管理实施方案（宣公管委〔2020〕5号）"


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="S1",
        defaults={
            "name": "督办限期：按督办通知要求限期办结督办事项",
            "duration": 5,
            "unit": "working_days",
            "trigger_verb": "下发督办通知",
            "acting_side": "receiver",
            "legal_source": (
                f"{XUANEN}一（管理委员会组织、协调、监督、检查联动监督管理工作，政务局具体负责落实和统筹协调）；"
                "期限由督办人在督办通知中确定"
            ),
        },
    )


def unseed(apps, schema_editor):
    # A rule with clocks is kept (PROTECT); an unused one goes.
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.filter(code="S1", deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_supervision_notice"),
        ("deadlines", "0003_confidential"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
