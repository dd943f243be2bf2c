"""Write notifications (the outbox) and send their emails.

`notify` writes rows in the caller's transaction; nothing is sent there. `send_due_emails` runs in a worker,
claims each row with a conditional update, sends it and records the outcome, retrying with backoff.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import F
from django.utils import timezone

from config.text import fit

from .models import Notification

logger = logging.getLogger(__name__)
# A row left in SENDING this long belongs to a worker that died mid-send: send it again.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Message:
    """One text for one or more people (a row each); `key` makes it unique per person."""

    recipient_ids: tuple[int, ...]
    key: str
    title: str
    body: str
    url: str = ""
    content_type_id: int | None = None
    object_id: int | None = None


def quiet_until(moment: datetime) -> datetime:
    """`moment`, or the end of the quiet hours (settings.NOTIFICATION_QUIET_HOURS) when it falls inside them."""
    start, end = settings.NOTIFICATION_QUIET_HOURS
    local = timezone.localtime(moment, timezone.get_default_timezone())
    clock = local.time()
    wraps = start > end  # e.g. 22:00-07:00
    inside = (clock >= start or clock < end) if wraps else (start <= clock < end)
    if not inside:
        return moment
    release = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if release <= local:
        release += timedelta(days=1)
    return release


def notify(messages: list[Message], *, now: datetime, batch: int = 500) -> None:
    """Write one notification per message and recipient, skipping (recipient, key) pairs that exist already.

    Each text is sent to the database once and joined with its recipients there: the deadline sweep writes tens
    of thousands of rows a minute at its busiest, and building a model instance per row cost it most of its time.
    Plain SQL that PostgreSQL and SQLite both run (VALUES in a WITH clause, INSERT … ON CONFLICT DO NOTHING).
    """
    deliver_after = quiet_until(now)
    table = Notification._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    for offset in range(0, len(messages), batch):
        chunk = [message for message in messages[offset : offset + batch] if message.recipient_ids]
        if not chunk:
            continue
        texts = [
            (
                number,
                m.key,
                fit(m.title, Notification, "title"),
                m.body,
                m.url,
                m.content_type_id,
                m.object_id,
            )
            for number, m in enumerate(chunk)
        ]
        people = [(number, recipient) for number, m in enumerate(chunk) for recipient in set(m.recipient_ids)]
        sql = (
            f"WITH msg (number, msg_key, title, body, url, content_type_id, object_id) AS (VALUES {_rows(7, len(texts))}), "
            f"person (number, recipient_id) AS (VALUES {_rows(2, len(people))}) "
            f'INSERT INTO {table} (recipient_id, "key", title, body, url, content_type_id, object_id, created_at, '
            "deliver_after, read_at, email_state, email_attempts, email_next_attempt_at, email_claimed_at, "
            "email_sent_at, email_error) "
            "SELECT CAST(person.recipient_id AS INTEGER), msg.msg_key, msg.title, msg.body, msg.url, "
            "CAST(msg.content_type_id AS INTEGER), CAST(msg.object_id AS BIGINT), %s, %s, NULL, %s, 0, %s, NULL, "
            "NULL, '' FROM msg JOIN person ON person.number = msg.number WHERE TRUE ON CONFLICT DO NOTHING"
        )
        params = [value for row in texts for value in row] + [value for row in people for value in row]
        params += [adapt(now), adapt(deliver_after), Notification.Email.PENDING, adapt(deliver_after)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _rows(width: int, count: int) -> str:
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


def notification_read(*, actor, notification: Notification, now: datetime) -> None:
    """Mark one of the actor's notifications read (again is harmless)."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(read_at=now)


def notifications_read_all(*, actor, now: datetime) -> int:
    """Mark every delivered notification of the actor read; return how many changed."""
    return Notification.objects.visible_to(actor).unread().update(read_at=now)


def send_due_emails(*, now: datetime, batch: int = 200, max_batches: int = 50) -> int:
    """Send the emails of due notifications, batch after batch until none is left; return how many were sent.

    Safe on several workers at once: each row is claimed with a conditional update before it is sent.
    """
    sent = 0
    for _ in range(max_batches):
        due = Notification.objects.filter(
            email_state=Notification.Email.PENDING, email_next_attempt_at__lte=now
        ) | Notification.objects.filter(
            email_state=Notification.Email.SENDING, email_claimed_at__lt=now - STALE_CLAIM
        )
        rows = list(due.order_by("id").values_list("id", "email_state", "email_claimed_at")[:batch])
        if not rows:
            break
        for pk, state, claimed_at in rows:
            # The claim is conditional on what was read, so of two workers taking over the same abandoned row
            # only one wins; the claim time is the real time, so a long send is not mistaken for abandoned.
            claimed = Notification.objects.filter(
                pk=pk, email_state=state, email_claimed_at=claimed_at
            ).update(
                email_state=Notification.Email.SENDING,
                email_claimed_at=timezone.now(),
                email_attempts=F("email_attempts") + 1,
            )
            if claimed:  # else another worker has it
                sent += _send_one(Notification.objects.select_related("recipient").get(pk=pk), now=now)
    return sent


def _full_url(url: str) -> str:
    """The link as an email needs it: callers store the portal's path (get_absolute_url), which the inbox follows
    as it is but a mail reader cannot."""
    if url.startswith("/"):
        return settings.PORTAL_BASE_URL.rstrip("/") + url
    return url


def _send_one(notification: Notification, *, now: datetime) -> int:
    address = notification.recipient.email
    if not address:
        Notification.objects.filter(pk=notification.pk).update(email_state=Notification.Email.NONE)
        return 0
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "portal.invalid"
    email = EmailMessage(
        subject=notification.title,
        body=f"{notification.body}\n\n{_full_url(notification.url)}".strip(),
        to=[address],
        # A stable Message-ID lets mail servers drop the copy a crashed worker may have sent already.
        headers={"Message-ID": f"<notification-{notification.pk}@{domain}>"},
    )
    try:
        email.send()
    except Exception as error:
        attempts = notification.email_attempts
        final = attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS
        logger.warning("Email for notification %s failed (attempt %s): %s", notification.pk, attempts, error)
        Notification.objects.filter(pk=notification.pk).update(
            email_state=Notification.Email.FAILED if final else Notification.Email.PENDING,
            email_next_attempt_at=now + timedelta(minutes=2**attempts),
            email_error=str(error)[:1000],
        )
        return 0
    Notification.objects.filter(pk=notification.pk).update(
        email_state=Notification.Email.SENT, email_sent_at=now
    )
    return 1
