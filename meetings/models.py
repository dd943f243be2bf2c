"""Joint meetings (联席会议, 宣恩 二(一); 鄂尔多斯 第三条, 第十条): the body with its convener, office, members and
liaisons; meetings (plenary, ad hoc, case consultation); agenda items signed by the proposing agency's head;
attendance; minutes; and the decisions (议定事项) tracked to completion by the agencies they are assigned to.

State changes go through meetings/workflows/; the models only declare the machines."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cases.models.revision import Revisioned
from deadlines.due import local_date

from .querysets import AgendaItemQuerySet, BodyQuerySet, DecisionQuerySet, MeetingQuerySet

# How documents and messages name a meeting's kind, whatever the page's language.
KIND_WORDS = {"plenary": "全体会议", "ad_hoc": "临时会议", "consultation": "会商会议"}


class Body(models.Model):
    """A jurisdiction's joint meeting (联席会议): who convenes it, where its office sits, who belongs to it."""

    region = models.OneToOneField(
        "agencies.Region", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="joint_body"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. 宣恩县公共资源交易联席会议"))
    convener = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("convener"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Convenes the meetings and approves their agenda (宣恩: 县政府办)."),
    )
    office = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Runs the daily work, compiles the agenda, supervises the decisions (宣恩: 政务局)."),
    )
    office_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of the office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office_deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy head of the office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting body")
        verbose_name_plural = _("joint meeting bodies")
        ordering = ["region__code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:index")


