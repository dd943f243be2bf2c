"""The database's refusal to change audit events (triggers from migration 0002), and its one exception.

PostgreSQL refuses UPDATE, DELETE and TRUNCATE of audit_auditevent; SQLite refuses UPDATE and DELETE (it has no
TRUNCATE). TRUNCATE alone yields to the session setting `audit.allow_truncate = on`, and only Django's throwaway
test databases turn it on: the test runner empties every table with one TRUNCATE after each transactional test
(docs/adr/0007-audit-log.md). A production `manage.py flush` is refused as a whole.
"""

from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from .models import AuditEvent

TRIGGERS = {
    "postgresql": {"audit_event_no_update", "audit_event_no_delete", "audit_event_no_truncate"},
    "sqlite": {"audit_event_no_update", "audit_event_no_delete"},
}


def truncate_allow_in_test_database(sender, connection, **kwargs):
    """On each new connection to a test database (test_<NAME>, created and dropped by the test runner), let the
    runner's flush truncate the audit table. Connected to `connection_created` in AuditConfig.ready()."""
    name = connection.settings_dict["NAME"] or ""  # None: the server's maintenance connection
    if connection.vendor == "postgresql" and name.startswith(TEST_DATABASE_PREFIX):
        with connection.cursor() as cursor:
            cursor.execute("SET audit.allow_truncate = on")


def protection_gaps(connection) -> list[str]:
    """Return the protecting triggers that are missing or disabled (none when all is well).

    A later migration that rebuilds the table on SQLite drops its triggers with it; a disabled trigger on
    PostgreSQL is how someone with the table owner's rights edits events. verify_audit reports both.
    """
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                # 'O' fires in ordinary sessions, 'A' always; 'D' (disabled) and 'R' (replica only) do not.
                "AND tgenabled IN ('O', 'A')",
                [table],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        working = {name for (name,) in cursor.fetchall()}
    return sorted(TRIGGERS.get(connection.vendor, set()) - working)
