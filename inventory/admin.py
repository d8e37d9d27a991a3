from django.contrib import admin

from .models import Application, Asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "engagement", "asset_type", "environment", "os_family", "quality_score", "deleted_at"]
    list_filter = ["engagement", "asset_type", "environment", "os_family", "criticality", "status"]
    search_fields = ["name", "hostname", "fqdn", "external_id", "serial_number"]
    list_select_related = ["engagement"]
    readonly_fields = ["os_family", "quality_score", "search_text", "created_at", "updated_at"]
    show_full_result_count = False  # 100,000 rows: no second COUNT(*)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "engagement", "app_type", "business_criticality", "lifecycle", "deleted_at"]
    list_filter = ["engagement", "app_type", "business_criticality", "lifecycle"]
    search_fields = ["name", "description", "business_service"]
    list_select_related = ["engagement"]
    readonly_fields = ["created_at", "updated_at"]
