"""Market entities, credit rules and records, joint punishment memos and credit repair (docs/adr/0015-credit.md).

State changes go through credit/workflows.py; the FSM fields are protected and read-only in the admin.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from deadlines.due import add_months, local_date

from .identity import mask, validate_id_number
from .querysets import (
    EntityQuerySet,
    MemoExecutionQuerySet,
    MemoQuerySet,
    RecordQuerySet,
    RepairQuerySet,
)
from .uscc import validate_uscc


class MarketEntity(models.Model):
    """A market entity (市场主体): an organisation known by its unified social credit code, or a person (a
    bid-evaluation expert) known by an identity card number, which is shown masked. Cases name entities as parties;
    credit records and memos hang on the same rows."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation (单位)")
        PERSON = "person", _("Person (个人)")

    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.ORGANISATION, db_default="organisation"
    )
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    id_number = models.CharField(
        _("identity card number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(
        _("legal representative"), max_length=50, blank=True, db_default=""
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True, db_default="")
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True, db_default="")
    address = models.CharField(_("address"), max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")
        ordering = ["name"]
        constraints = [
            # An organisation is its credit code, a person their ID number: one row each (the import and
            # credit.services.market_entity look them up by it).
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc=""),
                name="marketentity_unique_uscc",
                violation_error_message=_(
                    "A market entity with this unified social credit code is already entered: search for it "
                    "under market entities."
                ),
            ),
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="marketentity_unique_id_number",
                violation_error_message=_(
                    "A person with this identity card number is already entered: search for them under market "
                    "entities."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="organisation", id_number="") & ~Q(uscc="")
                | Q(kind="person", uscc="") & ~Q(id_number=""),
                name="marketentity_one_identifier",
                violation_error_message=_(
                    "An organisation needs its unified social credit code, a person (an expert) an identity card number."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("credit:entity_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """The identifier as shown: the credit code, or the masked ID number of a person."""
        return self.uscc or mask(self.id_number)

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)


class EntityRole(models.Model):
    """A part an entity plays in trading (one entity may be tenderer in one project and bidder in another)."""

    class Role(models.TextChoices):
        TENDERER = "tenderer", _("Tenderer or purchaser (招标人/采购人)")
        BIDDER = "bidder", _("Bidder (投标人)")
        AGENT = "agent", _("Tendering agent (招标代理机构)")
        EXPERT = "expert", _("Bid-evaluation expert (评标专家)")
        SUPPLIER = "supplier", _("Supplier (供应商)")

    entity = models.ForeignKey(MarketEntity, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["entity", "role"], name="entityrole_unique")]

    def __str__(self):
        return self.get_role_display()


class Severity(models.TextChoices):
    GENERAL = "general", _("General (一般)")
    SERIOUS = "serious", _("Serious (严重失信)")


class CreditRule(models.Model):
    """A line of the scoring table (量化记分): what act, on what legal basis, how many points, valid how long.

    The Hubei 量化管理办法's values are not public (domain.md §5): administrators enter them; the demo's are
    placeholders. Records copy the points and validity when created, so later edits do not rescore old records."""

    class Kind(models.TextChoices):
        BAD = "bad", _("Adverse conduct (不良行为)")
        GOOD = "good", _("Good conduct (守信激励)")

    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=300)
    legal_basis = models.TextField(_("legal basis"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.BAD)
    points = models.PositiveIntegerField(_("points"))
    validity_months = models.PositiveSmallIntegerField(_("validity (months)"), default=12)
    publication_months = models.PositiveSmallIntegerField(
        _("publication (months)"),
        default=6,
        help_text=_("发改法规〔2008〕1531号: six months, or the restriction period when that is longer."),
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    restriction_months = models.PositiveSmallIntegerField(
        _("trading restricted (months)"),
        default=0,
        help_text=_(
            "Months from the decision during which the entity may not take part in trading (e.g. 招标投标法实施条例 第六十七条: 1-2 years); 0 for none."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.description}"


class CreditThreshold(models.Model):
    """A consequence of accumulated points: from `points_min` adverse points counted over `window_months`, the
    entity is restricted as long as its score stays there (e.g. 限制参与投标)."""

    points_min = models.PositiveIntegerField(_("from points"))
    window_months = models.PositiveSmallIntegerField(
        _("counted over (months)"), default=12, help_text=_("Records decided within this many months count.")
    )
    consequence = models.CharField(_("consequence"), max_length=200)
    restricts_trading = models.BooleanField(_("restricts trading"), default=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("credit threshold")
        verbose_name_plural = _("credit thresholds")
        ordering = ["points_min"]

    def __str__(self):
        return f"≥{self.points_min} · {self.consequence}"


class CreditRecord(ConcurrentTransitionMixin, models.Model):
    """A credit record (信用记录) of one entity: adverse or good, from a concluded case, an inspection finding or a
    decision document, decided by an agency. draft → approved (by the agency's head) → published → expired, or
    revoked, or repaired (信用修复). Only published records are public, and only until `publication_until`; only
    published records within their validity count in the score."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved by the head")
        PUBLISHED = "published", _("Published")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        REPAIRED = "repaired", _("Repaired (信用修复)")

    class Source(models.TextChoices):
        CASE = "case", _("Concluded case")
        INSPECTION = "inspection", _("Inspection finding")
        DECISION = "decision", _("Decision document")

    class Penalty(models.TextChoices):
        NONE = "none", _("No administrative penalty (credit points only)")
        WARNING = "warning", _("Warning (警告)")
        FINE = "fine", _("Fine (罚款)")
        CONFISCATION = "confiscation", _("Confiscation of unlawful gains (没收违法所得)")
        DISQUALIFICATION = "disqualification", _("Disqualification from bidding (取消投标资格)")
        LICENCE = "licence", _("Licence suspended or revoked (暂扣或吊销执照)")

    entity = models.ForeignKey(
        MarketEntity, verbose_name=_("market entity"), on_delete=models.PROTECT, related_name="credit_records"
    )
    rule = models.ForeignKey(
        CreditRule,
        verbose_name=pgettext_lazy("credit", "rule"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    kind = models.CharField(_("kind"), max_length=4, choices=CreditRule.Kind.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="credit_records",
    )
    facts = models.TextField(_("facts"))
    # 一事不二罚: the act is named the same by every department (a case's number, a decision's number).
    act = models.CharField(
        _("act reference"),
        max_length=100,
        help_text=_("The number every department uses for this act, e.g. the case or decision number."),
    )
    penalty = models.CharField(_("penalty"), max_length=16, choices=Penalty.choices, default=Penalty.NONE)
    fine_amount = models.DecimalField(
        _("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source_kind = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_reference = models.CharField(_("source reference"), max_length=200)
    # Optional link to the source object (a referral, an inspection finding); cases link to credit, not the reverse.
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("source object id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    decided_on = models.DateField(_("decided on"))
    points = models.PositiveIntegerField(_("points"))
    valid_until = models.DateField(_("valid until"))
    publication_until = models.DateField(_("published until"))
    restricted_until = models.DateField(_("trading restricted until"), null=True, blank=True)
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-decided_on", "-id"]
        constraints = [
            # 行政处罚法 第二十九条 (一事不二罚): one fine per act and entity. Revoked records give way; other
            # measures (points, disqualification) for the same act remain possible. credit.workflows checks it
            # first to explain it in Chinese; this is the guarantee when two departments record at once.
            models.UniqueConstraint(
                fields=["entity", "act"],
                condition=Q(penalty="fine") & ~Q(state="revoked"),
                name="creditrecord_one_fine_per_act",
                violation_error_message=_(
                    "This act has already been fined (一事不二罚, 行政处罚法 第二十九条)."
                ),
            ),
        ]
        indexes = [
            # The public lists and the check: an entity's published records by date.
            models.Index(
                fields=["entity", "decided_on"], condition=Q(state="published"), name="creditrecord_published"
            ),
            # The expiry job: published records whose dates have passed.
            models.Index(fields=["valid_until"], condition=Q(state="published"), name="creditrecord_expiry"),
        ]

    def __str__(self):
        return f"{self.entity.name} · {self.rule.code} · {self.decided_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("credit:record_detail", args=[self.pk])

    def fill_dates(self) -> None:
        """Validity and restriction from the rule, counted from the decision date; the publication as it would end
        if the record were published on that day (publish() counts it again from the day it is)."""
        rule = self.rule
        self.points = rule.points
        self.valid_until = add_months(self.decided_on, rule.validity_months) - datetime.timedelta(days=1)
        self.restricted_until = (
            add_months(self.decided_on, rule.restriction_months) - datetime.timedelta(days=1)
            if rule.restriction_months
            else None
        )
        self.publication_until = self._publication_end(self.decided_on)

    def _publication_end(self, published_on: datetime.date) -> datetime.date:
        """发改法规〔2008〕1531号: the record is published for six months (the rule's publication_months), or until the
        restriction the decision imposed ends when that is later. The months run from the publication: a record
        published late is still shown for its full period, not for what is left of it counted from the decision
        (which could be nothing)."""
        publication = add_months(published_on, self.rule.publication_months) - datetime.timedelta(days=1)
        return max(publication, self.restricted_until or publication)

    @transition(field=state, source=State.DRAFT, target=State.APPROVED)
    def approve(self, *, by, at):
        self.approved_by, self.approved_at = by, at

    @transition(field=state, source=State.APPROVED, target=State.PUBLISHED)
    def publish(self, *, at):
        self.published_at = at
        self.publication_until = self._publication_end(max(self.decided_on, local_date(at)))

    @transition(field=state, source=[State.DRAFT, State.APPROVED, State.PUBLISHED], target=State.REVOKED)
    def revoke(self, *, at, reason):
        self.ended_at, self.end_reason = at, reason

    @transition(field=state, source=State.PUBLISHED, target=State.REPAIRED)
    def repair(self, *, at, reason):
        self.ended_at, self.end_reason = at, reason

    @transition(field=state, source=State.PUBLISHED, target=State.EXPIRED)
    def expire(self, *, at):
        self.ended_at = at


class RepairApplication(ConcurrentTransitionMixin, models.Model):
    """An entity's application for credit repair (信用修复) of one published adverse record, received by the issuing
    agency and decided by its head. On approval the record leaves publication and the score; the record, the
    application and the decision are kept."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CLOSED = "closed", _("Closed: the record ended first")

    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="repairs"
    )
    applicant = models.CharField(_("applicant"), max_length=100)
    reasons = models.TextField(_("reasons and rectification"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    state = FSMField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED, protected=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    objects = RepairQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-received_at"]
        constraints = [
            # One application under review per record at a time.
            models.UniqueConstraint(
                fields=["record"], condition=Q(state="submitted"), name="repair_one_open_per_record"
            ),
        ]

    def __str__(self):
        return f"{self.applicant} · {self.record}"

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self, *, by, at, note):
        self.decided_by, self.decided_at, self.decision_note = by, at, note

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED)
    def reject(self, *, by, at, note):
        self.decided_by, self.decided_at, self.decision_note = by, at, note

    @transition(field=state, source=State.SUBMITTED, target=State.CLOSED)
    def close(self, *, at, note):
        """The record was revoked or expired before the head decided: nothing is left to repair."""
        self.decided_at, self.decision_note = at, note


class Memo(models.Model):
    """A joint punishment memo (联合惩戒备忘录, 宣恩 二、(五)2): issued by the jurisdiction's comprehensive
    supervisor for one or more entities, numbered (备), sent to every member agency, each of which acknowledges
    it and records its execution within the clock M1."""

    region = models.ForeignKey("agencies.Region", verbose_name=_("jurisdiction"), on_delete=models.PROTECT)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="credit_memos",
    )
    title = models.CharField(_("title"), max_length=200)
    grounds = models.TextField(_("grounds"))
    measures = models.TextField(_("measures every agency applies"))
    restricted_until = models.DateField(_("restricted until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("credit", "issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entities = models.ManyToManyField(MarketEntity, verbose_name=_("entities"), related_name="memos")
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = MemoQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint punishment memo")
        verbose_name_plural = _("joint punishment memos")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        number = f"{self.document.number} " if self.document_id else ""
        return f"{number}{self.title}"

    def get_absolute_url(self):
        return reverse("credit:memo_detail", args=[self.pk])


class MemoExecution(ConcurrentTransitionMixin, models.Model):
    """One member agency's part of a memo: the measure it applies, its acknowledgement, and its execution record,
    within the clock M1 (started on issue, met on execution)."""

    class State(models.TextChoices):
        SENT = "sent", _("Not yet acknowledged")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        EXECUTED = "executed", _("Executed")

    memo = models.ForeignKey(
        Memo, verbose_name=_("joint punishment memo"), on_delete=models.PROTECT, related_name="executions"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="credit_memo_parts",
    )
    measure = models.TextField(_("measure to apply"))
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.SENT, protected=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    execution_note = models.TextField(_("what was done"), blank=True)
    clock = models.OneToOneField(
        "deadlines.Deadline",
        verbose_name=_("clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_memo_part",
    )

    objects = MemoExecutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo execution")
        verbose_name_plural = _("memo executions")
        ordering = ["memo", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["memo", "agency"], name="memoexecution_unique")]

    def __str__(self):
        return f"{self.memo} · {self.agency}"

    def get_absolute_url(self):
        return self.memo.get_absolute_url()

    @transition(field=state, source=State.SENT, target=State.ACKNOWLEDGED)
    def acknowledge(self, *, by, at):
        self.acknowledged_by, self.acknowledged_at = by, at

    @transition(field=state, source=[State.SENT, State.ACKNOWLEDGED], target=State.EXECUTED)
    def execute(self, *, by, at, note):
        if self.acknowledged_at is None:
            self.acknowledged_by, self.acknowledged_at = by, at
        self.executed_by, self.executed_at, self.execution_note = by, at, note


class CreditAction(models.TextChoices):
    """The audit actions of credit (labels for the timeline)."""

    RECORD_CREATED = "credit_record_created", _("Credit record entered")
    RECORD_APPROVED = "credit_record_approved", _("Credit record approved")
    RECORD_PUBLISHED = "credit_record_published", _("Credit record published")
    RECORD_REVOKED = "credit_record_revoked", _("Credit record revoked")
    RECORD_EXPIRED = "credit_record_expired", _("Credit record expired")
    REPAIR_SUBMITTED = "credit_repair_submitted", _("Credit repair applied for")
    REPAIR_APPROVED = "credit_repair_approved", _("Credit repaired")
    REPAIR_REJECTED = "credit_repair_rejected", _("Credit repair rejected")
    MEMO_ISSUED = "credit_memo_issued", _("Joint punishment memo issued")
    MEMO_ACKNOWLEDGED = "credit_memo_acknowledged", _("Memo acknowledged")
    MEMO_EXECUTED = "credit_memo_executed", _("Memo executed")
    ENTITIES_IMPORTED = "credit_entities_imported", _("Market entities imported")
    ENTITY_CREATED = "credit_entity_created", _("Market entity entered")
    ENTITY_CHANGED = "credit_entity_changed", _("Market entity corrected")
