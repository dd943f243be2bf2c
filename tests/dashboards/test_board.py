"""The supervisors' board: each person sees exactly their scope, its figures equal counts made independently from
the clocks and referrals, every figure's list holds exactly what it counted, and the page's queries do not grow."""

import csv
import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Membership
from cases.models import Referral
from cases.workflows import referral_receive, referral_return, referral_send
from dashboards.board import BANDS, board
from dashboards.lists import clocks_for
from dashboards.periods import Period
from dashboards.scope import board_scope
from deadlines import workdays
from deadlines.board import clock_view
from deadlines.clocks import deadline_meet, deadline_pause, deadline_start
from deadlines.daily import refresh
from deadlines.due import local_date
from deadlines.models import Deadline
from deadlines.sweep import sweep
from tests.deadlines.conftest import at
from tests.factories import DutyItemFactory, MembershipFactory

NOW = at(2026, 10, 14, 10)  # a Wednesday
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
VIEWS = ["board", "clocks", "statistics", "designations"]


def start(agency, *, on, rule="L3"):
    return deadline_start(rule=rule, target=DutyItemFactory(agency=agency), agency=agency, triggered_at=on)


@pytest.fixture
def clocks(agency, other_agency, foreign_agency, coordinator):
    """Clocks of every kind at NOW: overdue by 1 and by 4 working days, due today, due tomorrow, later, paused, met
    in time and late in October, and a foreign agency's overdue clock that no one here may count."""
    made = [
        start(agency, on=at(2026, 9, 30, 10)),  # L3 due 13 Oct: 1 working day late
        start(
            agency, on=at(2026, 9, 25, 10)
        ),  # due 9 Oct: 4 working days late (10 Oct is a make-up Saturday)
        start(agency, on=at(2026, 9, 25, 10), rule="L2"),  # the same, under another rule
        start(other_agency, on=at(2026, 10, 8, 10)),  # due 14 Oct: today
        start(other_agency, on=at(2026, 10, 9, 10)),  # due 15 Oct: the next working day
        start(other_agency, on=at(2026, 10, 13, 10)),  # due 20 Oct
        start(foreign_agency, on=at(2026, 9, 30, 10)),
    ]
    waiting = start(other_agency, on=at(2026, 10, 13, 10))
    deadline_pause(actor=None, deadline=waiting, reason="等待补正材料。", at=at(2026, 10, 13, 15))
    made.append(waiting)
    met_in_time = start(coordinator, on=at(2026, 9, 30, 10))
    deadline_meet(deadline=met_in_time, at=at(2026, 10, 12, 9))
    met_late = start(agency, on=at(2026, 9, 28, 10))  # due 12 Oct
    deadline_meet(deadline=met_late, at=at(2026, 10, 13, 16))
    sweep(NOW)
    return [*made, met_in_time, met_late]


def independent_open_counts(agency_ids):
    """Per agency: (overdue, due today, due the next working day, running), from deadlines.board.clock_view."""
    counts = {}
    today = local_date(NOW)
    for deadline in Deadline.objects.running().filter(agency_id__in=agency_ids):
        view = clock_view(deadline, now=NOW)
        row = counts.setdefault(deadline.agency_id, [0, 0, 0, 0])
        due_day = local_date(deadline.due_at)
        row[0] += view.is_overdue
        row[1] += not view.is_overdue and due_day == today
        row[2] += due_day == workdays.add_working_days(today, 1, calendar=deadline.calendar_id)
        row[3] += 1
    return counts


def test_a_supervisor_sees_every_agency_of_the_jurisdiction_and_no_other(
    supervisor, coordinator, agency, other_agency, foreign_agency
):
    scope = board_scope(supervisor)
    assert set(scope.ids) == {coordinator.pk, agency.pk, other_agency.pk}
    assert scope.jurisdiction


def test_a_head_sees_only_the_agency_they_head(colleague, agency):
    scope = board_scope(colleague)
    assert (scope.ids, scope.jurisdiction) == ([agency.pk], False)


def test_handlers_and_outsiders_have_no_board(db, insider, outsider, client_for, client):
    assert board_scope(insider) is None
    for user in (insider, outsider):
        for name in VIEWS:
            assert client_for(user).get(reverse(f"dashboards:{name}")).status_code == 403, name
        assert client_for(user).get(reverse("dashboards:decisions", args=["returned"])).status_code == 403
    client.logout()
    assert client.get(reverse("dashboards:board")).status_code == 302


def test_the_navigation_shows_the_board_to_supervisors_and_heads_only(
    insider, colleague, supervisor, client_for
):
    url = reverse("dashboards:board")
    assert url in client_for(supervisor).get("/").text
    assert url in client_for(colleague).get("/").text
    assert url not in client_for(insider).get("/").text


