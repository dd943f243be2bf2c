"""A head sees an overdue clock in red, reads why it is due when it is, and follows the overdue message."""

import pytest
import time_machine

from deadlines.clocks import deadline_start
from deadlines.sweep import sweep
from tests.concurrency import transactional
from tests.deadlines.conftest import at

from .test_login_flow import log_in

pytestmark = [pytest.mark.e2e, transactional]


def test_head_follows_an_overdue_clock_from_the_board_and_the_inbox(page, live_server, agency, colleague):
    deadline_start(rule="L3", target=agency, agency=agency, triggered_at=at(2026, 9, 30, 10))
    sweep(at(2026, 10, 14, 9))
    with time_machine.travel(at(2026, 10, 14, 10), tick=True):
        log_in(page, live_server, "colleague")
        badge = page.locator(".clock-list .clock-badge").first
        assert badge.inner_text().strip() == "逾期 1 个工作日"
        assert "text-bg-danger" in badge.get_attribute("class")

        page.get_by_role("link", name="L3 不属本部门职责的，退回案件材料并书面说明理由").click()
        page.get_by_text("第5个工作日为10月13日，截止10月13日24时").wait_for()
        assert "标记逾期" in page.locator("table").inner_text()

        page.get_by_role("link", name="消息").click()
        page.get_by_text("【逾期督办】L3 不属本部门职责的，退回案件材料并书面说明理由").wait_for()
        page.get_by_role("button", name="查看").first.click()
        page.get_by_role("heading", name="L3 不属本部门职责的，退回案件材料并书面说明理由").wait_for()
        assert page.get_by_role("link", name="消息").inner_text().strip() == "消息"  # no unread badge left
