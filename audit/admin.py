from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are appended by audit.services.audit_record alone, and the database refuses changes."""

    list_display = ["sequence", "at", "actor", "agency", "role", "action", "object_repr", "ip"]
    list_filter = ["agency"]
    list_select_related = ["actor", "agency"]
    search_fields = ["object_repr", "=request_id", "=ip", "=action"]
    ordering = ["-sequence"]
    # Counting millions of events for every page of the list would be slow; the sequence says how many there are.
    show_full_result_count = False

    def get_queryset(self, request):
        # Staff with the view permission read what visible_to allows them, as everywhere else.
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