def test_the_figures_equal_counts_made_from_the_clocks(clocks, supervisor, agency, other_agency, coordinator):
    figures = board(board_scope(supervisor), OCTOBER, now=NOW)
    expected = independent_open_counts([agency.pk, other_agency.pk, coordinator.pk])
    for row in figures.agencies:
        counted = expected.get(row.agency.pk, [0, 0, 0, 0])
        assert [row.open.overdue, row.open.due_today, row.open.due_soon, row.open.total] == counted, (
            row.agency
        )
    assert [figures.total_open.overdue, figures.total_open.due_today, figures.total_open.due_soon] == [
        3,
        1,
        1,
    ]
    mine = next(row for row in figures.agencies if row.agency == agency)
    assert mine.open.late == [1, 0, 2, 0, 0]  # one clock 1 working day late, two 4 days late


def test_outcomes_in_the_period_and_the_on_time_rate(clocks, supervisor, agency, coordinator):
    figures = board(board_scope(supervisor), OCTOBER, now=NOW)
    by_agency = {row.agency: row.outcome for row in figures.agencies}
    assert (by_agency[coordinator].met_in_time, by_agency[coordinator].rate) == (1, 1.0)
    assert (by_agency[agency].met_late, by_agency[agency].overdue) == (1, 3)
    assert by_agency[agency].rate == 0
    assert figures.total_outcome.rate == 1 / 5


@pytest.mark.parametrize("bucket", ["overdue", "due_today", "due_soon", "later", "paused", "running"])
def test_each_list_holds_exactly_the_clocks_its_figure_counts(clocks, supervisor, bucket):
    scope = board_scope(supervisor)
    figures = board(scope, OCTOBER, now=NOW)
    total = 0
    for row in figures.agencies:
        listed = clocks_for(scope, {"agency": row.agency, "bucket": bucket}, today=local_date(NOW))
        counted = row.open.total if bucket == "running" else getattr(row.open, bucket)
        assert listed.count() == counted, (row.agency, bucket)
        total += counted
    assert total, f"the fixture has no {bucket} clock, so this comparison proves nothing"


def test_each_band_lists_exactly_its_clocks(clocks, supervisor, agency):
    scope = board_scope(supervisor)
    mine = next(row for row in board(scope, OCTOBER, now=NOW).agencies if row.agency == agency)
    for band in range(len(BANDS)):
        listed = clocks_for(scope, {"agency": agency, "band": band}, today=local_date(NOW))
        assert listed.count() == mine.open.late[band], band


def test_outcome_lists_match_their_figures(clocks, supervisor):
    scope = board_scope(supervisor)
    figures = board(scope, OCTOBER, now=NOW)
    for outcome in ("met_in_time", "met_late", "overdue", "pending"):
        listed = clocks_for(
            scope, {"outcome": outcome, "start": OCTOBER.start, "end": OCTOBER.end}, today=NOW.date()
        )
        assert listed.count() == getattr(figures.total_outcome, outcome), outcome


def test_a_head_counts_only_their_agency(clocks, colleague, agency):
    figures = board(board_scope(colleague), OCTOBER, now=NOW)
    assert [row.agency for row in figures.agencies] == [agency]
    assert figures.total_open.total == Deadline.objects.running().filter(agency=agency).count()


def test_the_board_page_draws_its_charts_and_links_every_figure(
    clocks, supervisor, client_for, foreign_agency
):
    with time_machine.travel(NOW, tick=False):
        response = client_for(supervisor).get(
            reverse("dashboards:board") + "?start=2026-10-01&end=2026-10-31"
        )
    assert response.status_code == 200
    text = response.text
    assert text.count("<svg") >= 2
    assert "<rect" in text
    assert foreign_agency.name not in text
    assert f"{reverse('dashboards:clocks')}?agency=" in text


def test_the_board_reads_a_fixed_handful_of_queries_whatever_the_clocks(
    supervisor, client_for, agency, other_agency, django_assert_max_num_queries
):
    client = client_for(supervisor)
    scope = board_scope(supervisor)

    def page_queries():
        refresh()
        with time_machine.travel(NOW, tick=False):
            client.get(reverse("dashboards:board"))  # the calendar cache is warm from here on, as in service
            # The board's own: the rules' names, five grouped queries and the open supervision notices.
            with django_assert_max_num_queries(7):
                board(scope, OCTOBER, now=NOW)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("dashboards:board")).status_code == 200
        return len(queries)

    for day in range(1, 10):
        start(agency, on=at(2026, 9, day, 10))
    few = page_queries()
    for day in range(1, 30):
        start(other_agency, on=at(2026, 9, day, 10), rule="L2")
        start(agency, on=at(2026, 10, day % 12 + 1, 10))
    assert page_queries() == few


