"""Operators' view of the assessment. The engine's outputs are read-only here (a re-run replaces them); people's
decisions are changed through the pages, the API or the commands, which record who changed what."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    ArchitectureStandard,
    Assessment,
    ChangeRecord,
    DecisionReview,
    ServerAssessment,
    SixRDecision,
    TechDebtItem,
    Wave,
    WaveAssignment,
    WaveMove,
    WavePlanSettings,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_full_result_count = False  # tens of thousands of rows: no second COUNT(*)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "engagement", "flow", "created_at", "approved_at"]
    list_filter = ["engagement"]
    list_select_related = ["engagement", "flow"]


@admin.register(ServerAssessment)
class ServerAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["asset", "engagement", "readiness", "target_instance", "monthly_cost_now", "monthly_cost_target"]
    list_filter = ["engagement", "readiness", "sizing_basis"]
    search_fields = ["asset__name"]
    list_select_related = ["asset", "engagement"]
    raw_id_fields = ["asset", "assessment"]


@admin.register(TechDebtItem)
class TechDebtItemAdmin(ReadOnlyAdmin):
    list_display = ["component", "version", "category", "status", "severity", "application", "asset", "eol_date"]
    list_filter = ["engagement", "category", "status", "severity"]
    search_fields = ["component", "application__name", "asset__name"]
    list_select_related = ["application", "asset"]
    raw_id_fields = ["application", "asset", "assessment"]


@admin.register(SixRDecision)
class SixRDecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "engagement", "strategy", "confidence", "effort", "person_days", "source"]
    list_filter = ["engagement", "strategy", "effort", "source", "readiness"]
    search_fields = ["application__name"]
    list_select_related = ["application", "engagement"]
    raw_id_fields = ["application", "assessment"]


@admin.register(DecisionReview)
class DecisionReviewAdmin(ReadOnlyAdmin):
    list_display = ["application", "status", "strategy", "reviewed_at"]
    list_filter = ["engagement", "status", "strategy"]
    search_fields = ["application__name", "comment"]
    list_select_related = ["application"]
    raw_id_fields = ["application"]


@admin.register(ArchitectureStandard)
class ArchitectureStandardAdmin(ReadOnlyAdmin):
    list_display = ["label", "engagement", "category", "minimum_version", "recommended_version", "updated_at"]
    list_filter = ["engagement", "category"]


@admin.register(WavePlanSettings)
class WavePlanSettingsAdmin(ReadOnlyAdmin):
    list_display = ["engagement", "max_servers_per_wave", "wave_weeks", "start_date", "pilot_max_apps"]


@admin.register(Wave)
class WaveAdmin(ReadOnlyAdmin):
    list_display = ["name", "engagement", "number", "start", "end", "is_pilot"]
    list_filter = ["engagement", "is_pilot"]


@admin.register(WaveAssignment)
class WaveAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "wave", "move_group", "source"]
    list_filter = ["engagement", "source"]
    list_select_related = ["application", "wave"]
    raw_id_fields = ["application", "wave"]


@admin.register(WaveMove)
class WaveMoveAdmin(ReadOnlyAdmin):
    list_display = ["application", "wave_number", "moved_at", "comment"]
    list_filter = ["engagement"]
    raw_id_fields = ["application"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "engagement", "action", "object_repr", "user"]
    list_filter = ["engagement", "action"]
    search_fields = ["object_repr"]
    date_hierarchy = "at"
