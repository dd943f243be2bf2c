from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own messages only, and only once they are due (quiet hours hold them back)."""
        if not user.is_authenticated:
            return self.none()
        from django.utils import timezone

        return self.filter(recipient_id=user.pk, deliver_after__lte=timezone.now())

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: shown in the in-app inbox and, when the person has an address, emailed.

    Rows are written in the caller's transaction (the outbox); a worker sends the emails. `key` makes a message
    unique per recipient, so that a retried job or a second worker never duplicates it.
    """

    class Email(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NONE = "none", _("No email address")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created at"))
    deliver_after = models.DateTimeField(_("deliver after"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(_("email"), max_length=10, choices=Email.choices, default=Email.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-deliver_after", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key")]
        indexes = [
            # The inbox and the unread count in the header.
            models.Index(fields=["recipient", "-deliver_after"], name="notification_inbox"),
            # The email relay: messages waiting to be sent.
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_state__in=["pending", "sending"]),
                name="notification_email_outbox",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.title}"
