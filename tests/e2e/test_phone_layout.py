"""The pages a UX review found too wide on a phone (390 px wide, Chromium), on make run's demo data: none of them
scrolls sideways, in Chinese or in English, the case list keeps the project, its state and its clock, and a message's
查看 stays on one line."""

import pytest
from django.core.management import call_command

from cases.models import Lead
from meetings.models import Meeting
from tests.concurrency import transactional
from tests.factories import TEST_PASSWORD

from .test_login_flow import log_in

pytestmark = [pytest.mark.e2e, transactional]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(settings, monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DEMO_PASSWORD", TEST_PASSWORD)
    settings.DEBUG = True  # the seeds refuse to run without it
    for command in ("seed_demo", "seed_demo_cases", "seed_demo_meetings"):
        call_command(command, verbosity=0)
    settings.DEBUG = False


def page_width(page, path):
    page.goto(path)
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_reviewed_pages_fit_a_phone(new_page, live_server, demo):
    # The lead with the longest trail: filed, verified, approved, sent, signed for and accepted.
    lead = Lead.objects.filter(referrals__state="acceptance_notified").get()
    meeting = Meeting.objects.get()
    for username, paths in [
        ("xe_handler", ["/cases/", lead.get_absolute_url(), meeting.get_absolute_url(), "/notifications/"]),
        ("xe_supervisor", ["/board/statistics/", meeting.get_absolute_url()]),
    ]:
        page = new_page(viewport=PHONE)
        log_in(page, live_server, username)
        for language in ("zh-hans", "en"):  # English words are longer and break only at spaces
            page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for path in paths:
                assert page_width(page, live_server.url + path) <= PHONE["width"], (username, language, path)
                assert page.locator("html").get_attribute("lang") == language
            if username == "xe_handler":
                check_case_list(page, live_server, language)
                check_messages(page, live_server)


def check_case_list(page, live_server, language):
    page.goto(f"{live_server.url}/cases/")
    table = page.locator("table").first
    header = "来源" if language == "zh-hans" else "Source"
    assert table.get_by_role("columnheader", name=header).is_hidden()  # shown from the md breakpoint up
    # The visible columns fit without scrolling the table's box, and a project's name is not one character a line.
    box = page.locator(".table-responsive").first
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    project = table.locator("tbody tr td:first-child a").first
    assert project.bounding_box()["width"] > 80


def check_messages(page, live_server):
    page.goto(f"{live_server.url}/notifications/")
    buttons = page.locator("main form button[type=submit].btn-link")
    assert buttons.count() > 0
    for button in buttons.all():
        assert button.evaluate(
            "b => b.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(b).lineHeight)"
        )
