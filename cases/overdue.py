"""A lead's overdue mark (Lead.overdue): set while a clock of the lead or of one of its referrals is overdue.

The case list's "overdue only" filter used to test every visible lead, newest first, for an overdue clock: at a
million leads that walk cost about 100 ms. The mark lets it read only the overdue leads, newest first, from a
partial index (ADR 0011). It follows the clocks through the deadline engine's clocks_changed signal (connected in
apps.py), in the transaction of every clock change, so a clock and its lead's mark commit together or not at all.

The mark counts every referral's clocks, whoever may see them: the list still checks the clocks the user may see
(a lead overdue only at a referral to an agency the user does not see is not overdue to that user).
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from deadlines.models import Deadline

from .clocks import case_types
from .models import Lead, Referral


def on_clocks_changed(sender, *, deadline_ids, **kwargs) -> None:
    """Recompute the mark of the leads whose clocks, or whose referrals' clocks, changed."""
    types = case_types()
    lead_ids, referral_ids = set(), set()
    for content_type_id, object_id in Deadline.objects.filter(id__in=deadline_ids).values_list(
        "content_type_id", "object_id"
    ):
        if content_type_id == types[Lead].pk:
            lead_ids.add(object_id)
        elif content_type_id == types[Referral].pk:
            referral_ids.add(object_id)
        # Complaints', assistance letters' and criminal referrals' clocks are not a lead's (the list's filter
        # never counted them).
    if referral_ids:
        lead_ids |= set(Referral.objects.filter(id__in=referral_ids).values_list("lead_id", flat=True))
    if lead_ids:
        overdue_recompute(lead_ids)


def has_overdue_clock(referrals=None) -> Q:
    """The condition on Lead: a clock of the lead, or of one of its `referrals` (all of them by default), is
    overdue. The mark is this over all referrals; the list asks it over the referrals the user may see."""
    types = case_types()
    overdue = Deadline.objects.filter(state=Deadline.State.OVERDUE)
    referrals = Referral.objects.all() if referrals is None else referrals
    return Q(Exists(overdue.filter(content_type=types[Lead], object_id=OuterRef("pk")))) | Q(
        Exists(
            overdue.filter(
                content_type=types[Referral],
                object_id__in=referrals.filter(lead=OuterRef(OuterRef("pk"))).values("pk"),
            )
        )
    )


# pg_advisory_xact_lock's first key for the marks: the second is the lead's id (leads beyond 2**31 share a key with
# one lead below, which only makes the two wait for each other).
MARK_LOCK = 73_119_502


def overdue_recompute(lead_ids) -> None:
    """Set the mark of the leads `lead_ids` from their clocks.

    The recomputes of one lead take turns. Under READ COMMITTED, two transactions changing two clocks of one lead
    at the same moment (a handler meets one while the sweep marks the other overdue) would each read the other's
    clock as it was, and the one committing last could clear the mark that the other's overdue clock needs. Each
    takes a lock of the lead's mark first, so the second waits for the first to commit, and its next statements
    read the clocks as they are. An advisory lock, not the lead's row: the calendar's recompute holds the clocks
    it moves and then comes here, while a workflow holds its lead's row and then wants its clock; waiting for the
    row would deadlock the two, the mark's lock is free until the workflow's own recompute. Taken in key order, so
    two recomputes of several leads cannot deadlock each other. Only leads whose mark flips are written."""
    lead_ids = sorted(set(lead_ids))
    if connection.vendor == "postgresql":  # SQLite has one writer at a time anyway
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, key) FROM "
                "(SELECT DISTINCT (id %% 2147483647)::int AS key FROM unnest(%s::bigint[]) AS id ORDER BY key) AS keys",
                [MARK_LOCK, lead_ids],
            )
    leads = Lead.objects.filter(id__in=lead_ids)
    leads.filter(overdue=False).filter(has_overdue_clock()).update(overdue=True)
    leads.filter(overdue=True).exclude(has_overdue_clock()).update(overdue=False)


def overdue_mark_all() -> None:
    """Set every lead's mark from the clocks, in two set-based statements: for clocks written without the deadline
    engine (bench/cases.py loads a million in SQL)."""
    types = case_types()
    overdue = Deadline.objects.filter(state=Deadline.State.OVERDUE)
    marked = Q(id__in=overdue.filter(content_type=types[Lead]).values("object_id")) | Q(
        id__in=Referral.objects.filter(
            id__in=overdue.filter(content_type=types[Referral]).values("object_id")
        ).values("lead_id")
    )
    Lead.objects.filter(overdue=False).filter(marked).update(overdue=True)
    Lead.objects.filter(overdue=True).exclude(marked).update(overdue=False)
