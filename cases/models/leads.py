"""Leads (线索): the trading project, the parties, the evidence, the verifications and the head's decision."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..querysets import EvidenceQuerySet, LeadQuerySet
from .revision import Revisioned


class TradingProject(models.Model):
    """A public-resource trading project (工程建设、政府采购、土地矿业权、国有产权 …) a lead is about."""

    class Category(models.TextChoices):
        CONSTRUCTION = "construction", _("Construction project (工程建设)")
        PROCUREMENT = "procurement", _("Government procurement (政府采购)")
        LAND_MINING = "land_mining", _("Land and mining rights (土地矿业权)")
        STATE_ASSETS = "state_assets", _("State-owned property rights (国有产权)")
        OTHER = "other", _("Other (其他)")

    name = models.CharField(_("project name"), max_length=200)
    code = models.CharField(_("project code"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("trading project")
        verbose_name_plural = _("trading projects")

    def __str__(self):
        return self.name


class Lead(ConcurrentTransitionMixin, Revisioned):
    """A lead (线索) on a suspected violation, filed by the agency that found or received it.

    Its clock L2 ("refer within 5 working days") starts on the discovery or receipt date, except on the lead of a
    complaint the agency accepted as its own (nothing to refer: cases.services.lead_file). Verification, approval
    and referral are workflows (cases/workflows.py, a later step of the referral issue).
    """

    class Source(models.TextChoices):
        TRADING_CENTER = "trading_center", _("Found by the trading center (交易中心发现)")
        COMPLAINT = "complaint", _("Complaint or tip-off (投诉举报)")
        ROUTINE = "routine", _("Routine supervision (日常监管)")
        CAMPAIGN = "campaign", _("Special campaign (专项行动)")
        ASSIGNED = "assigned", _("Assigned by a higher authority (上级交办)")
        INSPECTION_TOUR = "inspection_tour", _("Inspection tour feedback (巡视反馈)")
        DATA_ALERT = "data_alert", _("Big-data alert (大数据预警)")
        OTHER = "other", _("Other (其他)")

    class State(models.TextChoices):
        FILED = "filed", _("Filed")  # being verified (鄂尔多斯 第十一条: by two or more staff)
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the head's approval")
        APPROVED = "approved", _("Approved for referral")
        REFERRED = "referred", _("Referred")

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="leads"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    project = models.ForeignKey(
        TradingProject, verbose_name=_("trading project"), on_delete=models.PROTECT, related_name="leads"
    )
    facts = models.TextField(_("facts"))
    discovered_on = models.DateField(_("found or received on"))
    state = FSMField(_("state"), max_length=20, choices=State.choices, default=State.FILED, protected=True)
    needs_designation = models.BooleanField(
        _("needs a competent agency designated"),
        default=False,
        help_text=_(
            "Set when referrals of this lead were returned twice: the coordinator designates the agency."
        ),
    )
    # The coordinator's designation of the competent agency (指定管辖) once two referrals came back: the next
    # referral goes there, and that agency may not return it (cases/workflows/designation.py).
    designated_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("designated competent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    designated_at = models.DateTimeField(_("designated at"), null=True, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    designation_reasons = models.TextField(_("reasons for the designation"), blank=True)
    designation_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("designation notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report = models.ForeignKey(
        "Evidence",
        verbose_name=_("written report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    # The key of the form that filed it: a second submit of the same form finds this lead instead of a new one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Set while a clock of the lead or of one of its referrals is overdue; kept in step with the clocks by
    # cases/overdue.py (in the transaction of every clock change), for the case list's "overdue only" filter.
    overdue = models.BooleanField(_("overdue"), default=False, editable=False)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]
        indexes = [
            # The case list's keyset pages read this index from where the previous page ended.
            models.Index(fields=["-created_at", "-id"], name="lead_newest_first"),
            # The list's "overdue only" filter reads the overdue leads newest first, and nothing else.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(overdue=True),
                name="lead_overdue_newest_first",
            ),
            # The board's count of leads returned twice, waiting for the coordinator: a handful among millions.
            models.Index(
                fields=["agency"], condition=models.Q(needs_designation=True), name="lead_needs_designation"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_source_display()}"

    def get_absolute_url(self):
        return reverse("cases:lead", args=[self.pk])

    def returns_counted(self):
        """The returned referrals that count toward a designation: all of them, or those sent since the latest
        designation (the coordinator has decided on the earlier ones)."""
        returned = self.referrals.filter(state="returned")
        if self.designated_at is not None:
            returned = returned.filter(sent_at__gte=self.designated_at)
        return returned

    def designated_receiver_id(self) -> int | None:
        """The agency the next referral must go to: the designated one, until a referral was sent since the
        designation; else None."""
        if (
            self.designated_agency_id is None
            or self.referrals.filter(sent_at__gte=self.designated_at).exists()
        ):
            return None
        return self.designated_agency_id

    def is_designated_referral(self, referral) -> bool:
        """Whether `referral` went to the designated agency after the designation (it may not be returned)."""
        return (
            self.designated_agency_id is not None
            and referral.receiver_id == self.designated_agency_id
            and referral.sent_at >= self.designated_at
        )

    @transition(field=state, source=State.FILED, target=State.AWAITING_APPROVAL)
    def submit(self, *, report):
        self.report = report

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.FILED)
    def send_back(self):
        pass

    @transition(field=state, source=State.FILED, target=State.APPROVED)
    def approve_for_forwarding(self):
        """A complaint outside the agency's remit (宣恩 二(四)2): the head's decision that it belongs elsewhere is the
        approval to refer it; there is nothing of the agency's own to verify."""

    @transition(field=state, source=State.APPROVED, target=State.REFERRED)
    def refer(self):
        pass

    @transition(field=state, source=State.REFERRED, target=State.APPROVED)
    def take_back(self):
        """A referral was returned: the sender may refer the lead elsewhere."""


