"""Every change of state in credit, one function per transition (`<noun>_<verb>(*, actor, obj, …)`).

Each runs in one transaction: lock the row, check the actor's role in the agency concerned (PermissionDenied →
403), refuse a page out of date (`seen_state`, ConcurrentTransition → 409), transition (django-fsm with
ConcurrentTransitionMixin), record the audit event, start or meet clocks, number documents and notify.
Records and repair in records.py, memos in memos.py; callers import from here.
"""

from .common import CONFLICT, HANDLER, HEAD, LIAISON, SUPERVISOR, roles_in
from .memos import (
    MEMO_MEMBER_KINDS,
    MEMO_RULE,
    may_issue_memos,
    memo_acknowledge,
    memo_execute,
    memo_issue,
    memo_members,
)
from .records import (
    DOUBLE_FINE,
    act_reference,
    record_approve,
    record_create,
    record_publish,
    record_revoke,
    records_expire,
    repair_apply,
    repair_decide,
)

__all__ = [
    "CONFLICT",
    "DOUBLE_FINE",
    "HANDLER",
    "HEAD",
    "LIAISON",
    "MEMO_MEMBER_KINDS",
    "MEMO_RULE",
    "SUPERVISOR",
    "act_reference",
    "may_issue_memos",
    "memo_acknowledge",
    "memo_execute",
    "memo_issue",
    "memo_members",
    "record_approve",
    "record_create",
    "record_publish",
    "record_revoke",
    "records_expire",
    "repair_apply",
    "repair_decide",
    "roles_in",
]
