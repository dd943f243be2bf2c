"""The deadline rule of a member agency's part of a joint punishment memo (M1 联合惩戒备忘录签收执行). Rules are data
(deadlines/migrations/0002); neither seed document fixes the period, so 10 working days is a placeholder for the
administrators to set in the deadline rules (credit.workflows.memo_issue starts one clock per member agency)."""

from django.db import migrations

XUANEN = "宣恩县公共资源交易联动监督管理实施方案（宣公管委〔2020〕5号）"


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.get_or_create(
        code="M1",
        defaults={
            "name": "联合惩戒备忘录：签收并反馈执行情况",
            "duration": 10,
            "unit": "working_days",
            "trigger_verb": "印发备忘录",
            "acting_side": "receiver",
            "legal_source": (
                f"{XUANEN}二、（五）2（县政务局发布联合惩戒备忘录并印发至各监督部门后共同执行）；"
                "期限为暂定值，由管理员按本地规定调整"
            ),
        },
    )


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    DeadlineRule.objects.filter(code="M1", deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0002_credit_records_and_memos"),
        ("deadlines", "0005_running_index_covers_the_board"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
