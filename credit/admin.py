from django.contrib import admin

from .models import MarketEntity


@admin.register(MarketEntity)
class MarketEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "created_at"]
    search_fields = ["name", "uscc"]
