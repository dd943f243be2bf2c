"""Verify the audit chain: each event's content against its hash, each link, no gaps, the latest checkpoint.

Used by `manage.py verify_audit` and, for the events since the last checkpoint, by checkpoint_write. It reads the
events in sequence order as raw tuples through a streaming cursor and hashes them with hashlib: no model
instances, constant memory, a million events in seconds (bench/audit.py).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from hashlib import sha256
from typing import TYPE_CHECKING

from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .chain import FIELDS, GENESIS, canonical
from .models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from .checkpoint import Checkpoint

CHUNK = 5_000  # rows per fetch from the streaming cursor
PREV_HASH, HASH = len(FIELDS), len(FIELDS) + 1


class Fault(models.TextChoices):
    CONTENT = "content", gettext_lazy("content changed")
    LINK = "link", gettext_lazy("link changed")
    DELETED = "deleted", gettext_lazy("event deleted")
    TAIL = "tail", gettext_lazy("tail rewritten after checkpoint")


@dataclass(frozen=True)
class Finding:
    """The first thing wrong: what, at which event, and a sentence in the active language that names it."""

    fault: Fault
    sequence: int
    message: str


@dataclass(frozen=True)
class Verification:
    events: int  # how many events were read and found sound
    last_sequence: int  # the last sound event (0: none)
    last_hash: str | None
    finding: Finding | None


def audit_verify(*, checkpoint: Checkpoint | None = None, from_checkpoint: bool = False) -> Verification:
    """Check the chain and report the first broken event, if any.

    - content changed: an event's hash is not sha256(its prev_hash + its canonical form) (audit/chain.py);
    - link changed: an event's prev_hash is not the hash of the event before it;
    - event deleted: a sequence number is missing, or the chain head says the log goes further;
    - tail rewritten after checkpoint: `checkpoint` (the latest, kept outside the database) names an event that
      is gone, or that now has another hash although the chain reads as intact.

    With `from_checkpoint`, start at the checkpoint's event instead of the first (checkpoint_write checks only
    what is new). Events appended meanwhile are not read: the result describes the log as it was at the start.
    """
    # The head first: every event up to it has committed, so the stream below reads at least that far.
    head = AuditHead.objects.values_list("sequence", flat=True).first() or 0
    rows = AuditEvent.objects.order_by("sequence").values_list(*FIELDS, "prev_hash", "hash")
    start = checkpoint.sequence if from_checkpoint else 1
    if from_checkpoint:
        rows = rows.filter(sequence__gte=start)
    sql, params = rows.query.sql_with_params()
    # PostgreSQL streams from a server-side cursor, which inside a transaction is not first copied whole (WITH
    # HOLD). On SQLite a transaction would be IMMEDIATE and hold off every writer until the end.
    with (
        transaction.atomic() if connection.vendor == "postgresql" else nullcontext(),
        connection.chunked_cursor() as cursor,
    ):
        cursor.execute(sql, params)
        verification = _walk(_stream(cursor), start=start, checkpoint=checkpoint)
    if verification.finding is not None:
        return verification
    last = verification.last_sequence
    if checkpoint is not None and checkpoint.sequence > last:
        return _found(verification, Fault.TAIL, checkpoint.sequence, _tail_missing(checkpoint, last))
    if head > last:
        message = _(
            "Events %(first)s to %(head)s were deleted: the chain head records event %(head)s, but the log "
            "ends at event %(last)s."
        ) % {"first": last + 1, "head": head, "last": last}
        return _found(verification, Fault.DELETED, last + 1, message)
    return verification


def _stream(cursor):
    """The rows as the database hands them over: no model instances and no converters, so the payload is the very
    text that was hashed."""
    while batch := cursor.fetchmany(CHUNK):
        yield from batch


def _walk(rows, *, start: int, checkpoint: Checkpoint | None) -> Verification:
    """The hot loop: one pass over the rows in sequence order, stopping at the first fault."""
    expected = start
    # Starting at a checkpoint's event, the link before it is vouched for by the checkpoint's hash.
    previous = GENESIS if start == 1 else None
    mark, mark_hash = (checkpoint.sequence, checkpoint.hash) if checkpoint is not None else (0, "")
    count = 0
    for row in rows:
        sequence, prev_hash, digest = row[0], row[PREV_HASH], row[HASH]
        if sequence != expected:
            finding = _deleted(expected, sequence)
        elif previous is not None and prev_hash != previous:
            finding = _link_changed(sequence, prev_hash, previous)
        elif sha256(prev_hash.encode("ascii") + canonical(row[:PREV_HASH])).hexdigest() != digest:
            finding = Finding(
                Fault.CONTENT,
                sequence,
                _("Event %(sequence)s: its content was changed; what it records no longer matches its hash.")
                % {"sequence": sequence},
            )
        elif sequence == mark and digest != mark_hash:
            finding = _rechained(checkpoint, digest)
        else:
            previous = digest
            expected += 1
            count += 1
            continue
        return Verification(count, expected - 1, previous, finding)
    return Verification(count, expected - 1, previous, None)


def _deleted(expected: int, found: int) -> Finding:
    if found == expected + 1:
        message = _("Event %(sequence)s was deleted: the log goes from event %(before)s to event %(after)s.")
    else:
        message = _(
            "Events %(sequence)s to %(last)s were deleted: the log goes from event %(before)s to event %(after)s."
        )
    numbers = {"sequence": expected, "last": found - 1, "before": expected - 1, "after": found}
    return Finding(Fault.DELETED, expected, message % numbers)


def _link_changed(sequence: int, prev_hash: str, previous: str) -> Finding:
    message = _(
        "Event %(sequence)s: its link was changed. It points to the hash %(points)s…, but event %(before)s has "
        "the hash %(hash)s… (or event %(before)s was rewritten and re-hashed)."
    ) % {"sequence": sequence, "points": prev_hash[:12], "before": sequence - 1, "hash": previous[:12]}
    return Finding(Fault.LINK, sequence, message)


def _rechained(checkpoint: Checkpoint, digest: str) -> Finding:
    message = _(
        "Event %(sequence)s: the tail was rewritten after the checkpoint of %(at)s. The event now has the hash "
        "%(hash)s…, the checkpoint recorded %(recorded)s…: the log up to it was changed and re-chained."
    ) % {
        "sequence": checkpoint.sequence,
        "at": checkpoint.at,
        "hash": digest[:12],
        "recorded": checkpoint.hash[:12],
    }
    return Finding(Fault.TAIL, checkpoint.sequence, message)


def _tail_missing(checkpoint: Checkpoint, last: int) -> str:
    return _(
        "Event %(sequence)s: the tail was rewritten after the checkpoint of %(at)s. The checkpoint recorded event "
        "%(sequence)s, but the log ends at event %(last)s."
    ) % {"sequence": checkpoint.sequence, "at": checkpoint.at, "last": last}


def _found(verification: Verification, fault: Fault, sequence: int, message: str) -> Verification:
    return Verification(
        verification.events,
        verification.last_sequence,
        verification.last_hash,
        Finding(fault, sequence, message),
    )
