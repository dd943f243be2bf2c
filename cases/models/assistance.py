"""Assistance letters (协助办理函, 宣恩 二(四)3): an agency handling a case asks another for help. The one asked assists
and answers in writing, or returns the letter with written reasons within 5 working days (rule L6); it cannot
simply refuse."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..querysets import AssistanceQuerySet
from .revision import Revisioned


class AssistanceRequest(ConcurrentTransitionMixin, Revisioned):
    class State(models.TextChoices):
        SENT = "sent", _("Sent: awaiting the answer")
        RETURNED = "returned", _("Returned with reasons")
        ASSISTED = "assisted", _("Assisted: feedback sent")

    requester = models.ForeignKey(
        "agencies.Agency", verbose_name=_("requesting agency"), on_delete=models.PROTECT, related_name="+"
    )
    assistant = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency asked"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        "Lead", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_summary = models.TextField(_("case basics"))
    matters = models.TextField(_("matters requested"))
    reasons = models.TextField(_("reasons for the request"))
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.SENT, protected=True)
    letter = models.ForeignKey(
        "documents.Document", verbose_name=_("assistance letter"), on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(pgettext_lazy("letter", "sent at"))
    answer = models.TextField(_("answer"), blank=True)  # the feedback, or the reasons for returning
    answer_letter = models.ForeignKey(
        "documents.Document",
        verbose_name=_("answer letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The key of the form that created it: a second submit of the same form finds this one (cases.services).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = AssistanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("assistance letter")
        verbose_name_plural = _("assistance letters")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.requester} → {self.assistant}: {self.case_summary[:30]}"

    def get_absolute_url(self):
        return reverse("cases:assistance", args=[self.pk])

    @transition(field=state, source=State.SENT, target=State.RETURNED)
    def return_(self, *, by, at, reasons, letter):
        self.answered_by, self.answered_at, self.answer, self.answer_letter = by, at, reasons, letter

    @transition(field=state, source=State.SENT, target=State.ASSISTED)
    def assist(self, *, by, at, feedback, letter):
        self.answered_by, self.answered_at, self.answer, self.answer_letter = by, at, feedback, letter
