"""The half-year reminder: the office hears when a half year is 20 working days from its end with no plenary
scheduled (宣恩 二(一): 原则上每半年召开一次全体成员工作会议), once per half year however often the job runs."""

import pytest
import time_machine

from meetings.reminders import plenary_reminders
from meetings.workflows import meeting_cancel
from notifications.models import Notification

from .conftest import at
from .helpers import plan

pytestmark = pytest.mark.django_db


def reminders():
    return Notification.objects.filter(key__startswith="meeting-plenary-reminder:")


def test_no_reminder_earlier_than_20_working_days_before_the_end(body, office_clerk):
    # 2 December 2026: 21 working days left in the half year.
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):
        plenary_reminders()
    assert not reminders().exists()


def test_the_office_is_reminded_once_per_half_year(body, office_clerk, supervisor, insider):
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):  # 20 working days left
        plenary_reminders()
        plenary_reminders()
    with time_machine.travel(at(2026, 12, 21, 10), tick=False):
        plenary_reminders()
    assert sorted(reminders().values_list("recipient__username", flat=True)) == ["office_clerk", "supervisor"]
    assert "下半年" in reminders().first().title
    with time_machine.travel(at(2027, 6, 10, 10), tick=False):  # the next half year is another occasion
        plenary_reminders()
    assert reminders().filter(key__endswith=":2027H1").count() == 2


def test_no_reminder_when_a_plenary_is_scheduled(body, office_clerk):
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        plan(body, office_clerk, when=at(2026, 12, 28, 9))
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        assert plenary_reminders() == 0
    assert not reminders().exists()


def test_an_ad_hoc_meeting_is_no_plenary(body, office_clerk):
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        plan(body, office_clerk, kind="ad_hoc", title="临时会议", when=at(2026, 12, 28, 9))
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        assert plenary_reminders() == 1


def test_a_cancelled_plenary_does_not_count(body, office_clerk):
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        meeting = plan(body, office_clerk, when=at(2026, 12, 28, 9))
        meeting_cancel(actor=office_clerk, meeting=meeting, reason="改期")
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        assert plenary_reminders() == 1
