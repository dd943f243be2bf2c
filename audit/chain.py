"""The canonical form of an audit event and the hash that chains it to the one before.

canonical = the FIELDS as one JSON object, keys sorted, no spaces, UTF-8 (no ASCII escapes): the time in UTC as
ISO 8601 with microseconds (2026-11-23T04:05:06.123456+00:00), absent references as null, the payload as its
stored text (payload_text: itself JSON with sorted keys and no spaces).
hash = sha256(the previous event's hash as 64 hex characters + canonical), in hex. The first event follows GENESIS.

audit_record and verify_audit share these functions; changing them means re-chaining the whole log. canonical()
spells the object out field by field because it runs a million times per verification (bench/audit.py);
tests/audit/test_chain.py checks that it equals json.dumps(…, sort_keys=True, separators=(",", ":")).
"""

import json
from datetime import UTC, datetime
from hashlib import sha256

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
# The order of the values tuples below (and of verify's columns), not the order in the canonical form.
FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "agency_id",
    "role",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "from_state",
    "to_state",
    "payload",
    "request_id",
    "ip",
)

_string = json.encoder.encode_basestring  # a JSON string as JSONEncoder(ensure_ascii=False) writes it (in C)
# Dates, decimals, UUIDs and lazy texts become strings (DjangoJSONEncoder); NaN and infinities are refused.
_payload_encoder = DjangoJSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def payload_text(payload: dict) -> str:
    """Return the payload as stored and hashed: JSON with sorted keys and no spaces."""
    if not isinstance(payload, dict):
        raise TypeError("An audit payload is a JSON object (a dict).")
    return _payload_encoder.encode(payload)


def canonical(values: tuple) -> bytes:
    """Return the canonical form of an event given its values in FIELDS order (the payload as its text)."""
    (
        sequence,
        at,
        actor_id,
        agency_id,
        role,
        action,
        content_type_id,
        object_id,
        object_repr,
        from_state,
        to_state,
        payload,
        request_id,
        ip,
    ) = values
    return (
        f'{{"action":{_string(action)},"actor_id":{_number(actor_id)},"agency_id":{_number(agency_id)},'
        f'"at":"{_utc(at)}","content_type_id":{_number(content_type_id)},"from_state":{_string(from_state)},'
        f'"ip":{_string(ip)},"object_id":{_number(object_id)},"object_repr":{_string(object_repr)},'
        f'"payload":{payload},"request_id":{_string(request_id)},"role":{_string(role)},'
        f'"sequence":{sequence:d},"to_state":{_string(to_state)}}}'
    ).encode()


def chain_hash(prev_hash: str, values: tuple) -> str:
    """Return the hash of an event that follows `prev_hash` and has `values` (in FIELDS order)."""
    return sha256(prev_hash.encode("ascii") + canonical(values)).hexdigest()


def _number(value: int | None) -> str:
    return "null" if value is None else f"{value:d}"


def _utc(at: datetime) -> str:
    if at.tzinfo is not UTC:
        # SQLite hands stored times back naive, in UTC (USE_TZ); PostgreSQL in UTC already.
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")
