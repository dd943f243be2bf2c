"""Criminal referrals (涉嫌犯罪案件移送) under State Council Decree 310 (《行政执法机关移送涉嫌犯罪案件的规定》):
a special team of two or more (Art. 5, C1), its written report, the head's decision within 3 days (C2), transfer to
the police of the same level within 24 hours (C3, Art. 6 materials), the police's receipt (Art. 7) and decision
within 3 days (Art. 8, C6), reconsideration (Art. 9, C9-C10), the procuratorate's supervision (Art. 9, C11) and the
handover of the items once the case is opened (Art. 12, C12).

Only the two sides see it: the administrative agency, and the police once it is transferred (and the procuratorate
once asked to supervise). Not the supervisors of the region (issue 6: "the same case is visible to both sides only").
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..querysets import CriminalReferralQuerySet
from .leads import Lead
from .revision import Revisioned


class CriminalReferral(ConcurrentTransitionMixin, Revisioned):
    """A case of suspected crime an administrative agency found while handling a lead, on its way to the police."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("Special team verifying")
        AWAITING_DECISION = "awaiting_decision", _("Awaiting the head's decision")
        APPROVED = "approved", _("Approved for transfer")
        REFUSED = "refused", _("Transfer not approved")
        TRANSFERRED = "transferred", _("Transferred to the police")
        RECEIVED = "received", _("Signed for by the police")
        CASE_OPENED = "case_opened", _("Case opened by the police")
        NOT_OPENED = "not_opened", _("Case not opened by the police")
        RECONSIDERATION = "reconsideration", _("Reconsideration requested")
        REFUSAL_UPHELD = "refusal_upheld", _("Refusal upheld on reconsideration")
        SUPERVISION = "supervision", _("Procuratorate asked to supervise")
        HANDED_OVER = "handed_over", _("Items handed over")
        CLOSED = "closed", _("Closed: the refusal accepted")

    # Where a case no longer runs: a new criminal referral of the same lead may start.
    ENDED = (State.REFUSED, State.CLOSED)

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="criminal_referrals"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("transferring agency"),
        on_delete=models.PROTECT,
        related_name="criminal_referrals",
    )
    police = models.ForeignKey(
        "agencies.Agency", verbose_name=_("public security organ"), on_delete=models.PROTECT, related_name="+"
    )
    procuratorate = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("people's procuratorate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # set when its supervision is requested: from then on it sees the case
    suspected_offence = models.CharField(_("suspected offence"), max_length=100)
    # Decree 310 Art. 5: 应当立即指定2名或者2名以上行政执法人员组成专案组专门负责 (checked in the workflow).
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("special team"), related_name="+")
    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.PREPARING, protected=True
    )
    report = models.ForeignKey(
        "Evidence",
        verbose_name=_("written report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    # The head's decision (C2). A refusal's reasons are kept (不批准的，应当将不予批准的理由记录在案).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reasons = models.TextField(_("reasons for not approving"), blank=True)
    # The transfer (C3) and what it carried (Art. 6); the 涉嫌犯罪案件移送书 is `transfer_letter` itself.
    with_investigation_report = models.BooleanField(_("investigation report"), default=False)
    with_items_list = models.BooleanField(_("list of items involved"), default=False)
    with_expert_opinion = models.BooleanField(_("inspection report or expert opinion"), default=False)
    other_materials = models.TextField(_("other materials"), blank=True)
    transfer_letter = models.ForeignKey(
        "documents.Document",
        verbose_name=_("transfer letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    # The police's side (Arts. 7-9).
    receipt = models.ForeignKey(
        "documents.Document",
        verbose_name=_("receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    police_decided_at = models.DateTimeField(_("police decided at"), null=True, blank=True)
    police_reasons = models.TextField(_("reasons for not opening a case"), blank=True)
    reconsideration_grounds = models.TextField(_("grounds for reconsideration"), blank=True)
    reconsideration_reasons = models.TextField(_("reasons for upholding the refusal"), blank=True)
    supervision_grounds = models.TextField(_("grounds for supervision"), blank=True)
    handover_note = models.TextField(_("items and materials handed over"), blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    objects = CriminalReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("criminal referral")
        verbose_name_plural = _("criminal referrals")
        ordering = ["-created_at"]
        constraints = [
            # One case under way per lead: a second submit of the start form cannot start another.
            models.UniqueConstraint(
                fields=["lead"],
                condition=~models.Q(state__in=["refused", "closed"]),
                name="criminal_one_under_way_per_lead",
            ),
        ]

    def __str__(self):
        return f"{self.lead.project} · {self.suspected_offence}"

    def get_absolute_url(self):
        return reverse("cases:criminal", args=[self.pk])

    @transition(field=state, source=State.PREPARING, target=State.AWAITING_DECISION)
    def submit(self, *, report, at):
        self.report, self.submitted_at = report, at

    @transition(field=state, source=State.AWAITING_DECISION, target=State.APPROVED)
    def approve(self, *, by, at):
        self.decided_by, self.decided_at = by, at

    @transition(field=state, source=State.AWAITING_DECISION, target=State.REFUSED)
    def refuse(self, *, by, at, reasons):
        self.decided_by, self.decided_at, self.refusal_reasons = by, at, reasons

    @transition(field=state, source=State.APPROVED, target=State.TRANSFERRED)
    def transfer(self, *, at, letter, investigation_report, items_list, expert_opinion, other_materials):
        self.transferred_at, self.transfer_letter = at, letter
        self.with_investigation_report, self.with_items_list = investigation_report, items_list
        self.with_expert_opinion, self.other_materials = expert_opinion, other_materials

    @transition(field=state, source=State.TRANSFERRED, target=State.RECEIVED)
    def receive(self, *, by, at, receipt):
        self.received_by, self.received_at, self.receipt = by, at, receipt

    # After the procuratorate's supervision the police may still open the case (Art. 9; 程序规定 Art. 182).
    @transition(field=state, source=[State.RECEIVED, State.SUPERVISION], target=State.CASE_OPENED)
    def open_case(self, *, at):
        self.police_decided_at = at

    @transition(field=state, source=State.RECEIVED, target=State.NOT_OPENED)
    def decline(self, *, at, reasons):
        self.police_decided_at, self.police_reasons = at, reasons

    @transition(field=state, source=State.NOT_OPENED, target=State.RECONSIDERATION)
    def request_reconsideration(self, *, grounds):
        self.reconsideration_grounds = grounds

    @transition(field=state, source=State.RECONSIDERATION, target=State.CASE_OPENED)
    def overturn(self, *, at):
        self.police_decided_at = at

    @transition(field=state, source=State.RECONSIDERATION, target=State.REFUSAL_UPHELD)
    def uphold(self, *, at, reasons):
        self.police_decided_at, self.reconsideration_reasons = at, reasons

    @transition(field=state, source=[State.NOT_OPENED, State.REFUSAL_UPHELD], target=State.SUPERVISION)
    def request_supervision(self, *, procuratorate, grounds):
        self.procuratorate, self.supervision_grounds = procuratorate, grounds

    @transition(field=state, source=State.CASE_OPENED, target=State.HANDED_OVER)
    def hand_over(self, *, at, note):
        self.handed_over_at, self.handover_note = at, note

    @transition(field=state, source=[State.NOT_OPENED, State.REFUSAL_UPHELD], target=State.CLOSED)
    def accept_refusal(self):
        pass
