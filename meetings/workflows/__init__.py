"""One function per step of a joint meeting (宣恩 二(一); 鄂尔多斯 第三条, 第十条). Each runs in one transaction: lock
the row, check who may (PermissionDenied → 403) and the rules (ValidationError → the form, in Chinese), transition
(django-fsm; a page out of date → ConcurrentTransition → 409), issue documents, start and meet clocks, notify,
record the audit event.

Who does what:
- a member agency's handler or head drafts an item; its head signs it (负责人签字); then it may be submitted;
- the office (联席会议办公室: its agency's handlers, heads and supervisors) plans meetings, compiles submitted items
  into a meeting's draft agenda, sends the notice, records attendance and the minutes;
- the convener (召集人: the convening agency's heads, or the body's office head) approves or returns each item;
- an agency assigned a decision (议定事项) reports progress and completion; when every agency has completed it,
  every member is told.
"""

from .common import (
    CONFLICT,
    DECISION_RULE,
    MEMBER_ROLES,
    OFFICE_ROLES,
    R,
    audience,
    check_due_date,
    content_type_id,
    day_words,
    is_convener,
    is_member_staff,
    is_office,
    liaisons_and_heads,
    member_agency_ids,
    message_about,
    people,
    refuse_if_moved_on,
    roles_in,
    time_words,
)
from .decisions import assignment_complete, assignment_report, assignment_urge
from .items import item_approve, item_compile, item_reject, item_sign, item_submit
from .meetings import meeting_cancel, meeting_hold, meeting_notify, meeting_record_minutes

__all__ = [
    "CONFLICT",
    "DECISION_RULE",
    "MEMBER_ROLES",
    "OFFICE_ROLES",
    "R",
    "assignment_complete",
    "assignment_report",
    "assignment_urge",
    "audience",
    "check_due_date",
    "content_type_id",
    "day_words",
    "is_convener",
    "is_member_staff",
    "is_office",
    "item_approve",
    "item_compile",
    "item_reject",
    "item_sign",
    "item_submit",
    "liaisons_and_heads",
    "meeting_cancel",
    "meeting_hold",
    "meeting_notify",
    "meeting_record_minutes",
    "member_agency_ids",
    "message_about",
    "people",
    "refuse_if_moved_on",
    "roles_in",
    "time_words",
]
