from django.contrib import admin
from django.http import HttpRequest

from .models import LLMCall


@admin.register(LLMCall)
class LLMCallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The usage log is written by the runtime only: operators read it."""

    list_display = [
        "created_at",
        "engagement_id",
        "flow_id",
        "phase",
        "job",
        "model",
        "prompt_tokens",
        "completion_tokens",
        "latency_ms",
        "outcome",
    ]
    list_filter = ["outcome", "model", "job"]
    search_fields = ["prompt_hash", "phase", "error"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LLMCall | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LLMCall | None = None) -> bool:
        return False
