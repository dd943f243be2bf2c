from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .querysets import LeadQuerySet, ReferralQuerySet


class CaseAction(models.TextChoices):
    """The audit actions of cases (labels for the timeline)."""

    LEAD_FILED = "lead_filed", _("Lead filed")
    LEAD_VERIFIED = "lead_verified", _("Verified")
    LEAD_SUBMITTED = "lead_submitted", _("Report submitted to the head")
    LEAD_APPROVED = "lead_approved", _("Referral approved")
    LEAD_SENT_BACK = "lead_sent_back", _("Sent back for more verification")
    EVIDENCE_DOWNLOADED = "evidence_downloaded", _("Evidence downloaded")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_RECEIVED = "referral_received", _("Signed for")
    REFERRAL_ACCEPTED = "referral_accepted", _("Accepted")
    REFERRAL_ACCEPTANCE_NOTIFIED = "referral_acceptance_notified", _("Acceptance reported")
    REFERRAL_RETURNED = "referral_returned", _("Returned with reasons")
    REFERRAL_FORWARDED = "referral_forwarded", _("Forwarded to the competent organ")
    REFERRAL_CONCLUDED = "referral_concluded", _("Handling concluded")
    REFERRAL_RESULT_NOTIFIED = "referral_result_notified", _("Result reported")


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


class Lead(ConcurrentTransitionMixin, models.Model):
    """A lead (线索) on a suspected violation, filed by the agency that found or received it.

    Its clock L2 ("refer within 5 working days") starts on the discovery or receipt date. Verification, approval
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

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]
        indexes = [
            # The case list's keyset pages read this index from where the previous page ended.
            models.Index(fields=["-created_at", "-id"], name="lead_newest_first"),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_source_display()}"

    def get_absolute_url(self):
        return reverse("cases:lead", args=[self.pk])

    @transition(field=state, source=State.FILED, target=State.AWAITING_APPROVAL)
    def submit(self, *, report):
        self.report = report

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.FILED)
    def send_back(self):
        pass

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
    checks who may see the lead, its SHA-256 recorded, read-only on disk."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file twice on one lead (a double submit) is kept once.
            models.UniqueConstraint(fields=["lead", "sha256"], name="evidence_unique_file"),
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


class Referral(ConcurrentTransitionMixin, models.Model):
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
