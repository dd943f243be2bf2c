"""A person logs in through a real browser, sees their agency, switches language and agency, and logs out."""

import pytest

from agencies.models import Membership
from tests.concurrency import transactional
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.e2e, transactional]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_handler_logs_in_switches_language_and_logs_out(page, live_server, insider, agency):
    log_in(page, live_server, "insider")
    page.get_by_role("heading", name=agency.name).wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="My tasks").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("button", name="insider").click()  # no name on file: the username stands in
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()


def test_person_in_two_agencies_switches_between_them(page, live_server, insider, agency, other_agency):
    MembershipFactory(user=insider, agency=other_agency, role=Membership.Role.LIAISON)
    log_in(page, live_server, "insider")
    page.get_by_role("heading", name=agency.name).wait_for()
    page.get_by_label("当前单位").select_option(label=other_agency.name)
    page.get_by_role("heading", name=other_agency.name).wait_for()
    assert "联络员" in page.content()


def test_wrong_password_is_explained(page, live_server, insider):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("insider")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("alert").wait_for()
    assert "请输入一个正确的" in page.get_by_role("alert").inner_text()
