"""我的待办 with coloured clocks, a deadline's page, the provisional-year banner and the admin calendar."""

import pytest
import time_machine
from django.urls import reverse

from deadlines.board import AMBER, GREEN, GREY, RED, board_for
from deadlines.clocks import deadline_pause, deadline_start
from deadlines.sweep import sweep
from tests.admin_pages import labels, untranslated
from tests.factories import UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def clocks(agency):
    """Three clocks received on different days, seen on Monday 12 October 2026."""
    return {
        "late": deadline_start(rule="L1", target=agency, agency=agency, triggered_at=at(2026, 9, 28, 9)),
        "tomorrow": deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 9)),
        "later": deadline_start(rule="L5", target=agency, agency=agency, triggered_at=at(2026, 10, 9, 9)),
    }


def test_board_sorts_by_time_left_and_colours_urgency(clocks, agency):
    board = board_for(agency, now=at(2026, 10, 12, 10))
    assert [view.deadline for view in board] == [clocks["late"], clocks["tomorrow"], clocks["later"]]
    assert [view.urgency for view in board] == [RED, AMBER, GREEN]
    # L1: 3 working days from 28 September is 30 September; 12 October is 3 working days later.
    assert board[0].working_days_late == 3
    assert board[1].working_days_left == 1
    assert board[2].working_days_left == 8  # L5: 10 working days from 9 October end on 22 October


def test_a_paused_clock_is_grey(clocks, agency, insider):
    deadline_pause(actor=insider, deadline=clocks["later"], reason="补正", at=at(2026, 10, 12, 9))
    assert board_for(agency, now=at(2026, 10, 12, 10))[-1].urgency == GREY


@time_machine.travel(at(2026, 10, 12, 10), tick=False)
def test_home_shows_my_agencys_clocks_in_colour(client_for, insider, clocks):
    text = client_for(insider).get(reverse("dashboards:home")).text
    assert text.index("L1 ") < text.index("L3 ") < text.index("L5 ")
    assert "text-bg-danger" in text
    assert "text-bg-warning" in text
    assert "text-bg-success" in text
    assert "逾期 3 个工作日" in text
    assert "剩 1 个工作日" in text


@time_machine.travel(at(2026, 10, 12, 10), tick=False)
def test_home_does_not_show_other_agencies_clocks(client_for, outsider, clocks):
    assert "L3 " not in client_for(outsider).get(reverse("dashboards:home")).text


def detail(deadline):
    return reverse("deadlines:detail", args=[deadline.pk])


def test_deadline_page_explains_itself_and_shows_history(client_for, insider, agency):
    deadline = deadline_start(
        actor=insider, rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10)
    )
    sweep(at(2026, 10, 14, 9))
    text = client_for(insider).get(detail(deadline)).text
    assert (
        "2026-09-30 收到案件材料；10月1日至7日国庆节休息；10月10日（星期六）调休上班；第5个工作日为10月13日"
        in text
    )
    assert "宣公管委〔2020〕5号）二（四）3" in text
    assert "标记逾期" in text
    assert agency.name in text


