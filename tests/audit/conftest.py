from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Checkpoints of each test go to a directory of its own."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def events(insider, agency):
    """Ten events about `agency`, each recorded with a change in the same transaction, by the insider."""

    def record(count=10):
        for number in range(count):
            with transaction.atomic():
                agency.complaint_phone = f"0718-{number:07d}"
                agency.save(update_fields=["complaint_phone"])
                audit_record(
                    actor=insider,
                    action="phone_changed",
                    obj=agency,
                    agency=agency,
                    from_state="old",
                    to_state="new",
                    payload={"phone": agency.complaint_phone, "number": number},
                )
        return list(AuditEvent.objects.order_by("sequence"))

    return record


@contextmanager
def tampering():
    """Switch the table's protecting triggers off, as someone with the table owner's rights could, and back on.

    Inside a test's transaction: the change is rolled back with the test even if the test fails half-way.
    """
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while deferred foreign-key checks are pending: run them as each statement ends.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield cursor
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
            yield cursor
            for _name, sql in triggers:
                cursor.execute(sql)
