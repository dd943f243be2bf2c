"""Memos issued before documents had a distribution list: each is sent to the agencies it has a part for, so that
every member agency reads the numbered memo itself (宣恩 二、(五)2: 印发至各监督部门)."""

from django.db import migrations


def distribute(apps, schema_editor):
    Memo = apps.get_model("credit", "Memo")
    for memo in Memo.objects.exclude(document=None).prefetch_related("executions"):
        memo.document.distribution.add(*{part.agency_id for part in memo.executions.all()})


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0004_act_references_normalised"),
        ("documents", "0003_document_distribution"),
    ]

    operations = [migrations.RunPython(distribute, migrations.RunPython.noop)]
