"""verify_audit finds a tampered payload, a relinked event, a deleted event and a rewritten tail, and names it."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.chain import FIELDS, chain_hash, payload_text
from audit.checkpoint import CheckpointError, checkpoint_latest, checkpoint_path, checkpoint_write
from audit.models import AuditEvent
from audit.services import audit_record
from audit.tasks import checkpoint_write_task
from audit.verify import Fault, audit_verify
from config.celery import app as celery_app

from .conftest import tampering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # These tests read the messages in English (the source text); test_verify checks the Chinese wording once.
    with translation.override("en"):
        yield


def verify(capsys) -> tuple[int, str]:
    """Run verify_audit in English; return its exit code and everything it printed."""
    with translation.override("en"):
        try:
            call_command("verify_audit")
            code = 0
        except SystemExit as exit_:
            code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def values_of(event: AuditEvent) -> tuple:
    """An event's values as the chain hashes them (the payload as its text)."""
    return tuple(
        payload_text(event.payload) if name == "payload" else getattr(event, name) for name in FIELDS
    )


def rechain(cursor, start: int) -> None:
    """Recompute the hashes and links from event `start` on, as a careful forger would."""
    previous = AuditEvent.objects.get(sequence=start - 1).hash if start > 1 else "0" * 64
    for event in AuditEvent.objects.filter(sequence__gte=start).order_by("sequence"):
        digest = chain_hash(previous, values_of(event))
        cursor.execute(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [previous, digest, event.pk],
        )
        previous = digest
    cursor.execute("UPDATE audit_audithead SET hash = %s", [previous])


def test_an_intact_chain_exits_0(events, capsys):
    events()
    checkpoint_write()
    code, output = verify(capsys)
    assert code == 0
    assert "intact: 10 events, the last 10" in output
    assert "checkpoint" in output


def test_an_empty_log_is_intact(db, capsys):
    code, output = verify(capsys)
    assert code == 0
    assert "No checkpoint yet" in output


def test_a_tampered_payload_is_content_changed(events, capsys):
    events()
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET payload = %s WHERE sequence = 4", [json.dumps({"phone": "110"})]
        )
    code, output = verify(capsys)
    assert code == 1
    assert "Event 4: its content was changed" in output
    finding = audit_verify().finding
    assert (finding.fault, finding.sequence) == (Fault.CONTENT, 4)


def test_a_tampered_column_is_content_changed(events):
    events()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET to_state = 'withdrawn' WHERE sequence = 7")
    finding = audit_verify().finding
    assert (finding.fault, finding.sequence) == (Fault.CONTENT, 7)


def test_a_relinked_event_is_link_changed(events, capsys):
    recorded = events()
    with tampering() as cursor:
        # Event 6 now claims to follow event 4, and its own hash is made to match: only the link gives it away.
        event = recorded[5]
        digest = chain_hash(recorded[3].hash, values_of(event))
        cursor.execute(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE sequence = 6",
            [recorded[3].hash, digest],
        )
    code, output = verify(capsys)
    assert code == 1
    assert "Event 6: its link was changed" in output
    assert audit_verify().finding.fault == Fault.LINK


def test_a_rewritten_and_rehashed_event_breaks_the_next_link(events):
    events()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET payload = '{}' WHERE sequence = 3")
        event = AuditEvent.objects.get(sequence=3)
        digest = chain_hash(event.prev_hash, values_of(event))
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE sequence = 3", [digest])
    finding = audit_verify().finding
    assert (finding.fault, finding.sequence) == (Fault.LINK, 4)


def test_a_deleted_event_is_named(events, capsys):
    events()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 5")
    code, output = verify(capsys)
    assert code == 1
    assert "Event 5 was deleted: the log goes from event 4 to event 6." in output
    assert audit_verify().finding.fault == Fault.DELETED


def test_deleted_events_are_named_as_a_range(events):
    events()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence IN (1, 2, 3)")
    finding = audit_verify().finding
    assert (finding.fault, finding.sequence) == (Fault.DELETED, 1)
    assert "Events 1 to 3 were deleted" in finding.message


def test_a_deleted_tail_is_found_by_the_chain_head(events):
    events()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > 8")
    finding = audit_verify().finding
    assert (finding.fault, finding.sequence) == (Fault.DELETED, 9)


