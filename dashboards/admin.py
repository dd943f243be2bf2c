from django.contrib import admin

from .models import SupervisionNotice


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin):
    """Read-only: notices change only through dashboards/notices.py and the clocks they follow."""

    list_display = ["__str__", "grade", "state", "agency", "issuing_agency", "target_date", "issued_at"]
    list_filter = ["state", "grade", "agency__region"]
    list_select_related = ["agency", "issuing_agency", "document"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
