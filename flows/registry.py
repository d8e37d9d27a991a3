"""The phases of every flow type, in order, in one place; domain apps register what each phase does.

`flows/` imports no domain app (DESIGN.md Decisions). The order of each flow type's phases is declared here;
an app fills a phase in from its `AppConfig.ready()`:

    from flows.registry import register_phase

    register_phase("discovery", "data_import", run=import_phase, label="Data import")

A phase is a function `(ctx: PhaseContext) -> dict` (the dict becomes the phase's output). It reports
progress with `ctx.progress(done, total, message)` and stops cleanly, when asked, at `ctx.check_cancelled()`.
A gate phase runs its function to prepare what a person must decide (its output's `prompt`, `suggestion` and
optional `decision_url`), then the flow waits; `on_approve` applies the decision when someone approves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenants.roles import Role

if TYPE_CHECKING:
    from .context import PhaseContext

PhaseFunction = Callable[["PhaseContext"], "dict[str, Any] | None"]
ApproveHook = Callable[..., None]  # (*, phase_run: PhaseRun, decision: dict, user: User | None) -> None

# The Decisions of DESIGN.md name these phases; their order is the order they run in.
FLOW_PHASES: dict[str, tuple[str, ...]] = {
    "discovery": (
        "data_import",
        "field_mapping",
        "validation",
        "cleansing",
        "inventory",
        "classification",
        "dependency_analysis",
    ),
    "assessment": ("readiness", "tech_debt", "complexity", "sixr", "review", "wave_planning", "report"),
    "planning": ("plan_waves",),
}


@dataclass(frozen=True)
class PhaseSpec:
    flow_type: str
    name: str
    label: str
    run: PhaseFunction
    gate: bool = False
    approve_role: str = Role.ANALYST
    on_approve: ApproveHook | None = None
    placeholder: bool = False


class RegistryError(LookupError):
    pass


_phases: dict[tuple[str, str], PhaseSpec] = {}
_changes = 0  # registrations so far (the labels' JSON is rebuilt after one)
_labels: tuple[int, str] = (-1, "")  # (_changes when built, {"type.name": label} as JSON)


def register_flow_type(flow_type: str, phases: tuple[str, ...]) -> None:
    """Declare a flow type and its phase order (the three of DESIGN.md are declared above)."""
    existing = FLOW_PHASES.get(flow_type)
    if existing is not None and existing != phases:
        raise RegistryError(f"Flow type '{flow_type}' is already declared with other phases: {existing}.")
    FLOW_PHASES[flow_type] = phases
    _changed()


def _changed() -> None:
    global _changes
    _changes += 1


def register_phase(
    flow_type: str,
    name: str,
    *,
    run: PhaseFunction,
    label: str = "",
    gate: bool = False,
    approve_role: str = Role.ANALYST,
    on_approve: ApproveHook | None = None,
    placeholder: bool = False,
) -> PhaseSpec:
    """Say what a declared phase does. A real registration replaces a placeholder, never another real one."""
    if name not in FLOW_PHASES.get(flow_type, ()):
        raise RegistryError(f"'{name}' is not a phase of the '{flow_type}' flow; declare it in FLOW_PHASES first.")
    spec = PhaseSpec(
        flow_type=flow_type,
        name=name,
        label=label or default_label(name),
        run=run,
        gate=gate,
        approve_role=Role(approve_role),
        on_approve=on_approve,
        placeholder=placeholder,
    )
    existing = _phases.get((flow_type, name))
    if existing is not None and not existing.placeholder:
        if placeholder:
            return existing  # the domain app registered first; the placeholder steps aside
        if existing.run is not run:
            raise RegistryError(f"Phase '{flow_type}.{name}' is registered twice ({existing.run} and {run}).")
    _phases[(flow_type, name)] = spec
    _changed()
    return spec


def flow_types() -> list[str]:
    return list(FLOW_PHASES)


def phase_names(flow_type: str) -> tuple[str, ...]:
    try:
        return FLOW_PHASES[flow_type]
    except KeyError:
        raise RegistryError(f"Unknown flow type '{flow_type}'; known: {', '.join(FLOW_PHASES)}.") from None


def phase_spec(flow_type: str, name: str) -> PhaseSpec:
    try:
        return _phases[(flow_type, name)]
    except KeyError:
        raise RegistryError(f"Nothing is registered to run phase '{flow_type}.{name}'.") from None


def phase_label(flow_type: str, name: str) -> str:
    spec = _phases.get((flow_type, name))
    return spec.label if spec else default_label(name)


def default_label(name: str) -> str:
    """A phase's label unless it registers one: `data_import` -> "Data import" (the orchestrator's SQL agrees)."""
    return name.replace("_", " ").capitalize()


def labels_json() -> str:
    """The labels that are not `default_label(name)`, as JSON keyed "type.name" (for the orchestrator's SQL)."""
    global _labels
    if _labels[0] != _changes:
        labels = {
            f"{flow_type}.{name}": label
            for flow_type, names in FLOW_PHASES.items()
            for name in names
            if (label := phase_label(flow_type, name)) != default_label(name)
        }
        _labels = (_changes, json.dumps(labels))
    return _labels[1]


def missing_phases(flow_type: str) -> list[str]:
    return [name for name in phase_names(flow_type) if (flow_type, name) not in _phases]
