"""python manage.py workcalendar import FILE: all or nothing, with line numbers."""

from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command

from deadlines import workdays
from deadlines.models import CalendarDay, CalendarYear

from .conftest import CALENDAR_2027

pytestmark = pytest.mark.django_db


def write(tmp_path, text):
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_publishes_the_years_it_contains(tmp_path, national, capsys):
    call_command("workcalendar", "import", str(write(tmp_path, CALENDAR_2027)))
    assert CalendarYear.objects.filter(calendar=national, year=2027).exists()
    assert CalendarDay.objects.filter(calendar=national, date__year=2027).count() == 4
    assert workdays.is_provisional(date(2027, 3, 1)) is False
    assert "2027" in capsys.readouterr().out


def test_import_replaces_the_years_days(tmp_path, national):
    call_command("workcalendar", "import", str(write(tmp_path, CALENDAR_2027)))
    call_command("workcalendar", "import", str(write(tmp_path, "date,kind,name\n2027-01-01,holiday,元旦\n")))
    assert list(
        CalendarDay.objects.filter(calendar=national, date__year=2027).values_list("date", flat=True)
    ) == [date(2027, 1, 1)]


# The notice for 2024 (国办发明电〔2023〕7号) gives New Year 2024 as 30 December 2023 to 1 January 2024.
NOTICE_WITH_DAYS_OF_THE_YEAR_BEFORE = CALENDAR_2027 + "2026-12-31,holiday,元旦\n"


def test_a_file_for_one_year_enters_its_days_of_the_year_before_without_replacing_that_year(
    tmp_path, national
):
    days_2026 = CalendarDay.objects.filter(calendar=national, date__year=2026).count()
    published_2026 = CalendarYear.objects.get(calendar=national, year=2026).published_at
    call_command("workcalendar", "import", str(write(tmp_path, NOTICE_WITH_DAYS_OF_THE_YEAR_BEFORE)))
    assert CalendarDay.objects.filter(calendar=national, date__year=2026).count() == days_2026 + 1
    assert workdays.is_workday(date(2026, 10, 1)) is False  # 国庆 2026 is still a holiday
    assert workdays.is_workday(date(2026, 12, 31)) is False
    assert CalendarYear.objects.get(calendar=national, year=2026).published_at == published_2026
    assert CalendarYear.objects.filter(calendar=national, year=2027).exists()


def test_the_years_a_file_is_for_can_be_named(tmp_path, national, capsys):
    text = "date,kind,name\n2027-01-01,holiday,元旦\n2028-01-01,holiday,元旦\n"
    with pytest.raises(CommandError) as error:
        call_command("workcalendar", "import", str(write(tmp_path, text)))
    assert "--year" in str(error.value)
    with pytest.raises(CommandError):
        call_command("workcalendar", "import", str(write(tmp_path, text)), "--year", "2029")
    assert not CalendarYear.objects.filter(year__in=[2027, 2028]).exists()
    call_command("workcalendar", "import", str(write(tmp_path, text)), "--year", "2027", "--year", "2028")
    assert set(CalendarYear.objects.filter(year__in=[2027, 2028]).values_list("year", flat=True)) == {
        2027,
        2028,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("day,kind,name\n2027-01-01,holiday,元旦\n", "第 1 行：第一行必须是表头"),
        ("date,kind,name\n2027-13-01,holiday,元旦\n", "第 2 行：'2027-13-01' 不是形如 2027-01-01 的日期"),
        ("date,kind,name\n2027-01-01,vacation,元旦\n", "第 2 行：kind 只能是 holiday"),
        ("date,kind,name\n2027-01-01,holiday\n", "第 2 行：应有 3 列"),
        ("date,kind,name\n2027-01-01,holiday,\n", "第 2 行：请填写节日名称"),
        (
            "date,kind,name\n2027-01-04,workday,元旦\n",
            "第 2 行：2027-01-04 是周一至周五；调休上班日只能是周六或周日",
        ),
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n", "第 3 行：与第 2 行重复"),
        (
            "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-01,holiday,春节\n",
            "第 3 行：2027-01-01 已在第 2 行出现",
        ),
        ("date,kind,name\n", "文件中没有任何日期"),
    ],
)
def test_bad_files_are_rejected_with_line_numbers_and_change_nothing(tmp_path, national, text, expected):
    with pytest.raises(CommandError) as error:
        call_command("workcalendar", "import", str(write(tmp_path, text)))
    assert expected in str(error.value)
    assert "未导入，未作任何更改" in str(error.value)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_every_bad_line_is_listed_and_good_lines_are_not_kept(tmp_path):
    text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-01-05,workday,春节\n"
    with pytest.raises(CommandError) as error:
        call_command("workcalendar", "import", str(write(tmp_path, text)))
    assert "第 3 行：" in str(error.value)
    assert "第 4 行：" in str(error.value)
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_publish_and_years(national, capsys):
    CalendarDay.objects.create(calendar=national, date=date(2027, 1, 1), kind="holiday", name="元旦")
    call_command("workcalendar", "publish", "2027")
    call_command("workcalendar", "years")
    out = capsys.readouterr().out
    assert "2027\t" in out
    assert "2004\t" in out


def test_unknown_calendar_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No calendar with code 'nowhere'"):
        call_command("workcalendar", "--calendar", "nowhere", "years")


@time_machine.travel("2026-11-23 10:00 +0800", tick=False)
def test_system_check_warns_about_unpublished_years(national):
    from deadlines.checks import unpublished_years

    warnings = unpublished_years(None, databases=["default"])
    assert [warning.id for warning in warnings] == ["deadlines.W001"]  # 2027, in November 2026
    assert "2027" in warnings[0].msg
    assert unpublished_years(None) == []  # only with database checks (migrate, check --database)


def test_a_year_with_no_days_cannot_be_published(national):
    with pytest.raises(CommandError, match="2028 年尚未录入任何节假日"):
        call_command("workcalendar", "publish", "2028")
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_the_admin_refuses_to_publish_an_empty_year(client_for, national):
    from django.urls import reverse

    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        reverse("admin:deadlines_calendaryear_add"),
        {"calendar": national.pk, "year": 2028, "source": "国办发明电"},
    )
    assert response.status_code == 200
    assert "2028 年尚未录入任何节假日" in response.text
    assert not CalendarYear.objects.filter(year=2028).exists()
