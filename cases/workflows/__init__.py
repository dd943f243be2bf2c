"""One function per step of a case's life. Each runs in one transaction: lock the row, check the allow-list and
the rules, transition (django-fsm), start and meet clocks, issue documents, notify, record the audit event.

The views pass `seen_state`, the state their page showed: a step on a case that moved on since is refused with
django-fsm's ConcurrentTransition (the view's 409), see docs/adr/0009-case-pages.md.
"""

from . import criminal  # Decree 310: criminal.criminal_start … criminal.criminal_hand_over
from .assistance import assistance_give, assistance_return, assistance_send
from .complaints import complaint_accept, complaint_decline, complaint_record
from .designation import lead_designate
from .leads import lead_approve, lead_send_back, lead_submit, lead_verify
from .referrals import (
    referral_accept,
    referral_conclude,
    referral_forward,
    referral_notify_acceptance,
    referral_notify_result,
    referral_receive,
    referral_return,
    referral_send,
)

__all__ = [
    "assistance_give",
    "assistance_return",
    "assistance_send",
    "complaint_accept",
    "complaint_decline",
    "complaint_record",
    "criminal",
    "lead_approve",
    "lead_designate",
    "lead_send_back",
    "lead_submit",
    "lead_verify",
    "referral_accept",
    "referral_conclude",
    "referral_forward",
    "referral_notify_acceptance",
    "referral_notify_result",
    "referral_receive",
    "referral_return",
    "referral_send",
]
