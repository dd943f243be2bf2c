from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from agencies.querysets import agency_scope, member_agency_ids

GRADE_WORDS = {"yellow": "黄色督办", "red": "红色督办"}


class SupervisionNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notices the user may read: those to or about the agencies they work in, those their agencies issued, and
        those of the regions they supervise. What a confidential clock concerns is not shown by the notice itself
        (dashboards/notice_views.py checks the item's own visible_to before linking it)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            agency_scope(user)  # the supervised agency's members, and the supervisors over its region
            | models.Q(issuing_agency_id__in=member_agency_ids(user))
        )

    def open(self):
        """Notices still pressing: open, or escalated to the coordinator (the board shows them until resolved)."""
        return self.filter(state__in=SupervisionNotice.OPEN_STATES)


class SupervisionNotice(ConcurrentTransitionMixin, models.Model):
    """A supervision notice (督办通知): a supervisor presses an agency on one overdue or endangered clock, with a grade,
    a message and a target date. It is a numbered document (通知), has its own clock (rule S1, due on the target
    date) and is resolved when the supervised clock is met (or by the supervisor); a red one whose own clock runs
    out is escalated to the jurisdiction's coordinator. Changes go through dashboards/notices.py."""

    class Grade(models.TextChoices):
        YELLOW = "yellow", _("Yellow (黄色督办)")
        RED = "red", _("Red (红色督办)")

    class State(models.TextChoices):
        OPEN = "open", _("Open (督办中)")
        ESCALATED = "escalated", _("Escalated to the coordinator")
        RESOLVED = "resolved", _("Resolved")
        SUPERSEDED = "superseded", _("Superseded by a red notice")

    OPEN_STATES = (State.OPEN, State.ESCALATED)

    deadline = models.ForeignKey(
        "deadlines.Deadline",
        verbose_name=_("supervised clock"),
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("supervised agency"),
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    issuing_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="supervision_notices_issued",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    message = models.TextField(_("message"))
    target_date = models.DateField(_("target date"))
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.OPEN, protected=True)
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The notice's own clock (rule S1 for the supervised agency, due at the end of the target date).
    clock = models.OneToOneField(
        "deadlines.Deadline",
        verbose_name=_("clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notice",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_note = models.TextField(_("resolution"), blank=True)
    # One per issuing form: the same form sent twice gives the first notice (dashboards.notices.notice_issue).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SupervisionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One pressing notice per clock, even when two supervisors issue at the same moment. Its index also
            # serves the clocks_changed receiver's look-up of the notices on the clocks that changed.
            models.UniqueConstraint(
                fields=["deadline"],
                condition=models.Q(state__in=["open", "escalated"]),
                name="supervisionnotice_one_open_per_clock",
            ),
        ]
        indexes = [
            # The board and the notice list: the open notices of the agencies in the user's scope.
            models.Index(
                fields=["agency", "target_date"],
                condition=models.Q(state__in=["open", "escalated"]),
                name="supervisionnotice_open_agency",
            ),
        ]

    def __str__(self):
        # No word of what the supervised clock concerns: it may be confidential (a suspected crime).
        number = f"{self.document.number} " if self.document_id else ""
        return f"{number}{self.grade_words}通知 · {self.agency}"

    def get_absolute_url(self):
        return reverse("dashboards:notice_detail", args=[self.pk])

    @property
    def grade_words(self) -> str:
        """The grade as documents and messages say it, whatever the page's language: 黄色督办, 红色督办."""
        return GRADE_WORDS[self.grade]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @transition(field=state, source=State.OPEN, target=State.ESCALATED)
    def escalate(self, *, at):
        self.escalated_at = at

    @transition(field=state, source=[State.OPEN, State.ESCALATED], target=State.RESOLVED)
    def resolve(self, *, at, by, note):
        self.resolved_at, self.resolved_by, self.resolution_note = at, by, note

    @transition(field=state, source=State.OPEN, target=State.SUPERSEDED)
    def supersede(self, *, at, note):
        self.resolved_at, self.resolution_note = at, note
