"""The discovery flow's phases, registered from ImportsConfig.ready(): each fetches its import by the flow's
input and calls a service. Re-running a phase replaces what it produced; people's corrections stay."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from flows.context import PhaseContext
from flows.registry import register_phase
from tenants.roles import Role

from . import services
from .models import DataImport


def _import(ctx: PhaseContext) -> DataImport:
    import_id = ctx.input.get("import_id")
    data_import = (
        DataImport.objects.select_related("engagement").filter(pk=import_id, engagement=ctx.engagement).first()
        if isinstance(import_id, int)
        else None
    )
    if data_import is None:
        raise ValidationError("This discovery flow has no import to work on: start it by uploading a file.")
    return data_import


def _progress(ctx: PhaseContext) -> services.Progress:
    def report(done: int, total: int, message: str) -> None:
        ctx.progress(done, total or None, message)

    return report


def data_import_phase(ctx: PhaseContext) -> dict[str, Any]:
    data_import = _import(ctx)
    data_import.flow_id = ctx.flow.pk  # a command starts the flow before the import knows it
    return services.raw_rows_store(data_import=data_import, progress=_progress(ctx))


def field_mapping_phase(ctx: PhaseContext) -> dict[str, Any]:
    ctx.progress(0, 1, "suggesting the mapping")
    output = services.mapping_suggest(data_import=_import(ctx), flow_id=ctx.flow.pk)
    ctx.progress(1, 1, output["prompt"])
    return output


def field_mapping_approve(*, phase_run: Any, decision: dict[str, Any], user: Any) -> None:
    from flows.models import Flow

    flow_input = Flow.objects.filter(pk=phase_run.flow_id).values_list("input", flat=True).first() or {}
    import_id = flow_input.get("import_id") if isinstance(flow_input, dict) else None
    data_import = DataImport.objects.filter(pk=import_id).first() if isinstance(import_id, int) else None
    if data_import is not None:
        services.mapping_decide(data_import=data_import, user=user, decision=decision or {})


def validation_phase(ctx: PhaseContext) -> dict[str, Any]:
    return services.rows_validate(data_import=_import(ctx), progress=_progress(ctx))


def cleansing_phase(ctx: PhaseContext) -> dict[str, Any]:
    return services.rows_cleanse(data_import=_import(ctx), progress=_progress(ctx))


def inventory_phase(ctx: PhaseContext) -> dict[str, Any]:
    user: Any = ctx.flow.created_by
    return services.inventory_write(data_import=_import(ctx), user=user, progress=_progress(ctx))


def classification_phase(ctx: PhaseContext) -> dict[str, Any]:
    return services.assets_classify(data_import=_import(ctx), progress=_progress(ctx))


def dependency_analysis_phase(ctx: PhaseContext) -> dict[str, Any]:
    ctx.progress(0, 1, "resolving dependencies")
    return services.dependencies_analyse(data_import=_import(ctx))


def register_discovery_phases() -> None:
    register_phase("discovery", "data_import", run=data_import_phase, label="Data import")
    register_phase(
        "discovery",
        "field_mapping",
        run=field_mapping_phase,
        label="Field mapping",
        gate=True,
        approve_role=Role.ANALYST,
        on_approve=field_mapping_approve,
    )
    register_phase("discovery", "validation", run=validation_phase, label="Validation")
    register_phase("discovery", "cleansing", run=cleansing_phase, label="Cleansing")
    register_phase("discovery", "inventory", run=inventory_phase, label="Inventory")
    register_phase("discovery", "classification", run=classification_phase, label="Classification")
    register_phase("discovery", "dependency_analysis", run=dependency_analysis_phase, label="Dependency analysis")
