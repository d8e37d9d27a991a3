"""Operators see flows with their phases and events, and can retry or cancel them (through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Flow, FlowEvent, PhaseRun

READ_ONLY_PHASE_FIELDS = (
    "order",
    "name",
    "status",
    "attempt",
    "progress",
    "message",
    "started_at",
    "finished_at",
    "worker_id",
    "heartbeat_at",
    "lease_expires_at",
    "error_message",
)


class PhaseRunInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PhaseRun
    fields = READ_ONLY_PHASE_FIELDS
    readonly_fields = READ_ONLY_PHASE_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["order"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FlowEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FlowEvent
    fields = ("created_at", "actor", "phase", "from_status", "to_status", "detail")
    readonly_fields = ("created_at", "actor", "phase", "from_status", "to_status", "detail")
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _actor(request: HttpRequest) -> str:
    return f"{request.user.email} (admin)"  # type: ignore[union-attr]


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "type", "engagement", "status", "current_phase", "progress", "created_at", "finished_at"]
    list_filter = ["type", "status"]
    search_fields = ["id", "engagement__name", "message"]
    list_select_related = ["engagement"]
    readonly_fields = [
        "type",
        "engagement",
        "status",
        "current_phase",
        "progress",
        "message",
        "input",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    inlines = [PhaseRunInline, FlowEventInline]
    actions = ["retry_failed_phase", "cancel_flows"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry the failed phase of the selected flows")
    def retry_failed_phase(self, request: HttpRequest, queryset: QuerySet[Flow]) -> None:
        self._apply(request, queryset, lambda flow: services.phase_retry(flow=flow, actor=_actor(request)), "retried")

    @admin.action(description="Cancel the selected flows")
    def cancel_flows(self, request: HttpRequest, queryset: QuerySet[Flow]) -> None:
        self._apply(request, queryset, lambda flow: services.flow_cancel(flow=flow, actor=_actor(request)), "cancelled")

    def _apply(self, request: HttpRequest, queryset: QuerySet[Flow], act: Any, verb: str) -> None:
        done = 0
        for flow in queryset:
            try:
                act(flow)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{flow}: {' '.join(error.messages)}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} flow(s) {verb}.", messages.SUCCESS)


@admin.register(PhaseRun)
class PhaseRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A phase with its output, decision and full traceback."""

    list_display = ["flow", "order", "name", "status", "attempt", "worker_id", "lease_expires_at"]
    list_filter = ["status", "name"]
    list_select_related = ["flow"]
    readonly_fields = (*READ_ONLY_PHASE_FIELDS, "flow", "auto_attempts", "output", "error_traceback", "decision")
    exclude = ["decided_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
