"""Complaints and tip-offs (投诉、举报): recorded by staff or filed online by the public (鄂尔多斯 第九条), then decided
on competence by the receiving agency (宣恩 二(四)2)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit.uscc import validate_uscc
from documents.models import new_verification_code

from ..querysets import ComplaintQuerySet
from .leads import TradingProject
from .revision import Revisioned


class Complaint(ConcurrentTransitionMixin, Revisioned):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint (投诉)")
        TIP_OFF = "tip_off", _("Tip-off (举报)")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit in person")
        ONLINE = "online", _("Online")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received: competence being decided")
        ACCEPTED = "accepted", _("Accepted: handled as a lead")
        NOTIFIED = "notified", _("Not ours: complainant told where to complain")

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    query_code = models.CharField(
        _("query code"), max_length=12, unique=True, default=new_verification_code, editable=False
    )
    received_at = models.DateTimeField(_("received at"))
    # Who complains. Only the receiving agency's staff ever see these (Complaint.identity_visible_to).
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("telephone"), max_length=30, blank=True)
    complainant_address = models.CharField(_("address or email"), max_length=200, blank=True)
    # What about.
    project_name = models.CharField(_("project name"), max_length=200)
    project_code = models.CharField(_("project code"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=TradingProject.Category.choices)
    respondent_name = models.CharField(_("complained-about party"), max_length=200, blank=True)
    respondent_uscc = models.CharField(
        _("its unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    facts = models.TextField(_("facts and request"))
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED, protected=True)
    competent_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("competent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead = models.ForeignKey(
        "Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    notice = models.ForeignKey(
        "documents.Document",
        verbose_name=_("notice (告知书)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # empty when the public filed it online
    submitted_from = models.GenericIPAddressField(null=True, blank=True, editable=False)  # online: the limit
    # The key of the form that created it: a second submit of the same form finds this one (cases.services).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint or tip-off")
        verbose_name_plural = _("complaints and tip-offs")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["submitted_from", "received_at"], name="complaint_online_rate"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.project_name}"

    def get_absolute_url(self):
        return reverse("cases:complaint", args=[self.pk])

    def identity_visible_to(self, user) -> bool:
        """The complainant's identity is the receiving agency's staff's alone: not the supervisors', not the
        agency the matter is referred to."""
        from agencies.models import Membership

        return Membership.objects.active().filter(user=user, agency_id=self.agency_id).exists()

    @transition(field=state, source=State.RECEIVED, target=State.ACCEPTED)
    def accept(self, *, lead, at):
        self.lead, self.decided_at = lead, at

    @transition(field=state, source=State.RECEIVED, target=State.NOTIFIED)
    def decline(self, *, competent, notice, at):
        self.competent_agency, self.notice, self.decided_at = competent, notice, at
