"""The database refuses to change or remove audit events; the admin only shows them."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from audit.protection import protection_gaps
from tests.admin_pages import labels, untranslated
from tests.factories import UserFactory

from .conftest import tampering

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL has TRUNCATE")


@pytest.fixture(autouse=True)
def _english():
    # These tests read the messages in English (the source text); test_verify checks the Chinese wording once.
    with translation.override("en"):
        yield


def refused(sql: str) -> str:
    """Run `sql` in a savepoint and return the database's refusal."""
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(error.value)


def test_update_is_refused(events):
    events(2)
    assert "append-only: UPDATE" in refused("UPDATE audit_auditevent SET payload = '{}' WHERE sequence = 1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(sequence=1).update(action="nothing")
    assert AuditEvent.objects.get(sequence=1).action == "phone_changed"


def test_delete_is_refused(events):
    recorded = events(2)
    assert "append-only: DELETE" in refused("DELETE FROM audit_auditevent WHERE sequence = 2")
    with pytest.raises(DatabaseError), transaction.atomic():
        recorded[1].delete()
    assert AuditEvent.objects.count() == 2


@postgresql_only
def test_truncate_is_refused(events):
    events(2)
    with connection.cursor() as cursor:
        # This test database lets the test runner's flush through (audit/protection.py); a real one does not.
        cursor.execute("SHOW audit.allow_truncate")
        assert cursor.fetchone() == ("on",)
        cursor.execute("SET LOCAL audit.allow_truncate = off")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred foreign-key checks
    assert "append-only: TRUNCATE" in refused("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 2


def test_appending_stays_open(events):
    assert len(events(3)) == 3


def test_all_protecting_triggers_are_in_place(db):
    assert protection_gaps(connection) == []


def test_verify_warns_when_protection_is_off(events, capsys):
    events(1)
    with tampering():
        assert "audit_event_no_update" in protection_gaps(connection)
        with translation.override("en"):
            call_command("verify_audit")
    assert "the trigger audit_event_no_update that protects audit events is missing or disabled" in (
        capsys.readouterr().err
    )


def test_the_admin_shows_events_read_only(events, client):
    events(1)
    event = AuditEvent.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    # In Chinese, as every page is (the _english fixture above holds for messages, not for requests).
    assert untranslated(page.text) == []
    assert {"对象类型:", "对象编号:"} <= set(labels(page.text))
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
