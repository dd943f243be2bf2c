import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import DocumentQuerySet

# Verification codes: no 0/O or 1/I/L, so that a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class NumberCounter(models.Model):
    """The last number given in one series of one agency in one year (机关代字〔年〕N号)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="number_counters")
    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # One counter per series and year: allocation locks this row (documents/numbers.py).
            models.UniqueConstraint(fields=["agency", "series", "year"], name="numbercounter_unique_series"),
        ]

    def __str__(self):
        return f"{self.agency} {self.series} {self.year}: {self.last}"


class Document(models.Model):
    """An official document (函, 回执, 纪要 …): numbered when issued, rendered to PDF by a worker, then immutable."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter (函)")
        RECEIPT = "receipt", _("Receipt (回执)")
        NOTICE = "notice", _("Notice to a party (告知书)")
        MINUTES = "minutes", _("Minutes (纪要)")
        CIRCULAR = "circular", _("Circular (通知)")
        MEMO = "memo", _("Memorandum (备忘录)")

    class State(models.TextChoices):
        PENDING = "pending", _("Being generated")
        RENDERING = "rendering", _("Being generated")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Generation failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    addressee = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_received",
    )
    # A document sent to many agencies at once (a joint punishment memo to every member department): each of them
    # reads it as the addressee does.
    distribution = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("also sent to"),
        blank=True,
        related_name="documents_distributed",
    )
    series = models.CharField(_("series"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number"))
    number = models.CharField(_("document number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("date of the document"))
    context = models.JSONField(_("content"), default=dict, help_text=_("What the template fills in."))
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # Confidential documents (a suspected crime's 移送书) are read by the issuing and the addressed agencies only,
    # not by the supervisors of their regions.
    confidential = models.BooleanField(_("confidential"), default=False, db_default=False, editable=False)
    verification_code = models.CharField(
        _("verification code"),
        max_length=CODE_LENGTH,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # Named by documents.services.document_render (documents/<year>/<agency>/<code>.pdf), never by upload.
    file = models.FileField(_("file"), blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    rendered_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        ordering = ["-created_at"]
        constraints = [
            # A number is given once: no two documents share agency, series, year and sequence.
            models.UniqueConstraint(
                fields=["agency", "series", "year", "sequence"], name="document_unique_number"
            ),
        ]
        indexes = [
            # The render pass: documents still waiting for their PDF.
            models.Index(
                fields=["created_at"],
                condition=models.Q(state__in=["pending", "failed"]),
                name="document_to_render",
            ),
            # The documents of one object (a referral's page).
            models.Index(fields=["content_type", "object_id"], name="document_target"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])