class LeadParty(models.Model):
    """A market entity a lead names, in its role in the project."""

    class Role(models.TextChoices):
        TENDERER = "tenderer", _("Tenderer or purchaser (招标人/采购人)")
        BIDDER = "bidder", _("Bidder or supplier (投标人/供应商)")
        AGENT = "agent", _("Tendering agent (招标代理机构)")
        EXPERT = "expert", _("Bid-evaluation expert (评标专家)")
        OTHER = "other", _("Other (其他)")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="parties")
    entity = models.ForeignKey(
        "credit.MarketEntity", verbose_name=_("market entity"), on_delete=models.PROTECT
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["lead", "entity", "role"], name="leadparty_unique_role")
        ]

    def __str__(self):
        return f"{self.entity} · {self.get_role_display()}"


class Evidence(models.Model):
    """A file kept as evidence: outside the web root (MEDIA_ROOT is never served), read only through a view that
    checks who may see what it belongs to, its SHA-256 recorded, read-only on disk. It belongs to one lead, one
    complaint or one assistance letter."""

    OWNERS = ("lead", "complaint", "assistance")

    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    complaint = models.ForeignKey(
        "Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    assistance = models.ForeignKey(
        "AssistanceRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), max_length=255, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,  # a member of the public, online
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file twice on one owner (a double submit) is kept once.
            models.UniqueConstraint(fields=["lead", "sha256"], name="evidence_unique_file"),
            models.UniqueConstraint(fields=["complaint", "sha256"], name="evidence_unique_complaint_file"),
            models.UniqueConstraint(fields=["assistance", "sha256"], name="evidence_unique_assistance_file"),
            models.CheckConstraint(
                condition=(
                    models.Q(lead__isnull=False, complaint__isnull=True, assistance__isnull=True)
                    | models.Q(lead__isnull=True, complaint__isnull=False, assistance__isnull=True)
                    | models.Q(lead__isnull=True, complaint__isnull=True, assistance__isnull=False)
                ),
                name="evidence_one_owner",
            ),
        ]

    def __str__(self):
        return self.original_name


class Verification(models.Model):
    """One staff member's verification of a lead (鄂尔多斯 第十一条: 2 名或者 2 名以上专人负责核实情况)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="verifications")
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("findings"))
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["verified_at", "id"]
        constraints = [
            # One person counts once, however often they click.
            models.UniqueConstraint(fields=["lead", "verifier"], name="verification_once_per_person"),
        ]

    def __str__(self):
        return f"{self.lead_id} · {self.verifier}"


class Approval(models.Model):
    """The head's decision on a verified lead: approved for referral, or sent back with reasons."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["decided_at", "id"]

    def __str__(self):
        return f"{self.lead_id} · {self.get_decision_display()}"
