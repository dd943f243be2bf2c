"""The messages the deadline engine sends, and to whom: used by the sweep and by recomputation.

Texts are built once per clock and sent to everyone concerned (notifications.services.notify joins them with
their recipients in the database); recipients are looked up once per batch of clocks.
"""

import functools
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.people import members_in_role, supervisors_over
from notifications.services import Message

from .due import LEGAL_TZ
from .models import Deadline, DeadlineRule

TITLES = {
    "reminder": "【时限提醒】{rule}",
    "overdue": "【逾期督办】{rule}",
    "escalation": "【再次督办】{rule}",
    "reopened": "【恢复计时】{rule}",
}
BODIES = {
    "reminder": "{agency}：“{rule}”将于{due}到期，请及时办理。",
    "overdue": "{agency}：“{rule}”已于{due}逾期未办结，请督促办理。",
    "escalation": "{agency}：“{rule}”自{due}逾期，已超过{days}个工作日仍未办结，请督办。",
    "reopened": "{agency}：节假日安排调整后，“{rule}”的截止时间改为{due}，已恢复计时，此前的逾期提示作废。",
}


class Clock(NamedTuple):
    """What a message says about a clock."""

    pk: int
    due_at: datetime
    agency_id: int
    agency_name: str
    rule_code: str
    rule_name: str

    @classmethod
    def of(cls, deadline: Deadline) -> "Clock":
        rule = deadline.rule
        return cls(
            deadline.pk, deadline.due_at, deadline.agency_id, deadline.agency.name, rule.code, rule.name
        )


def clocks(rows) -> list[Clock]:
    """Clocks from (id, due_at, calendar_id, agency_id, rule_id) rows, with two small look-ups for the names."""
    rows = list(rows)
    agencies = dict(Agency.objects.filter(id__in={row[3] for row in rows}).values_list("id", "name"))
    rules = {pk: (code, name) for pk, code, name in DeadlineRule.objects.values_list("id", "code", "name")}
    return [
        Clock(pk, due_at, agency_id, agencies[agency_id], *rules[rule_id])
        for pk, due_at, _, agency_id, rule_id in rows
    ]


# Built once: reverse() per message cost the busiest sweep a fifth of its time.
URL_SENTINEL = 987654321987654321


def detail_url(pk: int) -> str:
    return _detail_url_template().replace(str(URL_SENTINEL), str(pk))


@functools.cache
def _detail_url_template() -> str:
    return reverse("deadlines:detail", args=[URL_SENTINEL])


def _message(clock: Clock, recipients, *, kind: str, step: int, content_type_id: int) -> Message:
    due = timezone.localtime(clock.due_at, LEGAL_TZ)
    fields = {
        "rule": f"{clock.rule_code} {clock.rule_name}",
        "agency": clock.agency_name,
        "due": f"{due.year}年{due.month}月{due.day}日{due.hour}时{due.minute:02d}分",
        "days": settings.DEADLINE_SECOND_ESCALATION_WORKING_DAYS,
    }
    return Message(
        recipient_ids=tuple(recipients),
        # One message per clock, kind, step and due time: a recomputed due time is a new occasion.
        key=f"deadline:{clock.pk}:{kind}:{step}:{clock.due_at:%Y%m%d%H%M}",
        title=TITLES[kind].format(**fields),
        body=BODIES[kind].format(**fields),
        url=detail_url(clock.pk),
        content_type_id=content_type_id,
        object_id=clock.pk,
    )


def to_handlers(items: list[Clock], *, kind: str, step: int) -> list[Message]:
    """One message per clock for the handlers (经办人) of its acting agency."""
    handlers = members_in_role({clock.agency_id for clock in items}, Membership.Role.HANDLER)
    content_type_id = ContentType.objects.get_for_model(Deadline).pk
    return [
        _message(
            clock, handlers.get(clock.agency_id, ()), kind=kind, step=step, content_type_id=content_type_id
        )
        for clock in items
    ]


def to_heads_and_supervisors(items: list[Clock], *, kind: str, step: int) -> list[Message]:
    """One message per clock for its agency's heads and the supervisors (督办) over that agency."""
    agency_ids = {clock.agency_id for clock in items}
    heads = members_in_role(agency_ids, Membership.Role.HEAD)
    supervisors = supervisors_over(agency_ids)
    content_type_id = ContentType.objects.get_for_model(Deadline).pk
    return [
        _message(
            clock,
            heads.get(clock.agency_id, set()) | supervisors.get(clock.agency_id, set()),
            kind=kind,
            step=step,
            content_type_id=content_type_id,
        )
        for clock in items
    ]
