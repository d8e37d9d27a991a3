"""PLACEHOLDERS: the phases of discovery, assessment and planning before their apps fill them in.

Each function here honestly does nothing domain-specific yet: it reports that there is nothing to do and
completes. The discovery issue (imports/, inventory/) and the assessment issue (assessments/) replace them by
registering their own functions for the same names from their `AppConfig.ready()`; a real registration always
wins over a placeholder, whichever app loads first.
"""

from __future__ import annotations

from typing import Any

from tenants.roles import Role

from .context import PhaseContext
from .registry import FLOW_PHASES, register_phase


def _nothing_to_do(reason: str) -> Any:
    def run(ctx: PhaseContext) -> dict[str, Any]:
        ctx.progress(0, 1, reason)
        ctx.progress(1, 1, reason)
        return {"summary": reason, "placeholder": True, "counts": {}}

    return run


def _gate(prompt: str) -> Any:
    def run(ctx: PhaseContext) -> dict[str, Any]:
        ctx.progress(1, 1, prompt)
        return {"prompt": prompt, "suggestion": {}, "placeholder": True}

    return run


PLACEHOLDER_REASONS = {
    "data_import": "No imported file yet: nothing to do",
    "validation": "No imported rows yet: nothing to validate",
    "cleansing": "No imported rows yet: nothing to cleanse",
    "inventory": "No imported rows yet: no assets written",
    "classification": "No assets yet: nothing to classify",
    "dependency_analysis": "No assets yet: no dependencies to analyse",
    "readiness": "No applications yet: nothing to assess",
    "tech_debt": "No applications yet: no technical debt to score",
    "complexity": "No applications yet: no complexity to score",
    "sixr": "No applications yet: no 6R decisions to make",
    "wave_planning": "No decisions yet: no waves to plan",
    "report": "Nothing assessed yet: no report to write",
    "plan_waves": "No decisions yet: no waves to plan",
}
PLACEHOLDER_GATES = {
    # Analysts and above approve a field mapping; the engagement manager approves an assessment (DESIGN.md).
    "field_mapping": ("Approve the field mapping (no columns to map yet)", Role.ANALYST, "Field mapping"),
    "review": ("Review the 6R decisions of the portfolio (none yet)", Role.ENGAGEMENT_MANAGER, "Review (6R)"),
}
LABELS = {"sixr": "6R strategy", "tech_debt": "Technical debt", "data_import": "Data import"}


def register_placeholders() -> None:
    for flow_type in ("discovery", "assessment", "planning"):
        for name in FLOW_PHASES[flow_type]:
            if name in PLACEHOLDER_GATES:
                prompt, role, label = PLACEHOLDER_GATES[name]
                register_phase(
                    flow_type, name, run=_gate(prompt), label=label, gate=True, approve_role=role, placeholder=True
                )
            else:
                register_phase(
                    flow_type,
                    name,
                    run=_nothing_to_do(PLACEHOLDER_REASONS[name]),
                    label=LABELS.get(name, ""),
                    placeholder=True,
                )