class BodyMember(models.Model):
    """A member agency (成员单位) and its liaison officer (联络员, one per member)."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="joint_bodies"
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("member agency")
        verbose_name_plural = _("member agencies")
        ordering = ["body", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["body", "agency"], name="bodymember_unique_agency")]

    def __str__(self):
        return f"{self.body} · {self.agency}"

    def clean(self):
        """The liaison officer works in the member agency (the admin's form runs this)."""
        from agencies.models import Membership

        if (
            self.liaison_id
            and self.agency_id
            and not Membership.objects.active()
            .filter(user_id=self.liaison_id, agency_id=self.agency_id)
            .exists()
        ):
            raise ValidationError({"liaison": _("The liaison officer must be a member of this agency.")})


class Meeting(ConcurrentTransitionMixin, models.Model):
    """One meeting of a body: planned, its notice sent, held (with attendance), its minutes issued."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary (全体会议)")
        AD_HOC = "ad_hoc", _("Ad hoc meeting (临时会议)")
        CONSULTATION = "consultation", _("Case consultation (会商)")

    class State(models.TextChoices):
        PLANNED = "planned", _("Being prepared")
        NOTIFIED = "notified", _("Notice sent")
        HELD = "held", _("Held")
        MINUTED = "minuted", _("Minutes issued")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    invited = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("invited agencies"), blank=True, related_name="meeting_invitations"
    )
    # A case consultation (会商, 鄂尔多斯 第十条) is about one or more cases.
    cases = models.ManyToManyField("cases.Lead", verbose_name=_("cases"), blank=True, related_name="+")
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED, protected=True)
    notice = models.OneToOneField(
        "documents.Document",
        verbose_name=_("meeting notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes = models.OneToOneField(
        "documents.Document",
        verbose_name=_("minutes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary of the discussion"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The half-year reminder: a body's plenaries in a half year.
            models.Index(fields=["body", "kind", "starts_at"], name="meeting_body_kind_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    def day(self):
        """The meeting's day where it is held (the legal time zone)."""
        return local_date(self.starts_at)

    def is_before_its_day(self, now) -> bool:
        """Whether `now` comes before the meeting's day: recorded as held then only if the office confirms that
        it met earlier than its notice said (meetings.workflows.meeting_hold)."""
        return local_date(now) < self.day()

    @transition(field=state, source=State.PLANNED, target=State.NOTIFIED)
    def send_notice(self):
        pass

    @transition(field=state, source=State.NOTIFIED, target=State.HELD)
    def hold(self, *, at):
        self.held_at = at

    @transition(field=state, source=State.HELD, target=State.MINUTED)
    def record_minutes(self, *, summary):
        self.summary = summary

    @transition(field=state, source=[State.PLANNED, State.NOTIFIED], target=State.CANCELLED)
    def cancel(self):
        pass


class AgendaItem(ConcurrentTransitionMixin, Revisioned):
    """A matter a member agency asks the meeting to discuss (议题): signed by its head (负责人签字) before it goes
    to the office, compiled by the office into a meeting's draft agenda, approved or rejected by the convener.
    Revisioned: its text may be revised while its state stays (draft, or returned and back again), and a head's
    or the convener's click must act on the text their page showed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed by the head")
        SUBMITTED = "submitted", _("Submitted to the office")
        COMPILED = "compiled", _("On the draft agenda")
        APPROVED = "approved", _("On the agenda")
        RETURNED = "returned", _("Returned with reasons")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="items")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("proposing agency"), on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is to be discussed"))
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, protected=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reasons for returning"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The office's and the convener's lists (and 我的待办): a body's items in a state.
            models.Index(fields=["body", "state"], name="agendaitem_body_state"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:item_detail", args=[self.pk])

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SIGNED)
    def sign(self, *, by, at):
        self.signed_by, self.signed_at = by, at
        self.meeting, self.return_reason, self.decided_by, self.decided_at = None, "", None, None

    @transition(field=state, source=State.SIGNED, target=State.SUBMITTED)
    def submit(self, *, at):
        self.submitted_at = at

    @transition(field=state, source=State.SUBMITTED, target=State.COMPILED)
    def compile(self, *, meeting):
        self.meeting = meeting

    @transition(field=state, source=State.COMPILED, target=State.APPROVED)
    def approve(self, *, by, at):
        self.decided_by, self.decided_at = by, at

    @transition(field=state, source=[State.COMPILED, State.APPROVED], target=State.SUBMITTED)
    def release(self):
        """Its meeting was cancelled: back among the office's submitted items (its signature stands)."""
        self.meeting, self.decided_by, self.decided_at = None, None, None

    @transition(field=state, source=[State.SUBMITTED, State.COMPILED], target=State.RETURNED)
    def reject(self, *, by, at, reason):
        self.decided_by, self.decided_at, self.return_reason = by, at, reason
        # The signature was for this submission: a returned item is signed again before it is resubmitted.
        self.signed_by, self.signed_at = None, None


class Attendance(models.Model):
    """Who came for an agency (出席), recorded by the office when the meeting is held."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    present = models.BooleanField(_("present"), default=True)
    attendee = models.CharField(_("attended by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_unique_agency")]

    def __str__(self):
        return f"{self.meeting} · {self.agency}"


class Decision(ConcurrentTransitionMixin, models.Model):
    """A matter the meeting decided (议定事项), recorded in the minutes and assigned to one or more agencies, each
    with its own clock (rule J1) to the due date. It is completed when every assigned agency has completed it."""

    class State(models.TextChoices):
        OPEN = "open", _("Being carried out")
        COMPLETED = "completed", _("Completed")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    due_date = models.DateField(_("due date"))
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, protected=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @transition(field=state, source=State.OPEN, target=State.COMPLETED)
    def complete(self, *, at):
        self.completed_at = at


class Assignment(ConcurrentTransitionMixin, models.Model):
    """One agency's share of a decision: its progress reports and its completion."""

    class State(models.TextChoices):
        OPEN = "open", _("Being carried out")
        COMPLETED = "completed", _("Completed")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="assignments"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("responsible agency"), on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, protected=True)
    clock = models.OneToOneField(
        "deadlines.Deadline",
        verbose_name=_("clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["decision", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "agency"], name="assignment_unique_agency"),
        ]
        indexes = [
            # 我的待办: an agency's open assignments.
            models.Index(fields=["agency"], condition=models.Q(state="open"), name="assignment_open_agency"),
        ]

    def __str__(self):
        return f"{self.decision} · {self.agency}"

    @transition(field=state, source=State.OPEN, target=State.COMPLETED)
    def complete(self, *, by, at):
        self.completed_by, self.completed_at = by, at


class Progress(models.Model):
    """A progress report (or the completion report) of an agency on its share of a decision."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="reports"
    )
    text = models.TextField(_("report"))
    completes = models.BooleanField(_("completion"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["reported_at", "id"]

    def __str__(self):
        return self.text[:60]


class MeetingAction(models.TextChoices):
    """The audit actions of the joint meetings (their labels on a meeting's or an item's trail)."""

    ITEM_DRAFTED = "meeting_item_drafted", _("Agenda item drafted")
    ITEM_REVISED = "meeting_item_revised", _("Agenda item revised")
    ITEM_SIGNED = "meeting_item_signed", _("Agenda item signed by the head")
    ITEM_SUBMITTED = "meeting_item_submitted", _("Agenda item submitted to the office")
    ITEM_COMPILED = "meeting_item_compiled", _("Agenda item put on the draft agenda")
    ITEM_APPROVED = "meeting_item_approved", _("Agenda item approved by the convener")
    ITEM_RETURNED = "meeting_item_returned", _("Agenda item returned with reasons")
    PLANNED = "meeting_planned", _("Meeting planned")
    NOTICE_SENT = "meeting_notice_sent", _("Meeting notice sent")
    HELD = "meeting_held", _("Meeting held")
    MINUTES_ISSUED = "meeting_minutes_issued", _("Minutes issued")
    PROGRESS = "meeting_decision_progress", _("Progress reported on a decision")
    ASSIGNMENT_COMPLETED = "meeting_assignment_completed", _("Decision completed by an agency")
    DECISION_COMPLETED = "meeting_decision_completed", _("Decision completed")
    CANCELLED = "meeting_cancelled", _("Meeting cancelled")
    URGED = "meeting_decision_urged", _("The office pressed an agency on a decision (督促)")
