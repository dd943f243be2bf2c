"""The half-year reminder (宣恩 二(一): 联席会议原则上每半年召开一次全体成员工作会议): when a half year is 20
working days or less from its end and the body has no plenary scheduled in it, the office is reminded.

Run from Celery beat (`plenary_reminders_task`) as often as it likes: the message's key names the body and the
half year, so each office person gets it once per half year however often the job runs, or on how many workers.
"""

from datetime import date, datetime, time

from django.utils import timezone

from deadlines import workdays
from deadlines.clocks import calendar_for
from deadlines.due import LEGAL_TZ, local_date
from notifications.services import notify

from .models import Body, Meeting
from .workflows import OFFICE_ROLES, day_words, message_about, people

WORKING_DAYS_BEFORE_END = 20


def half_year(day: date) -> tuple[date, date, str]:
    """The half year containing `day`: its first and last days and its name, e.g. 2026H2."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30), f"{day.year}H1"
    return date(day.year, 7, 1), date(day.year, 12, 31), f"{day.year}H2"


def plenary_reminders(now: datetime | None = None) -> int:
    """Remind the office of each body whose half year ends within 20 working days with no plenary scheduled in
    it; return the number of bodies concerned (whether or not their office had been reminded before)."""
    now = now or timezone.now()
    today = local_date(now)
    first, last, name = half_year(today)
    start = datetime.combine(first, time.min, tzinfo=LEGAL_TZ)
    end = datetime.combine(last, time.max, tzinfo=LEGAL_TZ)
    scheduled = set(
        Meeting.objects.filter(kind=Meeting.Kind.PLENARY, starts_at__range=(start, end))
        .exclude(state=Meeting.State.CANCELLED)
        .values_list("body_id", flat=True)
    )
    messages = []
    for body in Body.objects.exclude(pk__in=scheduled).select_related("office"):
        calendar = calendar_for(body.office).pk
        if workdays.working_days_between(today, last, calendar=calendar) > WORKING_DAYS_BEFORE_END:
            continue
        recipients = people([body.office_id], *OFFICE_ROLES) | {
            user_id for user_id in (body.office_head_id, body.office_deputy_id) if user_id
        }
        half = "上半年" if name.endswith("H1") else "下半年"
        messages.append(
            message_about(
                recipients,
                f"meeting-plenary-reminder:{body.pk}:{name}",
                f"【联席会议提醒】{first.year}年{half}全体会议尚未安排",
                f"{body.name}{first.year}年{half}尚未安排全体成员工作会议（原则上每半年召开一次），"
                f"本半年于{day_words(last)}结束，请及时筹备。",
                body,
            )
        )
    notify(messages, now=now)
    return len(messages)