@pytest.fixture
def returned_twice(approved, insider, other_agency, receiver_handler, receiver_head):
    """The approved lead referred to the other agency and returned, twice; the last referral."""
    for _ in range(2):
        referral = referral_send(
            actor=insider,
            lead=approved,
            receiver=other_agency,
            destination=Referral.Destination.SUPERVISORY,
            method=Referral.Method.DIRECT,
            legal_basis="《中华人民共和国招标投标法实施条例》第四十条",
            materials=[{"name": "开标记录", "copies": 1, "pages": 3, "is_original": True, "note": ""}],
        )
        referral = referral_receive(actor=receiver_handler, referral=referral)
        referral_return(actor=receiver_head, referral=referral, reasons=f"第{referral.pk}号不属本局职责。")
        approved.refresh_from_db()
    return referral


def test_returns_forwards_and_leads_returned_twice(
    approved, returned_twice, agency, other_agency, supervisor, client_for
):
    referral = returned_twice
    today = local_date(referral.decided_at)
    figures = board(board_scope(supervisor), Period(today, today), now=referral.decided_at)
    by_agency = {row.agency: row for row in figures.agencies}
    assert (by_agency[other_agency].returned, by_agency[other_agency].forwarded) == (2, 0)
    assert by_agency[agency].needs_designation == 1
    client = client_for(supervisor)
    listed = client.get(reverse("dashboards:decisions", args=["returned"]), {"agency": other_agency.pk})
    assert listed.text.count(approved.get_absolute_url()) == 2
    assert approved.get_absolute_url() in client.get(reverse("dashboards:designations")).text


def test_the_lists_behind_the_figures_page_through_every_row(
    approved, returned_twice, other_agency, supervisor, client_for, monkeypatch
):
    # They held the first 500 rows and said nothing of the rest; now pages, two of one row each here.
    from dashboards import board_views

    monkeypatch.setattr(board_views, "PAGE_SIZE", 1)
    client = client_for(supervisor)
    url = reverse("dashboards:decisions", args=["returned"])
    first = client.get(url, {"agency": other_agency.pk}).text
    assert "1 / 2" in first
    assert f"?agency={other_agency.pk}&amp;page=2" in first  # the filter stays
    second = client.get(url, {"agency": other_agency.pk, "page": 2}).text
    reasons = [f"第{pk}号" for pk in approved.referrals.values_list("pk", flat=True)]
    assert [reason in first for reason in reasons] == [reason not in second for reason in reasons]
    assert "1 / 1" not in client.get(reverse("dashboards:designations")).text  # one lead, one page


LISTS = [
    reverse("dashboards:clocks"),
    reverse("dashboards:decisions", args=["returned"]),
    reverse("dashboards:designations"),
]


@pytest.mark.parametrize("url", LISTS)
def test_a_list_for_an_agency_outside_the_scope_is_404(supervisor, foreign_agency, client_for, url):
    response = client_for(supervisor).get(url, {"agency": foreign_agency.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("url", LISTS)
def test_a_list_for_an_agency_named_in_other_digits_is_404(supervisor, client_for, url):
    # "²" and "٣" are digits to str.isdigit(); "²" is no number to int().
    for value in ("²", "٣"):
        assert client_for(supervisor).get(url, {"agency": value}).status_code == 404, value


def test_a_page_link_in_other_digits_starts_from_the_first_page(clocks, supervisor, client_for):
    client = client_for(supervisor)
    with time_machine.travel(NOW, tick=False):
        first = client.get(reverse("dashboards:clocks"), {"bucket": "running"})
        for after in ("²", "٣", "9" * 30):
            response = client.get(reverse("dashboards:clocks"), {"bucket": "running", "after": after})
            assert response.status_code == 200, after
            assert [row[0] for row in response.context["rows"]] == [row[0] for row in first.context["rows"]]


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "0001-01-02"), ("9999-12-25", "9999-12-31"), ("1999-12-31", "2000-01-31")],
)
def test_a_period_outside_the_portals_years_is_refused_on_the_form(supervisor, client_for, start, end):
    client = client_for(supervisor)
    with time_machine.travel(NOW, tick=False):
        for name in ("board", "statistics"):
            response = client.get(reverse(f"dashboards:{name}"), {"start": start, "end": end})
            assert response.status_code == 200, name
            [error] = response.context["form"].errors.as_data()["start"]
            assert error.code == "year_out_of_range"
            assert "2027" in error.messages[0]  # up to next year
            assert error.messages[0] in response.text
        # The referral lists read the same form, and show this month's instead.
        response = client.get(
            reverse("dashboards:decisions", args=["returned"]), {"start": start, "end": end}
        )
        assert response.context["period"] == Period(date(2026, 10, 1), date(2026, 10, 31))


