"""Phases are registered in code, one place per flow type; domain apps fill placeholders in; flows imports no
domain app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flows import registry
from flows.builtin_phases import PLACEHOLDER_REASONS
from tenants.roles import Role

FLOWS = Path(__file__).resolve().parents[2] / "flows"
DOMAIN_APPS = {"imports", "inventory", "assessments", "ai"}


def test_the_phases_are_those_of_the_design_decisions_in_order() -> None:
    assert registry.phase_names("discovery") == (
        "data_import",
        "field_mapping",
        "validation",
        "cleansing",
        "inventory",
        "classification",
        "dependency_analysis",
    )
    assert registry.phase_names("assessment") == (
        "readiness",
        "tech_debt",
        "complexity",
        "sixr",
        "review",
        "wave_planning",
        "report",
    )
    assert registry.phase_names("planning") == ("plan_waves",)


def test_the_gates_and_who_approves_them() -> None:
    mapping = registry.phase_spec("discovery", "field_mapping")
    review = registry.phase_spec("assessment", "review")
    assert mapping.gate and mapping.approve_role == Role.ANALYST
    assert review.gate and review.approve_role == Role.ENGAGEMENT_MANAGER


def test_a_domain_apps_registration_replaces_the_placeholder_and_not_the_other_way_round() -> None:
    original = registry.phase_spec("planning", "plan_waves")
    assert original.placeholder

    def plan(ctx: object) -> dict[str, object]:
        return {}

    try:
        registry.register_phase("planning", "plan_waves", run=plan, label="Plan waves")
        assert registry.phase_spec("planning", "plan_waves").run is plan
        registry.register_phase("planning", "plan_waves", run=original.run, placeholder=True)
        assert registry.phase_spec("planning", "plan_waves").run is plan  # the placeholder steps aside
        with pytest.raises(registry.RegistryError, match="registered twice"):
            registry.register_phase("planning", "plan_waves", run=lambda ctx: {})
    finally:
        registry._phases[("planning", "plan_waves")] = original


def test_an_undeclared_phase_or_type_is_refused() -> None:
    with pytest.raises(registry.RegistryError, match="not a phase of the 'discovery' flow"):
        registry.register_phase("discovery", "teleport", run=lambda ctx: {})
    with pytest.raises(registry.RegistryError, match="Unknown flow type"):
        registry.phase_names("migration")


def test_every_placeholder_says_honestly_that_it_has_nothing_to_do() -> None:
    for reason in PLACEHOLDER_REASONS.values():
        assert "nothing" in reason or "no " in reason.lower()


def test_flows_imports_no_domain_app() -> None:
    for path in FLOWS.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in DOMAIN_APPS, f"{path.name} imports {name}"
