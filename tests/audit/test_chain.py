"""audit_record: one chained event per change, in the change's transaction; no change without its event."""

import contextlib
import itertools
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from hashlib import sha256
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import RequestFactory

from agencies.models import Agency
from audit import services
from audit.chain import FIELDS, GENESIS, canonical, payload_text
from audit.models import AuditEvent, AuditHead
from audit.services import audit_record
from audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def test_events_form_a_gapless_chain_from_genesis(events):
    recorded = events(5)
    assert [event.sequence for event in recorded] == [1, 2, 3, 4, 5]
    assert recorded[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(recorded):
        assert after.prev_hash == before.hash
    assert AuditHead.objects.get().sequence == 5
    assert AuditHead.objects.get().hash == recorded[-1].hash


def test_hash_covers_previous_hash_and_canonical_form(events):
    event = events(2)[1]
    values = tuple(
        payload_text(event.payload) if name == "payload" else getattr(event, name) for name in FIELDS
    )
    assert event.hash == sha256(event.prev_hash.encode() + canonical(values)).hexdigest()
    form = json.loads(canonical(values))
    assert list(form) == sorted(FIELDS)
    assert form["at"] == event.at.astimezone(UTC).isoformat(timespec="microseconds")
    assert form["at"].endswith("+00:00")
    assert form["payload"] == {"number": 1, "phone": "0718-0000001"}


@pytest.mark.parametrize(
    "values",
    [
        (
            1,
            datetime(2026, 10, 1, 8, 0, tzinfo=UTC),
            None,
            None,
            "",
            "swept",
            None,
            None,
            "",
            "",
            "",
            {},
            "",
            "",
        ),
        (
            2**40,
            datetime(2026, 10, 1, 16, 0, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
            7,
            3,
            "handler,head",
            "referral_sent",
            12,
            99,
            '宣公管委〔2026〕5号 "关于"\\ 的函\n\t\x01 é',
            "approved",
            "sent",
            {"b": [1, 2.5, None, True], "a": {"z": "\u2028", "y": -0.0}, "c": 1e16},
            "edge-4f1c2a9b",
            "2001:db8::1",
        ),
    ],
)
def test_canonical_form_is_sorted_compact_json(values):
    record = dict(zip(FIELDS, values, strict=True))
    record["at"] = values[1].astimezone(UTC).isoformat(timespec="microseconds")
    expected = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    text = payload_text(values[11])
    assert canonical((*values[:11], text, *values[12:])) == expected


def test_event_records_who_for_which_agency_what_and_about_which_object(events, insider, agency):
    event = events(1)[0]
    assert event.actor == insider
    assert event.agency == agency
    assert event.role == "handler"  # the insider's role in the agency, looked up
    assert (event.action, event.from_state, event.to_state) == ("phone_changed", "old", "new")
    assert event.content_type == ContentType.objects.get_for_model(Agency)
    assert event.object_id == agency.pk
    assert event.object_repr == agency.name
    assert event.target == agency


def test_agency_and_role_come_from_the_request(colleague, agency):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
    request.user, request.agency, request.request_id = colleague, agency, "abc123def456"
    event = audit_record(actor=colleague, action="looked", obj=agency, request=request)
    assert (event.agency, event.role) == (agency, "head")
    assert (event.request_id, event.ip) == ("abc123def456", "10.0.0.7")


def test_an_explicit_role_is_kept(insider, agency):
    event = audit_record(actor=insider, action="signed", agency=agency, role="head")
    assert event.role == "head"


def test_anonymous_and_system_events_have_no_actor(agency):
    request = RequestFactory().get("/")
    request.agency = None
    assert audit_record(actor=AnonymousUser(), action="looked", request=request).actor is None
    assert audit_record(actor=None, action="swept").actor is None


def test_payload_is_stored_as_it_reads_back(agency):
    payload = {"day": date(2026, 10, 1), "amount": Decimal("12.50"), "ratio": 0.1, "big": 1e16, "zero": -0.0}
    event = audit_record(actor=None, action="x", payload=payload)
    expected = {"day": "2026-10-01", "amount": "12.50", "ratio": 0.1, "big": 1e16, "zero": -0.0}
    assert event.payload == expected
    assert AuditEvent.objects.get(pk=event.pk).payload == expected
    assert audit_verify().finding is None  # the stored text hashes as it was hashed when written


def phone_change(agency, *, fail_after_recording=False, **audit):
    """A workflow-like step: change a row, then record the change, in one transaction."""
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(complaint_phone="12345")
        audit_record(actor=None, action="phone_changed", obj=agency, **audit)
        if fail_after_recording:
            raise RuntimeError("the workflow failed after recording")


def test_the_event_rolls_back_with_the_change(events, agency):
    events(2)
    with pytest.raises(RuntimeError):
        phone_change(agency, fail_after_recording=True)
    assert AuditEvent.objects.count() == 2
    assert AuditHead.objects.get().sequence == 2
    assert audit_record(actor=None, action="y").sequence == 3  # no gap


@pytest.mark.parametrize("payload", [{"when": object()}, {"ratio": float("nan")}, ["not", "an", "object"]])
def test_a_failed_audit_write_rolls_the_change_back(agency, payload):
    with pytest.raises((TypeError, ValueError)):
        phone_change(agency, payload=payload)
    agency.refresh_from_db()
    assert agency.complaint_phone == ""
    assert not AuditEvent.objects.exists()


def test_a_failing_insert_rolls_the_change_back(agency, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("the disk is full")

    monkeypatch.setattr(services, "chain_hash", broken)
    with pytest.raises(OSError, match="disk is full"):
        phone_change(agency)
    agency.refresh_from_db()
    assert agency.complaint_phone == ""


def test_a_caller_that_swallows_the_error_cannot_commit_the_change(agency):
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(complaint_phone="12345")
        with contextlib.suppress(TypeError):
            audit_record(actor=None, action="phone_changed", obj=agency, payload={"when": object()})
        # No savepoint around the audit write: the whole block is marked for rollback.
        assert transaction.get_connection().needs_rollback
    agency.refresh_from_db()
    assert agency.complaint_phone == ""


def test_a_lost_head_row_continues_from_the_last_event(events):
    recorded = events(3)
    AuditHead.objects.all().delete()
    event = audit_record(actor=None, action="x")
    assert (event.sequence, event.prev_hash) == (4, recorded[-1].hash)
