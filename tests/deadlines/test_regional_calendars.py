"""A region's calendar layers its own days on the national one and follows the national calendar's published
years (ADR 0006): it publishes none itself, says so, and shows a year as the national calendar has it."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from deadlines import workdays
from deadlines.models import CalendarDay, CalendarYear, WorkCalendar
from tests.factories import UserFactory

from .conftest import CALENDAR_2027

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(national, region):
    return WorkCalendar.objects.create(code="xuanen", name="宣恩县", region=region, parent=national)


@pytest.fixture
def admin(client_for):
    return client_for(UserFactory(is_superuser=True, is_staff=True))


def test_importing_into_a_regions_calendar_enters_its_days_and_publishes_nothing(tmp_path, local, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(CALENDAR_2027, encoding="utf-8")
    call_command("workcalendar", "--calendar", "xuanen", "import", str(path))
    assert CalendarDay.objects.filter(calendar=local, date__year=2027).count() == 4
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert "published" not in capsys.readouterr().out
    assert workdays.is_provisional(date(2027, 3, 1), calendar=local)  # until the national calendar has 2027


def test_a_regions_calendar_cannot_publish_a_year(local, admin):
    CalendarDay.objects.create(calendar=local, date="2027-01-01", kind="holiday", name="元旦")
    with pytest.raises(CommandError, match="只有全国工作日历"):
        call_command("workcalendar", "--calendar", "xuanen", "publish", "2027")
    page = admin.post(
        reverse("admin:deadlines_calendaryear_add"),
        {"calendar": local.pk, "year": 2027, "source": "县政府通知"},
    )
    assert page.status_code == 200
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_regions_year_view_shows_the_national_publication(local, admin):
    page = admin.get(reverse("admin:deadlines_workcalendar_year", args=[local.pk, 2026]))
    assert "已发布" in page.text or "Published" in page.text
    assert "未发布" not in page.text


def test_a_regions_years_are_listed_as_the_national_calendar_publishes_them(
    tmp_path, national, local, capsys
):
    path = tmp_path / "2027.csv"
    path.write_text(CALENDAR_2027, encoding="utf-8")
    call_command("workcalendar", "import", str(path))
    capsys.readouterr()
    call_command("workcalendar", "--calendar", "xuanen", "years")
    out = capsys.readouterr().out
    assert f"Years published by {national}" in out
    assert "2027\t" in out
