"""Checkpoints of the audit chain, kept outside the database.

Every 10 minutes (Celery beat, checkpoint_write_task) and on `manage.py audit_checkpoint`, the chain's last event
(sequence and hash) is appended with the time as one JSON line to settings.AUDIT_CHECKPOINT_DIR/checkpoints.jsonl.
Someone able to rewrite the database can re-chain the events after any point so that they verify again; they
cannot change the hash already recorded here, so verify_audit compares the log with the latest line.

The directory should be one the database's users cannot write: another disk, another machine, or a write-once
store (docs/adr/0007-audit-log.md). Each line also goes to the log (logger "audit.checkpoint").
"""

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .verify import Finding, audit_verify

logger = logging.getLogger("audit.checkpoint")
FILE_NAME = "checkpoints.jsonl"
TAIL_BYTES = 64 * 1024  # far more than one line; the latest line is all that is read
# Ends a line that a crash cut short, when the next checkpoint is written after it; such a line is passed over.
CUT_SHORT = b"  # cut short by a crash, ended by the next checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    at: str  # UTC, ISO 8601


class CheckpointError(Exception):
    """The checkpoint file cannot be read, or a line in it is not a checkpoint."""


class ChainBrokenError(Exception):
    """The events since the last checkpoint do not check out; no checkpoint was written."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def checkpoint_latest() -> Checkpoint | None:
    """Return the checkpoint with the highest sequence among the last ones written, or None if none was written.

    A last line without its newline was cut short by a crash while being written and is passed over, and so is one
    that checkpoint_write later ended with CUT_SHORT; any other line that is not a checkpoint raises
    CheckpointError, since the file is evidence and must not be guessed at.
    """
    path = checkpoint_path()
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - TAIL_BYTES))
            tail = file.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CheckpointError(f"Cannot read {path}: {error}") from None
    lines = tail.split(b"\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # the block may start in the middle of a line
    lines[-1:] = []  # after the last newline: empty, or cut short
    checkpoints = []
    for line in lines:
        if not line.strip() or line.endswith(CUT_SHORT):
            continue
        try:
            data = json.loads(line)
            checkpoints.append(
                Checkpoint(sequence=int(data["sequence"]), hash=str(data["hash"]), at=str(data["at"]))
            )
        except (ValueError, KeyError, TypeError):
            raise CheckpointError(f"{path}: a line is not a checkpoint: {line[:200]!r}") from None
    # The furthest one: two writers at once may have appended out of order.
    return max(checkpoints, key=lambda checkpoint: checkpoint.sequence, default=None)


def checkpoint_write(*, now: datetime | None = None) -> Checkpoint | None:
    """Append the chain's last event to the checkpoint file, once the events since the latest checkpoint check
    out; return the new checkpoint, or None if no event was appended since (or the log is empty).

    Raises ChainBrokenError and writes nothing when they do not, so a checkpoint never vouches for a rewritten
    log. Appending one short line with O_APPEND and fsync is atomic enough for two writers at once; at worst a
    checkpoint is written twice.
    """
    latest = checkpoint_latest()
    verification = audit_verify(checkpoint=latest, from_checkpoint=latest is not None)
    if verification.finding is not None:
        raise ChainBrokenError(verification.finding)
    if verification.last_sequence == 0 or (
        latest is not None and verification.last_sequence == latest.sequence
    ):
        return None
    checkpoint = Checkpoint(
        sequence=verification.last_sequence,
        hash=verification.last_hash,
        at=(now or timezone.now()).astimezone(UTC).isoformat(timespec="microseconds"),
    )
    line = json.dumps(asdict(checkpoint), sort_keys=True, separators=(",", ":"))
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as file:
        # A line cut short by a crash is ended first with CUT_SHORT, or this one would join it into a line that is
        # no checkpoint and stop every later verification. The file may be append-only, so nothing is truncated;
        # one write, so that the two go together.
        cut_short = (
            file.seek(0, os.SEEK_END) > 0 and file.seek(-1, os.SEEK_END) >= 0 and file.read(1) != b"\n"
        )
        file.write((CUT_SHORT + b"\n" if cut_short else b"") + line.encode() + b"\n")
        file.flush()
        os.fsync(file.fileno())
    logger.info("%s", line)
    return checkpoint