def test_supervisor_sees_the_deadline_page(client_for, supervisor, agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    assert client_for(supervisor).get(detail(deadline)).status_code == 200


def test_outsider_gets_404(client_for, outsider, agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    assert client_for(outsider).get(detail(deadline)).status_code == 404


def test_foreign_supervisor_gets_404(client_for, foreign_supervisor, agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    assert client_for(foreign_supervisor).get(detail(deadline)).status_code == 404


def test_anonymous_is_sent_to_login(client, agency):
    deadline = deadline_start(rule="L3", target=agency, agency=agency)
    assert client.get(detail(deadline)).status_code == 302


@time_machine.travel(at(2026, 11, 23, 10), tick=False)
def test_supervisors_and_administrators_see_the_provisional_banner(client_for, supervisor, insider):
    banner = "2027 年的节假日安排尚未公布"
    publish = reverse("admin:deadlines_calendaryear_add")
    seen_by_supervisor = client_for(supervisor).get("/").text
    assert banner in seen_by_supervisor
    # A supervisor cannot publish it, so is not told to run a command or use the admin.
    assert "由系统管理员发布" in seen_by_supervisor
    assert publish not in seen_by_supervisor
    assert "manage.py" not in seen_by_supervisor
    assert banner not in client_for(insider).get("/").text
    administrator = client_for(UserFactory(is_staff=True, is_superuser=True)).get("/").text
    assert banner in administrator
    assert f'<a href="{publish}">在管理后台发布</a>' in administrator


@time_machine.travel(at(2026, 11, 23, 10), tick=False)
def test_the_banner_reads_no_permissions_for_a_supervisor(client_for, supervisor):
    """Only staff reach the admin: the banner asks no one else's permissions (two queries on every page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(supervisor)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").text
    assert "2027 年的节假日安排尚未公布" in page
    assert not [query for query in queries if "auth_permission" in query["sql"]]


@time_machine.travel(at(2026, 11, 23, 10), tick=False)
def test_the_banner_goes_once_the_year_is_published(client_for, supervisor, import_2027):
    import_2027()
    assert "尚未公布" not in client_for(supervisor).get("/").text


def test_a_published_years_admin_page_is_shown_read_only(client_for, national):
    from deadlines.models import CalendarYear

    year = CalendarYear.objects.filter(calendar=national).first()
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).get(reverse("admin:deadlines_calendaryear_change", args=[year.pk]))
    assert response.status_code == 200
    assert 'name="calendar"' not in response.text  # nothing to change: a publication is not edited


def test_admin_year_view_marks_holidays_and_make_up_days(client_for, national):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).get(reverse("admin:deadlines_workcalendar_year", args=[national.pk, 2026]))
    assert response.status_code == 200
    assert response.text.count('<td class="day-holiday"') == 33  # 3+9+3+5+3+3+7 days off in 2026
    assert response.text.count('<td class="day-workday-makeup"') == 6
    assert "248" in response.text


@pytest.mark.parametrize("year", [0, 1, 9999, 10000])
def test_admin_year_view_of_a_year_it_cannot_show_is_404(client_for, national, year):
    admin = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:deadlines_workcalendar_year", args=[national.pk, year])
    assert client_for(admin).get(url).status_code == 404


@pytest.mark.parametrize(("year", "beyond"), [(2, 1), (9998, 9999)])
def test_admin_year_view_links_no_year_it_cannot_show(client_for, national, year, beyond):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).get(reverse("admin:deadlines_workcalendar_year", args=[national.pk, year]))
    assert response.status_code == 200
    assert reverse("admin:deadlines_workcalendar_year", args=[national.pk, beyond]) not in response.text
    other = 2 * year - beyond  # the neighbour on the other side is still linked
    assert reverse("admin:deadlines_workcalendar_year", args=[national.pk, other]) in response.text


def test_admin_pages_for_rules_and_deadlines_render(client_for, agency):
    admin = UserFactory(is_staff=True, is_superuser=True)
    deadline = deadline_start(rule="C3", target=agency, agency=agency)
    client = client_for(admin)
    for url in (
        reverse("admin:deadlines_deadlinerule_changelist"),
        reverse("admin:deadlines_deadline_changelist"),
        reverse("admin:deadlines_deadline_change", args=[deadline.pk]),
        reverse("admin:deadlines_calendarday_changelist"),
        reverse("admin:deadlines_workcalendar_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_a_deadlines_admin_pages_label_its_fields_and_history_in_chinese(client_for, agency):
    deadline = deadline_start(rule="C3", target=agency, agency=agency)  # with its "started" event inline
    client = client_for(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:deadlines_deadline_changelist"),
        reverse("admin:deadlines_deadline_change", args=[deadline.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert untranslated(page.text) == [], url
    shown = labels(page.text)
    for label in ("对象类型", "对象编号", "下次提醒时间", "提醒轮次", "下次督办时间", "督办轮次", "轮次"):
        assert any(text.startswith(label) for text in shown), (label, shown)


def test_an_hour_rule_shows_hours_left(agency):
    deadline_start(rule="C3", target=agency, agency=agency, triggered_at=at(2026, 10, 12, 9, 30))
    (view,) = board_for(agency, now=at(2026, 10, 12, 10))
    assert (view.hours_left, view.urgency) == (24, AMBER)
