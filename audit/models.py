import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .chain import GENESIS, payload_text
from .querysets import AuditEventQuerySet


class CanonicalJSONField(models.TextField):
    """A JSON object kept as the exact text the chain's hash covers (audit.chain.payload_text), read as a dict.

    Not jsonb: PostgreSQL would re-spell it (key order, spaces, numbers), and verify_audit would have to parse and
    re-encode every payload instead of hashing the stored text.
    """

    def from_db_value(self, value, expression, connection):
        return json.loads(value)

    def get_prep_value(self, value):
        return value if isinstance(value, str) else payload_text(value)


class AuditEvent(models.Model):
    """One entry of the portal's audit log (监督留痕): who did what to which object, for which agency, and when.

    Rows are appended by audit.services.audit_record only, in the transaction of the change they record, and the
    database refuses to update, delete or truncate them (migration 0002). Each row's `hash` covers the previous
    row's hash and the row's canonical form (audit/chain.py), so `manage.py verify_audit` finds any later edit.
    """

    class Action(models.TextChoices):
        # The actions this app and floor 1 record; domain apps pass their own (see audit.timeline for labels).
        LOGGED_IN = "logged_in", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Log-in failed")
        LOCKED_OUT = "locked_out", _("Log-in refused: account locked (账户锁定)")
        DOCUMENT_ISSUED = "document_issued", _("Document issued")
        DOCUMENT_RENDERED = "document_rendered", _("Document generated")
        DOCUMENT_FAILED = "document_failed", _("Document generation failed")
        DOCUMENT_RETRIED = "document_retried", _("Document generation retried")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded")
        # Supervision notices (督办通知) press on clocks, which are floor 1; they are recorded on the clock's item.
        SUPERVISION_YELLOW = "supervision_yellow", _("Yellow supervision notice issued (黄色督办)")
        SUPERVISION_RED = "supervision_red", _("Red supervision notice issued (红色督办)")
        SUPERVISION_ESCALATED = "supervision_escalated", _("Red supervision notice overdue: escalated")
        SUPERVISION_RESOLVED = "supervision_resolved", _("Supervision notice resolved")

    sequence = models.PositiveBigIntegerField(_("sequence"))
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("for agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The actor's roles in that agency, e.g. "handler" or "handler,head".
    role = models.CharField(_("role"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=60)
    # Not indexed alone: the object index below starts with it.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    from_state = models.CharField(_("from state"), max_length=50, blank=True)
    to_state = models.CharField(_("to state"), max_length=50, blank=True)
    payload = CanonicalJSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Text, not inet: the hash covers the exact characters, and inet would re-spell some IPv6 addresses.
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["sequence"]
        constraints = [
            # Gapless and strictly increasing: appends are serialised on AuditHead, and a second writer that got
            # the same number anyway fails here instead of forking the chain. Also serves verify_audit's scan.
            models.UniqueConstraint(fields=["sequence"], name="auditevent_unique_sequence"),
        ]
        indexes = [
            # audit.timeline.timeline_for: one object's events in order.
            models.Index(fields=["content_type", "object_id", "sequence"], name="auditevent_object"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_repr}"


class AuditHead(models.Model):
    """The end of the chain: the last event's sequence and hash, in a single row (id 1).

    Every append locks this row (SELECT … FOR UPDATE) until its transaction ends, so appends take turns and each
    links to the one committed before it. It is a lock and a shortcut, not evidence: verify_audit trusts the
    events and the checkpoints outside the database.
    """

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audithead_single_row")]

    def __str__(self):
        return f"#{self.sequence} {self.hash}"
