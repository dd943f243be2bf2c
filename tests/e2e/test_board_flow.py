"""A supervisor opens the board: the charts are drawn (bars with real size on screen), a bar leads to the list of
the clocks it counts, and the page prints as shown."""

import pytest
import time_machine

from deadlines.clocks import deadline_meet, deadline_start
from deadlines.sweep import sweep
from tests.concurrency import transactional
from tests.deadlines.conftest import at
from tests.factories import DutyItemFactory

from .test_login_flow import log_in

pytestmark = [pytest.mark.e2e, transactional]


def test_supervisor_sees_the_charts_and_follows_a_bar_to_its_clocks(
    page, live_server, agency, other_agency, supervisor, tmp_path
):
    def start(who, on):
        return deadline_start(rule="L3", target=DutyItemFactory(agency=who), agency=who, triggered_at=on)

    start(agency, at(2026, 9, 30, 10))  # overdue by 1 working day on 14 October
    start(agency, at(2026, 9, 25, 10))  # by 4
    start(other_agency, at(2026, 10, 13, 10))  # due 20 October
    deadline_meet(deadline=start(other_agency, at(2026, 9, 21, 10)), at=at(2026, 9, 24, 10))
    sweep(at(2026, 10, 14, 9))
    with time_machine.travel(at(2026, 10, 14, 10), tick=True):
        log_in(page, live_server, "supervisor")
        page.get_by_role("link", name="督办看板").click()
        page.get_by_role("heading", name="督办看板").wait_for()

        charts = page.locator("svg.chart-svg")
        assert charts.count() == 2
        for number in range(2):
            box = charts.nth(number).bounding_box()
            assert box["width"] > 300, box
            assert box["height"] > 40, box
        red = page.locator("svg.chart-svg rect.chart-red").first
        box = red.bounding_box()
        assert min(box["width"], box["height"]) > 5, box
        fill = red.evaluate("element => getComputedStyle(element).fill")
        assert fill == "rgb(220, 53, 69)"  # drawn in red, not black: the stylesheet reached the chart
        page.screenshot(path=tmp_path / "board.png", full_page=True)
        assert (tmp_path / "board.png").stat().st_size > 10_000
        page.emulate_media(media="print")
        assert page.locator("svg.chart-svg rect.chart-red").first.is_visible()
        assert not page.locator("nav.navbar").is_visible()  # the navigation is not printed
        page.emulate_media(media="screen")

        red.click()
        page.get_by_role("heading", name="时限", exact=True).wait_for()
        badges = page.locator("table .clock-badge")
        assert badges.count() == 2
        assert {badges.nth(n).inner_text().strip() for n in range(2)} == {
            "逾期 1 个工作日",
            "逾期 4 个工作日",
        }
