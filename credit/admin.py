"""The administrators' side of credit: the scoring table (rules) and the thresholds are theirs to fill in (the Hubei
values are not public, domain.md §5); entities may be corrected here. Records, memos and repairs change only
through credit/workflows.py, so they are read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    CreditRecord,
    CreditRule,
    CreditThreshold,
    EntityRole,
    MarketEntity,
    Memo,
    MemoExecution,
    RepairApplication,
)


class EntityRoleInline(admin.TabularInline):
    model = EntityRole
    extra = 0


@admin.register(MarketEntity)
class MarketEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "legal_representative", "created_at"]
    list_filter = ["kind", "roles__role"]
    search_fields = ["name", "uscc"]
    inlines = [EntityRoleInline]

    @admin.display(description=_("code"))
    def code(self, obj):
        # The model's property (the credit code, or a person's masked ID number) has no label of its own.
        return obj.code


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "description",
        "kind",
        "points",
        "validity_months",
        "publication_months",
        "restriction_months",
        "severity",
        "is_active",
    ]
    list_editable = ["points", "validity_months", "publication_months", "restriction_months", "is_active"]
    list_filter = ["kind", "severity", "is_active"]
    search_fields = ["code", "description", "legal_basis"]


@admin.register(CreditThreshold)
class CreditThresholdAdmin(admin.ModelAdmin):
    list_display = ["points_min", "window_months", "consequence", "restricts_trading", "is_active"]
    list_editable = ["window_months", "restricts_trading", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ["entity", "rule", "agency", "decided_on", "penalty", "points", "state"]
    list_filter = ["state", "kind", "penalty", "agency__region"]
    list_select_related = ["entity", "rule", "agency"]
    search_fields = ["entity__name", "entity__uscc", "act"]


@admin.register(Memo)
class MemoAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "agency", "restricted_until", "issued_at"]
    list_select_related = ["agency", "document"]


@admin.register(MemoExecution)
class MemoExecutionAdmin(ReadOnlyAdmin):
    list_display = ["memo", "agency", "state", "acknowledged_at", "executed_at"]
    list_filter = ["state"]
    list_select_related = ["memo__document", "agency"]


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["record", "applicant", "state", "received_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["record__entity", "record__rule"]
