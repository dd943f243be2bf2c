"""Audit events are append-only in the database too: triggers refuse to update, delete or truncate them.

PostgreSQL: one statement-level trigger function for UPDATE, DELETE and TRUNCATE. TRUNCATE alone yields to the
session setting audit.allow_truncate = on, and only in a database named test_… (Django's throwaway test databases,
which turn it on)
(audit/protection.py, docs/adr/0007-audit-log.md). SQLite has no TRUNCATE; BEFORE UPDATE and BEFORE DELETE
triggers abort. Inserting stays open: audit.services.audit_record appends.
"""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Any session may SET the flag, so it counts only in a throwaway test database (test_<name>).
        IF TG_OP = 'TRUNCATE' AND current_setting('audit.allow_truncate', true) = 'on'
           AND current_database() LIKE 'test!_%' ESCAPE '!' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % of % refused', TG_OP, TG_TABLE_NAME
            USING HINT = 'See docs/adr/0007-audit-log.md.';
    END;
    $$
    """,
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    "DROP TRIGGER audit_event_no_delete ON audit_auditevent",
    "DROP TRIGGER audit_event_no_update ON audit_auditevent",
    "DROP FUNCTION audit_event_refuse_change()",
]
SQLITE = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE of audit_auditevent refused'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE of audit_auditevent refused'); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_event_no_delete",
    "DROP TRIGGER audit_event_no_update",
]
STATEMENTS = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE), "sqlite": (SQLITE, SQLITE_REVERSE)}


def create_triggers(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
