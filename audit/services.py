"""Append events to the audit log. The one write path of the audit table; other apps call audit_record."""

import json

from axes.helpers import get_client_ip_address
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from agencies.models import Membership

from .chain import FIELDS, GENESIS, chain_hash, payload_text
from .models import AuditEvent, AuditHead


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    agency=None,
    role: str = "",
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
    request=None,
    request_id: str = "",
) -> AuditEvent:
    """Append one event to the audit log and return it.

    Call it inside the transaction of the change it records (a workflow's `transaction.atomic()`), after the
    change's own row locks: the event commits or rolls back with the change. It locks the chain head until that
    transaction ends, so every other append waits for it; record the event late in the transaction.

    `actor` may be None (a system job, an anonymous visitor). `obj` is stored as a generic reference with a short
    description; it needs an integer primary key. The agency defaults to the one the actor acts for in `request`
    (`request.agency`; none without an actor), the role to the actor's roles there. The request also gives the
    request id (audit.middleware) and the client address, read as django-axes reads it. Without a request,
    `request_id` alone is recorded (an event that must not keep the client's address). `payload` is a dict of
    JSON values; dates, decimals and lazy texts become strings.

    If the event cannot be written, this raises and the caller's transaction can no longer commit: the change
    fails with it.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    if agency is None and actor is not None and request is not None:
        # request.agency is lazy and may wrap None (a person who works in no agency).
        agency = getattr(request, "agency", None) or None
    # No savepoint: a failure inside marks the caller's whole transaction for rollback, so a caller that catches
    # the error still cannot commit the change without its event.
    with transaction.atomic(savepoint=False):
        if actor is not None and agency is not None and not role:
            role = ",".join(
                Membership.objects.filter(user_id=actor.pk, agency_id=agency.pk, is_active=True)
                .order_by("role")
                .values_list("role", flat=True)
            )
        content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
        text = payload_text(payload or {})
        head = _head_locked()
        fields = {
            "sequence": head.sequence + 1,
            "at": timezone.now(),  # read under the lock: event times never go backwards along the chain
            "actor_id": actor.pk if actor is not None else None,
            "agency_id": agency.pk if agency is not None else None,
            "role": str(role),
            "action": str(action),
            "content_type_id": content_type.pk if content_type is not None else None,
            "object_id": obj.pk if obj is not None else None,
            "object_repr": str(obj)[:200] if obj is not None else "",
            "from_state": str(from_state),
            "to_state": str(to_state),
            "payload": text,
            "request_id": getattr(request, "request_id", "") if request is not None else request_id,
            "ip": (get_client_ip_address(request) or "")[:45] if request is not None else "",
        }
        digest = chain_hash(head.hash, tuple(fields[name] for name in FIELDS))
        event = AuditEvent.objects.create(**fields, prev_hash=head.hash, hash=digest)
        event.payload = json.loads(text)  # as it reads back from the database
        AuditHead.objects.filter(pk=head.pk).update(sequence=event.sequence, hash=digest)
    return event


def _head_locked() -> AuditHead:
    """Lock and return the chain head. On PostgreSQL the row lock makes appends take turns; on SQLite the
    IMMEDIATE transaction already holds the database's write lock (docs/adr/0002-embedded-default.md)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # The very first event, or the row was emptied (a test run's flush): continue from the last event. Two
    # first appends at once both try to insert; the second insert waits for the first and does nothing.
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first() or (0, GENESIS)
    AuditHead.objects.bulk_create([AuditHead(pk=1, sequence=last[0], hash=last[1])], ignore_conflicts=True)
    return AuditHead.objects.select_for_update().get(pk=1)
