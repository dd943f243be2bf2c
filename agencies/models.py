from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import AgencyQuerySet, DutyItemQuerySet, MembershipQuerySet, RegionQuerySet

# 发文机关代字: Chinese characters or Latin letters only, used as 〈代字〉〔2026〕5号 (GB/T 9704 §7.2).
doc_prefix_validator = RegexValidator(
    r"^[\u4e00-\u9fffA-Za-z]+$",
    _("Use Chinese characters or letters only, e.g. 宣公管委 (no brackets, year or number)."),
)
phone_validator = RegexValidator(
    r"^[0-9][0-9-]{2,19}$",
    _("Enter digits and hyphens only, e.g. 0718-3722345 or 12345."),
)


class Region(models.Model):
    """An administrative area. Areas that have agencies are jurisdictions; they nest (湖北省 › 恩施州 › 宣恩县)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("administrative division code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("Enter the 6-digit division code, e.g. 422825."))],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    coordinator = models.ForeignKey(
        "Agency",
        verbose_name=_("coordinator"),
        help_text=_("The agency that coordinates supervision here (宣恩: 政务局; 鄂尔多斯: 交易中心)."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_regions",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        # Everything that walks up the regions (the supervisors over an agency, its calendar, this name) would
        # walk a circle for ever.
        seen, region = {self.pk}, self.parent
        while region is not None:
            if region.pk in seen:
                raise ValidationError(
                    {
                        "parent": _(
                            "A region cannot lie within itself: choose a region that is not inside this one."
                        )
                    }
                )
            seen.add(region.pk)
            region = region.parent

    def full_name(self) -> str:
        """The name with its ancestors, e.g. 湖北省 › 恩施土家族苗族自治州 › 宣恩县."""
        names, region = [], self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return " › ".join(reversed(names))


class Agency(models.Model):
    """A government body that takes part in supervision: a department, the trading center, the police …"""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Management committee (管委会)")
        COMPREHENSIVE = "comprehensive", _("Comprehensive supervisor (综合监管部门)")
        SUPERVISORY = "supervisory", _("Administrative supervisory department (行政监督部门)")
        TRADING_CENTER = "trading_center", _("Public resource trading center (公共资源交易中心)")
        POLICE = "police", _("Public security organ (公安机关)")
        PROCURATORATE = "procuratorate", _("People's procuratorate (人民检察院)")
        DISCIPLINE = "discipline", _("Discipline inspection and supervision organ (纪检监察机关)")
        FINANCE = "finance", _("Finance / fund disbursement department (财政/资金拨付部门)")
        GOVERNMENT_OFFICE = "government_office", _("Government office (政府办)")
        OTHER = "other", _("Other (其他)")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies"
    )
    doc_prefix = models.CharField(
        _("document code (机关代字)"),
        max_length=20,
        blank=True,
        validators=[doc_prefix_validator],
        help_text=_(
            "Used in document numbers such as 宣公管委〔2026〕5号. Leave empty if the agency issues none here."
        ),
    )
    complaint_phone = models.CharField(
        _("public complaint telephone"), max_length=20, blank=True, validators=[phone_validator]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["region__code", "name"]
        constraints = [
            # Agencies are looked up by name within a jurisdiction (seed_demo, imports).
            models.UniqueConstraint(fields=["region", "name"], name="agency_unique_name_in_region"),
            # A document number series belongs to exactly one agency.
            models.UniqueConstraint(
                fields=["doc_prefix"], condition=~models.Q(doc_prefix=""), name="agency_unique_doc_prefix"
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in an agency. A person may hold several roles and belong to several agencies."""

    class Role(models.TextChoices):
        HANDLER = "handler", _("Handler (经办人)")
        HEAD = "head", _("Head (负责人)")
        SUPERVISOR = "supervisor", _("Supervisor (督办)")
        LIAISON = "liaison", _("Liaison officer (联络员)")
        ADMIN = "admin", _("Administrator (管理员)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    phone = models.CharField(_("office telephone"), max_length=20, blank=True, validators=[phone_validator])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role"),
        ]
        indexes = [
            # visible_to() and the agency switcher look up a user's active memberships on every request.
            models.Index(
                fields=["user", "agency"], condition=models.Q(is_active=True), name="membership_active_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class DutyItem(models.Model):
    """One line of an agency's published duty lists (鄂尔多斯 第四条: 权责清单 and 服务事项清单)."""

    class DutyList(models.TextChoices):
        POWERS = "powers", _("Powers and responsibilities list (权责清单)")
        SERVICES = "services", _("Service items list (服务事项清单)")

    class Kind(models.TextChoices):
        LICENSING = "licensing", _("Administrative licensing (行政许可)")
        PENALTY = "penalty", _("Administrative penalty (行政处罚)")
        COERCION = "coercion", _("Administrative coercion (行政强制)")
        INSPECTION = "inspection", _("Administrative inspection (行政检查)")
        CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
        RULING = "ruling", _("Administrative ruling (行政裁决)")
        OTHER_POWER = "other_power", _("Other administrative power (其他行政权力)")
        PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="duty_items"
    )
    duty_list = models.CharField(_("list"), max_length=10, choices=DutyList.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = DutyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty list item")
        verbose_name_plural = _("duty list items")
        ordering = ["agency", "duty_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "duty_list", "name"], name="dutyitem_unique_name"),
        ]

    def __str__(self):
        return self.name
