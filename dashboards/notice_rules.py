"""Who may supervise which agency, which clocks may be supervised, and what a notice may say about them (the rules
dashboards/notices.py and the notice pages share)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Membership, Region
from deadlines import workdays
from deadlines.board import AMBER, RED, clock_view
from deadlines.clocks import calendar_for
from deadlines.due import LEGAL_TZ, add_months
from deadlines.models import Deadline

NOTICE_RULE = "S1"  # a notice's own clock (督办限期): seeded by dashboards/migrations/0002

# Who ------------------------------------------------------------------------------------------------------------


def region_chain(region_id: int | None) -> list[int]:
    """The region's id and its ancestors' ids, nearest first."""
    parents = dict(Region.objects.values_list("id", "parent_id"))  # a few hundred rows at most
    chain = []
    while region_id is not None and region_id not in chain:
        chain.append(region_id)
        region_id = parents.get(region_id)
    return chain


def supervising_agency(user, agency: Agency, *, prefer=None) -> Agency | None:
    """The agency in which `user` is a supervisor (督办) over `agency` (its region or a region above), or None. The
    acting agency (`prefer`) first, then the nearest level: it issues the notice and signs its document."""
    if not user.is_authenticated:
        return None
    chain = region_chain(agency.region_id)
    candidates = Agency.objects.filter(
        is_active=True,
        region_id__in=chain,
        memberships__user=user,
        memberships__role=Membership.Role.SUPERVISOR,
        memberships__is_active=True,
    )
    found = sorted(
        set(candidates),
        key=lambda candidate: (candidate.pk != getattr(prefer, "pk", None), chain.index(candidate.region_id)),
    )
    return found[0] if found else None


def coordinator_of(agency: Agency) -> Agency | None:
    """The coordinator of the agency's jurisdiction: of its region, or of the nearest region above that has one."""
    coordinators = dict(Region.objects.exclude(coordinator=None).values_list("id", "coordinator_id"))
    for region_id in region_chain(agency.region_id):
        if region_id in coordinators:
            return Agency.objects.get(pk=coordinators[region_id])
    return None


# What may be supervised ---------------------------------------------------------------------------------------


def is_pressing(deadline: Deadline, *, now: datetime) -> bool:
    """Whether the clock runs and is overdue or endangered (due within one working day): the only ones to press."""
    return deadline.is_running and clock_view(deadline, now=now).urgency in (RED, AMBER)


def may_issue(user, deadline: Deadline, *, now: datetime) -> bool:
    """Whether a page should offer `user` to issue a notice on `deadline` (dashboards:notice_new): a supervisor over
    its agency, on a pressing clock that is not itself a notice's. The workflow checks again under lock."""
    return (
        deadline.rule.code != NOTICE_RULE
        and is_pressing(deadline, now=now)
        and supervising_agency(user, deadline.agency) is not None
    )


def check_target_date(day: date, *, agency: Agency, today: date) -> None:
    """Refuse a target date that is not a working day after today, or is more than a year after it (in words the
    supervisor understands)."""
    calendar = calendar_for(agency).pk
    shown = formats.date_format(day, "DATE_FORMAT")
    if day <= today:
        raise ValidationError(
            _("The target date must be after today (%(today)s).")
            % {"today": formats.date_format(today, "DATE_FORMAT")},
            code="target_not_future",
        )
    # A notice presses for the work now: 9999-12-31 would issue a numbered document that presses no one.
    latest = add_months(today, 12)
    if day > latest:
        raise ValidationError(
            _(
                "The target date must be no later than %(latest)s, a year from today: choose an earlier working day."
            )
            % {"latest": formats.date_format(latest, "DATE_FORMAT")},
            code="target_too_far",
        )
    if not workdays.is_workday(day, calendar=calendar):
        exception = workdays.day_name(day, calendar=calendar)
        if exception and exception[0] == workdays.HOLIDAY:
            message = _(
                "%(day)s is a public holiday (%(name)s), not a working day: choose a working day."
            ) % {
                "day": shown,
                "name": exception[1],
            }
        else:
            message = _("%(day)s is a %(weekday)s, not a working day: choose a working day.") % {
                "day": shown,
                "weekday": formats.date_format(day, "l"),
            }
        raise ValidationError(message, code="target_not_workday")


def item_words(deadline: Deadline) -> str:
    """What a document or message may say the clock concerns: nothing when it is confidential."""
    return "" if deadline.confidential else f"（{deadline.target}）"


def item_url(target) -> str:
    """The page of a clock's target: its own, or its lead's (a referral is shown on its lead's page)."""
    if hasattr(target, "get_absolute_url"):
        return target.get_absolute_url()
    lead = getattr(target, "lead", None)
    return lead.get_absolute_url() if lead is not None else ""


def item_visible(target, user) -> bool:
    """Whether `user` may see the item a clock concerns (through its model's own visible_to)."""
    if target is None:
        return False
    manager = type(target)._default_manager
    if not hasattr(manager, "visible_to"):
        return False
    return manager.visible_to(user).filter(pk=target.pk).exists()


def day_words(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def due_words(deadline: Deadline) -> str:
    due = timezone.localtime(deadline.due_at, LEGAL_TZ)
    return f"{due.year}年{due.month}月{due.day}日{due.hour}时{due.minute:02d}分"
