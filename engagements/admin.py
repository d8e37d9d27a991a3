from django.contrib import admin

from .models import Engagement


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "target_cloud", "region", "status", "archived_at", "created_at"]
    list_filter = ["target_cloud", "status"]
    search_fields = ["name", "description"]
