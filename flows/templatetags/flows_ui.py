"""Template helpers of flow pages: phase labels, status colours and durations."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from flows import registry

register = template.Library()

STATUS_CLASSES = {
    "pending": "text-bg-light border",
    "running": "text-bg-primary",
    "waiting_for_input": "text-bg-warning",
    "paused": "text-bg-secondary",
    "completed": "text-bg-success",
    "failed": "text-bg-danger",
    "skipped": "text-bg-light border text-body-secondary",
    "cancelled": "text-bg-dark",
}
STATUS_ICONS = {
    "pending": "bi-hourglass",
    "running": "bi-arrow-repeat",
    "waiting_for_input": "bi-person-raised-hand",
    "paused": "bi-pause-circle",
    "completed": "bi-check-circle",
    "failed": "bi-x-octagon",
    "skipped": "bi-skip-forward",
    "cancelled": "bi-slash-circle",
}


@register.filter
def phase_label(name: str, flow_type: str) -> str:
    return registry.phase_label(flow_type, name)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light border")


@register.filter
def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "bi-circle")


@register.filter
def status_text(status: str) -> str:
    return status.replace("_", " ")


@register.simple_tag
def elapsed(started: datetime | None, finished: datetime | None) -> str:
    """How long something ran (until now if it still runs): "4.2 s", "3 min 10 s", "1 h 5 min"."""
    if started is None:
        return ""
    seconds = max(0.0, ((finished or timezone.now()) - started).total_seconds())
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@register.simple_tag
def flow_type_choices() -> list[tuple[str, str]]:
    """The flow types a person can start (those of DESIGN.md; others are registered by code for itself)."""
    from flows.models import FlowType

    return [(value, str(label)) for value, label in FlowType.choices if value in registry.flow_types()]
