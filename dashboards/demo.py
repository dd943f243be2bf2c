"""A demo supervision notice for `make run` (after seed_demo and seed_demo_cases): one yellow notice from the 宣恩
supervisor on the demo clock with the least time left, if that clock is overdue or endangered (demo cases are made
today, so a fresh demo often has none yet). Made through notice_issue, like a real one. Demo only."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from deadlines import workdays
from deadlines.clocks import calendar_for
from deadlines.due import local_date
from deadlines.models import Deadline

from .models import SupervisionNotice
from .notice_rules import is_pressing
from .notices import RULE, notice_issue

XUANEN = "422825"
MESSAGE = "该事项已逾期（或即将到期），请你单位高度重视，立即组织办理，并于限期内将办理情况书面报送县政务局。"


@transaction.atomic
def seed_demo_notices(*, now=None) -> int:
    """Issue the demo notice unless a notice exists or no demo clock is pressing; return how many were issued."""
    if SupervisionNotice.objects.exists():
        return 0
    now = now or timezone.now()
    clocks = (
        Deadline.objects.running()
        .filter(agency__region__code=XUANEN, confidential=False)
        .exclude(rule__code=RULE)
        .select_related("rule", "agency")
        .order_by("due_at")
    )
    deadline = next((clock for clock in clocks[:50] if is_pressing(clock, now=now)), None)
    if deadline is None:
        return 0
    target = workdays.add_working_days(local_date(now), 3, calendar=calendar_for(deadline.agency).pk)
    notice_issue(
        actor=get_user_model().objects.get(username="xe_supervisor"),
        deadline=deadline,
        grade=SupervisionNotice.Grade.YELLOW,
        message=MESSAGE,
        target_date=target,
    )
    return 1
