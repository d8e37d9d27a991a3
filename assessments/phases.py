"""The assessment and planning flows' phases, registered from AssessmentsConfig.ready() in place of the
placeholders of flows/builtin_phases.py: each finds its assessment from the flow's input and calls a service.

Re-running a phase replaces what the engine produced; people's reviews and wave moves are stored apart.
"""

from __future__ import annotations

from typing import Any

from flows.context import PhaseContext
from flows.registry import register_phase
from tenants.roles import Role


def _progress(ctx: PhaseContext) -> Any:
    def report(done: int, total: int, message: str) -> None:
        ctx.progress(done, total or None, message)

    return report


def _assessment(ctx: PhaseContext) -> Any:
    from .services import assessment_for_flow

    return assessment_for_flow(flow=ctx.flow)


def readiness_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import readiness_assess

    return readiness_assess(assessment=_assessment(ctx), progress=_progress(ctx))


def tech_debt_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import tech_debt_assess

    return tech_debt_assess(assessment=_assessment(ctx), progress=_progress(ctx))


def complexity_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import complexity_assess

    return complexity_assess(assessment=_assessment(ctx), progress=_progress(ctx))


def sixr_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import sixr_recommend

    scores = ctx.output_of("complexity").get("scores") or {}
    return sixr_recommend(
        assessment=_assessment(ctx), complexity_scores=scores, flow_id=ctx.flow.pk, progress=_progress(ctx)
    )


def review_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import review_prepare

    ctx.progress(0, 1, "counting the decisions to review")
    output = review_prepare(assessment=_assessment(ctx))
    ctx.progress(1, 1, output["prompt"])
    return output


def review_approve(*, phase_run: Any, decision: dict[str, Any], user: Any) -> None:
    """When the gate passes (page, API or command): record who approved the portfolio."""
    from flows.models import Flow

    from .services import assessment_approve_record, assessment_for_flow

    flow = Flow.objects.get(pk=phase_run.flow_id)
    comment = str((decision or {}).get("comment") or "")
    assessment_approve_record(assessment=assessment_for_flow(flow=flow), user=user, comment=comment)


def wave_planning_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import waves_plan

    user: Any = ctx.flow.created_by
    return waves_plan(engagement=ctx.engagement, user=user, progress=_progress(ctx)).as_output()


def report_phase(ctx: PhaseContext) -> dict[str, Any]:
    from .services import assessment_report

    ctx.progress(0, 1, "summarising")
    return assessment_report(assessment=_assessment(ctx))


def plan_waves_phase(ctx: PhaseContext) -> dict[str, Any]:
    """The planning flow: settings given in the flow's input are saved first, then the waves are planned."""
    from datetime import date

    from .services import wave_settings_update, waves_plan

    user: Any = ctx.flow.created_by
    given = ctx.input
    start = given.get("start_date")
    wave_settings_update(
        engagement=ctx.engagement,
        user=user,
        max_servers_per_wave=given.get("max_servers_per_wave"),
        wave_weeks=given.get("wave_weeks"),
        start_date=date.fromisoformat(start) if isinstance(start, str) and start else None,
        pilot_max_apps=given.get("pilot_max_apps"),
    )
    return waves_plan(engagement=ctx.engagement, user=user, progress=_progress(ctx)).as_output()


def register_assessment_phases() -> None:
    """Replace the placeholders of flows/builtin_phases.py with the assessment's phases."""
    register_phase("assessment", "readiness", run=readiness_phase, label="Readiness")
    register_phase("assessment", "tech_debt", run=tech_debt_phase, label="Technical debt")
    register_phase("assessment", "complexity", run=complexity_phase, label="Complexity")
    register_phase("assessment", "sixr", run=sixr_phase, label="6R strategy")
    register_phase(
        "assessment",
        "review",
        run=review_phase,
        label="Review (6R)",
        gate=True,
        approve_role=Role.ENGAGEMENT_MANAGER,
        on_approve=review_approve,
    )
    register_phase("assessment", "wave_planning", run=wave_planning_phase, label="Wave planning")
    register_phase("assessment", "report", run=report_phase, label="Report")
    register_phase("planning", "plan_waves", run=plan_waves_phase, label="Wave planning")