def test_clock_downloads_have_chinese_headers_and_every_row(clocks, supervisor, client_for, agency):
    client = client_for(supervisor)
    response = client.get(
        reverse("dashboards:clocks"), {"agency": agency.pk, "bucket": "running", "format": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["办理阶段", "办理单位", "关联事项"]
    assert len(lines) - 1 == Deadline.objects.running().filter(agency=agency).count() == 3
    response = client.get(
        reverse("dashboards:clocks"), {"agency": agency.pk, "bucket": "running", "format": "xlsx"}
    )
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 4
    assert "办理阶段" in sheet  # constant-memory mode writes strings inline


def test_statistics_count_referrals_and_clocks_per_agency(clocks, supervisor, client_for, agency):
    client = client_for(supervisor)
    response = client.get(reverse("dashboards:statistics"), {"start": "2026-10-01", "end": "2026-10-31"})
    assert response.status_code == 200
    assert agency.name in response.text
    download = client.get(
        reverse("dashboards:statistics"), {"start": "2026-10-01", "end": "2026-10-31", "format": "csv"}
    )
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    header, rows = lines[0], {line[0]: line for line in lines[1:]}
    assert header[:3] == ["单位", "收到移送", "移送出"]
    late = header.index("逾期")
    assert rows[agency.name][late] == "4"  # met late 1, overdue 3


def test_a_head_of_agencies_in_two_regions_sees_both_and_no_jurisdiction(colleague, foreign_agency):
    MembershipFactory(agency=foreign_agency, role=Membership.Role.HEAD, user=colleague)
    assert foreign_agency.pk in board_scope(colleague).ids
    assert not board_scope(colleague).jurisdiction


def test_a_head_who_supervises_a_foreign_region_gets_that_jurisdiction_and_keeps_the_own_agency(
    colleague, agency, foreign_agency
):
    MembershipFactory(agency=foreign_agency, role=Membership.Role.SUPERVISOR, user=colleague)
    scope = board_scope(colleague)
    assert {agency.pk, foreign_agency.pk} <= set(scope.ids)
    assert scope.jurisdiction


def test_an_open_supervision_notice_shows_on_the_boards_of_its_scope(
    clocks, supervisor, colleague, outsider, agency, client_for
):
    from dashboards.notices import notice_issue

    late = clocks[0]
    with time_machine.travel(NOW, tick=False):
        notice = notice_issue(
            actor=supervisor,
            deadline=late,
            grade="yellow",
            message="请于限期内办结。",
            target_date=date(2026, 10, 16),
        )
        shown = client_for(supervisor).get(reverse("dashboards:board")).text
        assert notice.get_absolute_url() in shown
        assert notice.get_absolute_url() in client_for(colleague).get(reverse("dashboards:board")).text
    assert [n.pk for n in board(board_scope(colleague), OCTOBER, now=NOW).notices] == [notice.pk]
    assert board_scope(outsider) is None  # a handler of another agency has no board at all


def test_the_clock_list_offers_a_notice_where_the_supervisor_may_issue_one(
    clocks, supervisor, colleague, client_for
):
    from dashboards.notice_rules import may_issue

    url = reverse("dashboards:clocks") + "?bucket=running"
    with time_machine.travel(NOW, tick=False):
        page = client_for(supervisor).get(url).text
        for deadline in Deadline.objects.running():
            offered = reverse("dashboards:notice_new", args=[deadline.pk]) in page
            assert offered == may_issue(supervisor, deadline, now=NOW), deadline
        page = client_for(colleague).get(url).text
        for deadline in Deadline.objects.running():  # a head does not supervise
            assert reverse("dashboards:notice_new", args=[deadline.pk]) not in page, deadline


@pytest.mark.parametrize(
    ("table", "header"), [("agencies", "单位"), ("stages", "办理阶段"), ("late", "单位")]
)
def test_each_table_of_the_board_downloads(clocks, supervisor, client_for, table, header, agency):
    with time_machine.travel(NOW, tick=False):
        response = client_for(supervisor).get(
            reverse("dashboards:board"),
            {"start": "2026-10-01", "end": "2026-10-31", "table": table, "format": "csv"},
        )
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][0] == header
    rows = {line[0]: line for line in lines[1:]}
    if table == "agencies":
        assert rows[agency.name][1] == "3"  # overdue now, as on the page
    elif table == "late":
        assert rows[agency.name][1:] == ["1", "0", "2", "0", "0"]


def test_the_notice_list_downloads(clocks, supervisor, client_for):
    from dashboards.notices import notice_issue

    with time_machine.travel(NOW, tick=False):
        notice_issue(
            actor=supervisor,
            deadline=clocks[0],
            grade="red",
            message="限期办结。",
            target_date=date(2026, 10, 16),
        )
        response = client_for(supervisor).get(reverse("dashboards:notice_list"), {"format": "xlsx"})
    sheet = (
        zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        .read("xl/worksheets/sheet1.xml")
        .decode()
    )
    assert sheet.count("<row ") == 2
    assert "红色督办" in sheet
