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
    # Every built-in phase has its domain app's registration by now: a flow type of this test's own shows the rule.
    registry.register_flow_type("registry_selftest", ("plan",))

    def placeholder(ctx: object) -> dict[str, object]:
        return {"placeholder": True}

    def plan(ctx: object) -> dict[str, object]:
        return {}

    try:
        registry.register_phase("registry_selftest", "plan", run=placeholder, placeholder=True)
        assert registry.phase_spec("registry_selftest", "plan").placeholder
        registry.register_phase("registry_selftest", "plan", run=plan, label="Plan waves")
        assert registry.phase_spec("registry_selftest", "plan").run is plan
        registry.register_phase("registry_selftest", "plan", run=placeholder, placeholder=True)
        assert registry.phase_spec("registry_selftest", "plan").run is plan  # the placeholder steps aside
        with pytest.raises(registry.RegistryError, match="registered twice"):
            registry.register_phase("registry_selftest", "plan", run=lambda ctx: {})
    finally:
        registry._phases.pop(("registry_selftest", "plan"), None)
        registry.FLOW_PHASES.pop("registry_selftest", None)


def test_the_assessment_app_fills_in_every_assessment_and_planning_phase() -> None:
    for flow_type in ("assessment", "planning"):
        for name in registry.phase_names(flow_type):
            spec = registry.phase_spec(flow_type, name)
            assert not spec.placeholder and spec.run.__module__ == "assessments.phases", (flow_type, name)


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
