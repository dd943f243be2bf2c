"""Existing records' act numbers in the form credit.workflows.records.act_reference gives new ones, so that a fine
entered from now on meets an earlier one typed otherwise (一事不二罚). A record whose normalised number would
collide with another fine for the same entity and act (a double fine that got in before) keeps its number as
typed: the administrators resolve it (revoke one), this migration does not choose."""

from django.db import IntegrityError, migrations, transaction

from credit.workflows import act_reference


def normalise(apps, schema_editor):
    CreditRecord = apps.get_model("credit", "CreditRecord")
    for record in CreditRecord.objects.only("pk", "act").iterator():
        act = act_reference(record.act)
        if act == record.act:
            continue
        try:
            with transaction.atomic():
                CreditRecord.objects.filter(pk=record.pk).update(act=act)
        except IntegrityError:
            pass  # a double fine from before: left for the administrators, see the docstring


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_memo_execution_rule")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
