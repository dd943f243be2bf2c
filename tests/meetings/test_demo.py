"""make run's demo joint meeting: made through the workflows, once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from deadlines.models import Deadline
from meetings.models import AgendaItem, Body, Decision, Meeting

pytestmark = pytest.mark.django_db


def test_the_demo_meeting_is_seeded_once(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo@2026pass")
    call_command("seed_demo")
    call_command("seed_demo_meetings")
    call_command("seed_demo_meetings")
    body = Body.objects.get()
    assert (body.convener.name, body.office.name, body.members.count()) == (
        "宣恩县人民政府办公室",
        "宣恩县政务服务和大数据管理局",
        16,
    )
    assert Meeting.objects.get().state == Meeting.State.MINUTED
    assert sorted(AgendaItem.objects.values_list("state", flat=True)) == ["approved", "signed"]
    assert Decision.objects.get().state == Decision.State.OPEN
    assert Deadline.objects.filter(rule__code="J1").count() == 2
    assert get_user_model().objects.get(username="xe_convener").check_password("Demo@2026pass")
