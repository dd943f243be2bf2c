"""Emails leave the outbox once, are retried with backoff, and wait for the end of quiet hours."""

from datetime import timedelta

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import Message, notify, quiet_until, send_due_emails
from tests.concurrency import run_concurrently, transactional
from tests.deadlines.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(insider):
    insider.email = "insider@example.gov.cn"
    insider.save()
    return insider


def write(person, key="k1", now=None):
    notify(
        [Message(recipient_ids=(person.pk,), key=key, title="标题", body="正文", url="/x/")],
        now=now or at(2026, 10, 14, 9),
    )


def test_notify_writes_each_key_once_per_person(person):
    write(person)
    write(person)
    assert Notification.objects.filter(recipient=person).count() == 1


def test_a_title_longer_than_its_field_is_cut_with_an_ellipsis(person):
    notify(
        [Message(recipient_ids=(person.pk,), key="long", title="【请指定管辖】" + "某" * 200, body="正文")],
        now=at(2026, 10, 14, 9),
    )
    title = Notification.objects.get(recipient=person).title
    assert len(title) == Notification._meta.get_field("title").max_length
    assert title.startswith("【请指定管辖】某")
    assert title.endswith("…")


def test_an_email_is_sent_once(person):
    write(person)
    assert send_due_emails(now=at(2026, 10, 14, 9, 1)) == 1
    assert send_due_emails(now=at(2026, 10, 14, 9, 2)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["insider@example.gov.cn"]
    assert mail.outbox[0].subject == "标题"
    assert Notification.objects.get().email_state == "sent"


def test_an_emails_link_is_a_full_address_on_the_portal(person, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn/"
    write(person)
    send_due_emails(now=at(2026, 10, 14, 9, 1))
    assert mail.outbox[0].body == "正文\n\nhttps://portal.example.gov.cn/x/"


def test_an_email_without_a_link_ends_with_its_text(person):
    notify(
        [Message(recipient_ids=(person.pk,), key="k1", title="标题", body="正文")], now=at(2026, 10, 14, 9)
    )
    send_due_emails(now=at(2026, 10, 14, 9, 1))
    assert mail.outbox[0].body == "正文"


def test_emails_in_quiet_hours_wait_for_the_morning(person):
    write(person, now=at(2026, 10, 14, 23, 30))
    assert send_due_emails(now=at(2026, 10, 15, 6, 59)) == 0
    assert send_due_emails(now=at(2026, 10, 15, 7, 0)) == 1


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 10, 14, 21, 59), at(2026, 10, 14, 21, 59)),
        (at(2026, 10, 14, 22, 0), at(2026, 10, 15, 7, 0)),
        (at(2026, 10, 15, 3, 0), at(2026, 10, 15, 7, 0)),
        (at(2026, 10, 15, 7, 0), at(2026, 10, 15, 7, 0)),
    ],
)
def test_quiet_until(moment, expected):
    assert quiet_until(moment) == expected


def test_a_person_without_an_address_gets_only_the_inbox_message(insider):
    write(insider)
    assert send_due_emails(now=at(2026, 10, 14, 9, 1)) == 0
    assert Notification.objects.get().email_state == "none"
    assert mail.outbox == []


def test_a_failing_server_is_retried_with_backoff_then_given_up(person, settings, monkeypatch):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    write(person)
    now = at(2026, 10, 14, 9, 1)
    assert send_due_emails(now=now) == 0
    row = Notification.objects.get()
    assert (row.email_state, row.email_attempts, row.email_next_attempt_at) == (
        "pending",
        1,
        now + timedelta(minutes=2),
    )
    assert "mail server down" in row.email_error
    assert send_due_emails(now=now + timedelta(minutes=1)) == 0  # not yet
    assert Notification.objects.get().email_attempts == 1
    send_due_emails(now=now + timedelta(minutes=2))
    send_due_emails(now=now + timedelta(minutes=10))
    row = Notification.objects.get()
    assert (row.email_state, row.email_attempts) == ("failed", 3)


def test_a_send_abandoned_by_a_crashed_worker_is_taken_up_again(person):
    write(person)
    Notification.objects.update(
        email_state="sending", email_claimed_at=at(2026, 10, 14, 9, 0), email_attempts=1
    )
    assert send_due_emails(now=at(2026, 10, 14, 9, 5)) == 0  # maybe still being sent
    assert send_due_emails(now=at(2026, 10, 14, 9, 11)) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<notification-")


@transactional
def test_two_workers_send_each_email_once(person):
    for number in range(20):
        write(person, key=f"k{number}")
    results = run_concurrently(lambda: send_due_emails(now=at(2026, 10, 14, 9, 1)), times=3)
    assert sum(results) == 20
    assert len(mail.outbox) == 20


def test_a_large_outbox_is_drained_in_batches(person):
    for number in range(25):
        write(person, key=f"k{number}")
    assert send_due_emails(now=at(2026, 10, 14, 9, 1), batch=10) == 25


def test_a_long_send_is_not_taken_for_abandoned(person, monkeypatch):
    """The claim time is the real time of the claim, not the start of the run that made it."""
    from django.utils import timezone

    write(person)
    claimed_at = at(2026, 10, 14, 9, 12)
    monkeypatch.setattr(timezone, "now", lambda: claimed_at)
    monkeypatch.setattr("notifications.services._send_one", lambda notification, now: 0)  # the send hangs
    send_due_emails(now=at(2026, 10, 14, 9, 0))  # a run that started at 09:00
    assert Notification.objects.get().email_claimed_at == claimed_at
    monkeypatch.undo()
    assert send_due_emails(now=at(2026, 10, 14, 9, 13)) == 0  # a run at 09:13 leaves it to its sender