def test_a_rewritten_tail_is_found_by_the_checkpoint(events, capsys):
    events()
    checkpoint_write()  # event 10
    with tampering() as cursor:
        # Drop events 7-10 and the head that knew of them, then append new ones: the chain itself reads as intact.
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > 6")
        cursor.execute("DELETE FROM audit_audithead")
    audit_record(actor=None, action="phone_changed", payload={"forged": True})
    assert audit_verify().finding is None  # without the checkpoint nothing is wrong
    code, output = verify(capsys)
    assert code == 1
    assert "Event 10: the tail was rewritten after the checkpoint" in output
    assert "the log ends at event 7" in output


def test_a_rewritten_and_rechained_log_is_found_by_the_checkpoint(events, capsys):
    events()
    checkpoint_write()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET payload = '{}' WHERE sequence = 8")
        rechain(cursor, 8)
    assert audit_verify().finding is None  # a consistent chain on its own
    code, output = verify(capsys)
    assert code == 1
    assert "Event 10: the tail was rewritten after the checkpoint" in output


def test_verify_speaks_the_active_language(events):
    events()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 2")
    with translation.override("zh-hans"):
        chinese = audit_verify().finding.message
    with translation.override("en"):
        english = audit_verify().finding.message
    assert chinese.startswith("事件 2 被删除：日志从事件 1 直接跳到事件 3")
    assert english.startswith("Event 2 was deleted")


def test_a_checkpoint_is_written_only_for_new_events(events, checkpoint_dir):
    events(3)
    first = checkpoint_write()
    assert (first.sequence, first.hash) == (3, AuditEvent.objects.get(sequence=3).hash)
    assert checkpoint_write() is None
    events(2)
    assert checkpoint_write().sequence == 5
    lines = checkpoint_path().read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [3, 5]
    assert set(json.loads(lines[0])) == {"sequence", "hash", "at"}
    assert checkpoint_path().parent == checkpoint_dir


def test_no_checkpoint_vouches_for_a_broken_log(events, capsys):
    events(3)
    checkpoint_write()
    events(3)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'nothing' WHERE sequence = 5")
    with pytest.raises(SystemExit) as exit_, translation.override("en"):
        call_command("audit_checkpoint")
    assert exit_.value.code == 1
    assert "Event 5: its content was changed" in capsys.readouterr().err
    assert checkpoint_latest().sequence == 3


def test_a_line_cut_short_by_a_crash_is_passed_over(events):
    events(2)
    checkpoint_write()
    with checkpoint_path().open("a") as file:
        file.write('{"at":"2026-11-23T04:')
    assert checkpoint_latest().sequence == 2


def test_the_next_checkpoint_after_a_line_cut_short_is_read_and_verification_goes_on(events):
    events(2)
    checkpoint_write()
    with checkpoint_path().open("a") as file:
        file.write('{"at":"2026-11-23T04:')
    events(1)
    assert checkpoint_write().sequence == 3
    assert checkpoint_latest().sequence == 3
    call_command("verify_audit")  # raises CommandError on a finding or an unreadable checkpoint file


def test_a_checkpoint_file_that_is_not_one_stops_verification(events):
    events(1)
    checkpoint_write()
    with checkpoint_path().open("a") as file:
        file.write("not a checkpoint\n")
    with pytest.raises(CheckpointError):
        checkpoint_latest()
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert error.value.returncode == 2


def test_beat_writes_a_checkpoint_every_ten_minutes(events):
    entry = celery_app.conf.beat_schedule["audit-checkpoint"]
    assert (entry["task"], entry["schedule"]) == ("audit.tasks.checkpoint_write_task", 600.0)
    events(2)
    checkpoint_write_task()
    assert checkpoint_latest().sequence == 2


def test_a_missing_checkpoint_file_is_an_error_once_events_are_old(events, checkpoint_dir):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    events(3)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False),
        pytest.raises(CommandError, match="No checkpoint file") as error,
    ):
        call_command("verify_audit")
    assert error.value.returncode == 2


def test_checkpoints_that_stopped_being_written_are_warned_of(events, checkpoint_dir, capsys):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    events(2)
    checkpoint_write()
    events(1)  # the beat task stops here
    call_command("verify_audit")
    assert "no longer being written" not in capsys.readouterr().err
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        call_command("verify_audit")  # the log is intact: a warning, exit 0
    assert "checkpoints are no longer being written" in capsys.readouterr().err


def test_the_furthest_checkpoint_counts_even_if_written_out_of_order(events, checkpoint_dir):
    from audit.checkpoint import checkpoint_latest, checkpoint_path

    events(3)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '{"sequence": 3, "hash": "c", "at": "2026-11-23T10:20:00+00:00"}\n'
        '{"sequence": 2, "hash": "b", "at": "2026-11-23T10:10:00+00:00"}\n'
    )
    assert checkpoint_latest().sequence == 3
