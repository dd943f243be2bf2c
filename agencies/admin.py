from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Agency, DutyItem, Membership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "coordinator"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "coordinator"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "agency"]


class DutyItemInline(admin.TabularInline):
    model = DutyItem
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "doc_prefix", "complaint_phone", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "short_name", "doc_prefix"]
    list_select_related = ["region"]
    inlines = [MembershipInline, DutyItemInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title", "is_active"]
    list_filter = ["role", "is_active", "agency__region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency"]


@admin.register(DutyItem)
class DutyItemAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "duty_list", "kind", "position"]
    list_filter = ["duty_list", "kind", "agency__region"]
    search_fields = ["name", "legal_basis", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
