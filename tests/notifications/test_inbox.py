import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification
from notifications.services import Message, notify
from tests.deadlines.conftest import at

pytestmark = pytest.mark.django_db


def write(user, key="k1", url="/deadlines/1/", now=None):
    now = now or at(2026, 10, 14, 9)
    notify([Message(recipient_ids=(user.pk,), key=key, title=f"标题{key}", body="正文", url=url)], now=now)
    return Notification.objects.get(recipient=user, key=key)


@time_machine.travel(at(2026, 10, 14, 10), tick=False)
def test_the_inbox_lists_ones_own_messages_and_the_header_counts_unread(client_for, insider, outsider):
    write(insider, "mine")
    write(outsider, "theirs")
    response = client_for(insider).get(reverse("notifications:inbox"))
    assert "标题mine" in response.text
    assert "标题theirs" not in response.text
    assert response.context["unread_notifications"] == 1


@time_machine.travel(at(2026, 10, 14, 23, 30), tick=False)
def test_a_message_held_by_quiet_hours_is_not_shown_yet(client_for, insider):
    write(insider, "night", now=at(2026, 10, 14, 23, 30))
    assert "标题night" not in client_for(insider).get(reverse("notifications:inbox")).text


@time_machine.travel(at(2026, 10, 14, 10), tick=False)
def test_opening_a_message_marks_it_read_and_follows_its_link(client_for, insider):
    message = write(insider)
    response = client_for(insider).post(reverse("notifications:read", args=[message.pk]))
    assert response.status_code == 302
    assert response.url == "/deadlines/1/"
    message.refresh_from_db()
    assert message.read_at is not None


@time_machine.travel(at(2026, 10, 14, 10), tick=False)
def test_an_offsite_link_is_not_followed(client_for, insider):
    message = write(insider, url="https://evil.example/")
    assert client_for(insider).post(reverse("notifications:read", args=[message.pk])).url == reverse(
        "notifications:inbox"
    )


@time_machine.travel(at(2026, 10, 14, 10), tick=False)
def test_outsider_gets_404_on_someone_elses_message(client_for, insider, outsider):
    message = write(insider)
    assert client_for(outsider).post(reverse("notifications:read", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


@time_machine.travel(at(2026, 10, 14, 10), tick=False)
def test_mark_all_read(client_for, insider):
    write(insider, "a")
    write(insider, "b")
    client = client_for(insider)
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(recipient=insider, read_at__isnull=True).count() == 0
    assert client.get(reverse("notifications:inbox")).context["unread_notifications"] == 0


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302


def test_reading_requires_post(client_for, insider):
    message = write(insider)
    assert client_for(insider).get(reverse("notifications:read", args=[message.pk])).status_code == 405
