"""Referrals (移送) of a lead to the competent agency, with their materials catalogue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..querysets import ReferralQuerySet
from .leads import Lead
from .revision import Revisioned


class Referral(ConcurrentTransitionMixin, Revisioned):
    """A referral (移送) of a lead to the competent agency, from sending to the receiver's decision."""

    class Destination(models.TextChoices):
        # 鄂尔多斯 第十一条 (一)-(七) and 宣恩 二(四)1.
        SUPERVISORY = "supervisory", _("Competent supervisory department (行政监督部门)")
        FINANCE = "finance", _("Fund disbursement department: stop funds (资金拨付部门)")
        COMPREHENSIVE = "comprehensive", _("Comprehensive supervisor: bar from trading (综合监督管理部门)")
        POLICE = "police", _("Public security: suspected crime (公安机关)")
        PROCURATORATE_PIL = (
            "procuratorate_pil",
            _("Procuratorate: public-interest litigation lead (检察机关)"),
        )
        DISCIPLINE = "discipline", _("Discipline inspection and supervision (纪检监察机关)")
        JOINT = "joint", _("Several departments together, with the trading center (多部门协同处理)")

    class Method(models.TextChoices):
        DIRECT = "direct", _("Delivered in person (直接送达)")
        POST = "post", _("By post (邮寄送达)")
        EMAIL = "email", _("By email (电子邮件送达)")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTANCE_NOTIFIED = "acceptance_notified", _("Acceptance reported to the sender")
        RETURNED = "returned", _("Returned with reasons")
        FORWARDED = "forwarded", _("Forwarded to the competent organ")
        CONCLUDED = "concluded", _("Handling concluded")
        RESULT_NOTIFIED = "result_notified", _("Result reported to the sender")

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="referrals")
    sender = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_sent")
    receiver = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals_received"
    )
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    method = models.CharField(_("method of delivery"), max_length=10, choices=Method.choices)
    legal_basis = models.TextField(_("legal basis"))
    state = FSMField(_("state"), max_length=20, choices=State.choices, default=State.SENT, protected=True)
    letter = models.ForeignKey(
        "documents.Document", verbose_name=_("referral letter"), on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.ForeignKey(
        "documents.Document",
        verbose_name=_("receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reasons = models.TextField(_("reasons for returning"), blank=True)
    forwarded_to = models.ForeignKey(
        "self",
        verbose_name=_("forwarded as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.TextField(_("result of handling"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        indexes = [
            # The supervisors' board and statistics count referrals per agency by the day they were sent, decided
            # (returned and forwarded ones on the board: a small part of them) and concluded.
            models.Index(fields=["sent_at"], name="referral_sent_at"),
            models.Index(fields=["decided_at"], name="referral_decided_at"),
            models.Index(
                fields=["receiver", "decided_at"],
                include=["state"],
                condition=models.Q(state__in=["returned", "forwarded"]),
                name="referral_returned_forwarded",
            ),
            models.Index(fields=["concluded_at"], name="referral_concluded_at"),
        ]

    def __str__(self):
        return f"{self.sender} → {self.receiver}: {self.lead}"

    @transition(field=state, source=State.SENT, target=State.RECEIVED)
    def receive(self, *, by, at):
        self.received_by, self.received_at = by, at

    @transition(field=state, source=State.RECEIVED, target=State.ACCEPTED)
    def accept(self, *, at):
        self.decided_at = at

    @transition(field=state, source=State.ACCEPTED, target=State.ACCEPTANCE_NOTIFIED)
    def notify_acceptance(self):
        pass

    @transition(field=state, source=State.RECEIVED, target=State.RETURNED)
    def return_(self, *, at, reasons):
        self.decided_at, self.return_reasons = at, reasons

    @transition(field=state, source=State.RECEIVED, target=State.FORWARDED)
    def forward(self, *, at, to):
        self.decided_at, self.forwarded_to = at, to

    @transition(field=state, source=State.ACCEPTANCE_NOTIFIED, target=State.CONCLUDED)
    def conclude(self, *, at, result):
        self.concluded_at, self.result = at, result

    @transition(field=state, source=State.CONCLUDED, target=State.RESULT_NOTIFIED)
    def notify_result(self):
        pass


class Material(models.Model):
    """One item of a referral's materials catalogue (移送材料清单)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    pages = models.PositiveIntegerField(_("pages"))
    is_original = models.BooleanField(_("original"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["id"]

    def __str__(self):
        return self.name
