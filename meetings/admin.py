from django.contrib import admin

from .models import Body, BodyMember


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    autocomplete_fields = ["agency", "liaison"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    """The reference data of a joint meeting: convener, office, its head and deputy, members and their liaisons.
    Meetings, items and decisions change only through meetings/workflows/, so they are not edited here."""

    list_display = ["name", "region", "convener", "office"]
    list_select_related = ["region", "convener", "office"]
    search_fields = ["name"]
    autocomplete_fields = ["region", "convener", "office", "office_head", "office_deputy"]
    inlines = [BodyMemberInline]
