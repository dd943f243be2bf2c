"""Published records keep the publication end they were given when it was counted from the decision: count it again
from the day each was published (ADR 0015, amended 2026-12-07), so that a record published late is listed for its
whole period. An end is only ever lengthened. Records the hourly task already expired stay expired: their validity
has ended too, and bringing them back is an agency's decision, not a migration's."""

import datetime

from django.db import migrations

from deadlines.due import add_months, local_date


def count_from_publication(apps, schema_editor):
    CreditRecord = apps.get_model("credit", "CreditRecord")
    published = CreditRecord.objects.filter(state="published", published_at__isnull=False).select_related(
        "rule"
    )
    for record in published.iterator():
        start = max(record.decided_on, local_date(record.published_at))
        end = add_months(start, record.rule.publication_months) - datetime.timedelta(days=1)
        end = max(end, record.restricted_until or end)
        if end > record.publication_until:
            CreditRecord.objects.filter(pk=record.pk).update(publication_until=end)


class Migration(migrations.Migration):
    dependencies = [("credit", "0008_repair_closed")]

    operations = [migrations.RunPython(count_from_publication, migrations.RunPython.noop)]
