"""Reads for flows: lists, a flow's page, and the result commands print."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from tenants.roles import Role

from . import registry
from .models import Flow, FlowEvent, FlowStatus, PhaseRun, PhaseStatus

EVENTS_SHOWN = 200

SORTS = {
    "created_at",
    "-created_at",
    "type",
    "-type",
    "status",
    "-status",
    "progress",
    "-progress",
    "engagement__name",
    "-engagement__name",
}


def flow_list(
    *, flow_type: str = "", status: str = "", engagement_id: int | None = None, sort: str = "-created_at"
) -> QuerySet[Flow]:
    qs = Flow.objects.select_related("engagement", "created_by")
    if flow_type:
        qs = qs.filter(type=flow_type)
    if status:
        qs = qs.filter(status=status)
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    return qs.order_by(sort if sort in SORTS else "-created_at", "-pk")


def engagement_flows(*, engagement_id: int, limit: int = 50) -> list[Flow]:
    return list(flow_list(engagement_id=engagement_id)[:limit])


@dataclass
class FlowPage:
    """A flow with its phases in order and its latest events, oldest first (three queries in all)."""

    flow: Flow
    phases: list[PhaseRun]
    events: list[FlowEvent]

    @property
    def failed_phase(self) -> PhaseRun | None:
        return next((phase for phase in self.phases if phase.status == PhaseStatus.FAILED), None)

    @property
    def waiting_phase(self) -> PhaseRun | None:
        return next((phase for phase in self.phases if phase.status == PhaseStatus.WAITING_FOR_INPUT), None)


def flow_page(*, pk: int, engagement_id: int | None = None) -> FlowPage | None:
    qs = Flow.objects.select_related("engagement", "created_by").prefetch_related(
        Prefetch("phases", queryset=PhaseRun.objects.select_related("decided_by").order_by("order")),
        Prefetch("events", queryset=FlowEvent.objects.order_by("-created_at", "-pk")[:EVENTS_SHOWN], to_attr="latest"),
    )
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    flow = qs.filter(pk=pk).first()
    if flow is None:
        return None
    latest: list[FlowEvent] = flow.latest  # type: ignore[attr-defined]
    return FlowPage(flow=flow, phases=list(flow.phases.all()), events=list(reversed(latest)))


def flow_get(*, pk: int) -> Flow | None:
    return Flow.objects.select_related("engagement", "created_by").filter(pk=pk).first()


def approve_role(*, page: FlowPage) -> str:
    """Who may pass the gate the flow waits at (DESIGN.md Decisions: the gate's own rule)."""
    waiting = page.waiting_phase
    if waiting is None:
        return Role.ANALYST
    try:
        return registry.phase_spec(page.flow.type, waiting.name).approve_role
    except registry.RegistryError:
        return Role.ENGAGEMENT_MANAGER


def flow_result(*, flow: Flow, phases: list[PhaseRun] | None = None) -> dict[str, Any]:
    """The result of a flow command (cli.md "Common rules"), gathered from its phases' outputs."""
    if phases is None:
        phases = list(flow.phases.order_by("order"))
    counts: dict[str, Any] = {}
    errors: list[Any] = []
    warnings: list[Any] = []
    for phase in phases:
        output = phase.output or {}
        if isinstance(output.get("counts"), dict):
            counts.update(output["counts"])
        errors += list(output.get("errors") or [])
        warnings += list(output.get("warnings") or [])
        if phase.status == PhaseStatus.FAILED and phase.error_message:
            errors.append({"row": None, "column": None, "message": f"{phase.name}: {phase.error_message}"})
    status = flow.status
    if status == FlowStatus.PENDING:
        status = FlowStatus.RUNNING  # queued: for a caller it is under way
    return {
        "flow_id": flow.pk,
        "type": flow.type,
        "status": status,
        "phase": flow.current_phase or None,
        "message": flow.message,
        "progress": flow.progress,
        "counts": counts,
        "errors": errors,
        "warnings": warnings,
    }
