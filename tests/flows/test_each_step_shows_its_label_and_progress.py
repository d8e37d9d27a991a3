"""What a flow and its phases say at each step, as its page shows them: the phase's label (registered, or made from
its name), the flow's progress, the phase's message and the event log. The claim and the completion of a phase
write these in hand-written SQL; this pins them down."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.context import PhaseContext
from flows.models import Flow, FlowStatus, PhaseRun
from flows.registry import register_flow_type, register_phase
from tests.factories import Team

from .conftest import events_of

STEPS = "selftest_steps"  # runs inline in this process only: no worker needs to know it


def look(ctx: PhaseContext) -> dict[str, Any]:
    """What the flow's page would show while this phase runs (read back from the database)."""
    flow = Flow.objects.get(pk=ctx.flow.pk)
    run = PhaseRun.objects.get(pk=ctx.phase_run.pk)
    return {
        "summary": f"{run.name} looked",
        "flow": [flow.status, flow.current_phase, flow.message, flow.progress],
        "phase": [run.status, run.message, run.progress, run.attempt, run.started_at is not None],
    }


register_flow_type(STEPS, ("first_look", "second_look", "third_look"))
register_phase(STEPS, "first_look", run=look, label="First look")
register_phase(STEPS, "second_look", run=look)  # no label: "Second look"
register_phase(STEPS, "third_look", run=look, label="The LAST look")


def test_each_claim_and_completion_shows_the_label_progress_and_events(tenant: Team, engagement: Engagement) -> None:
    schema = tenant.client.schema_name
    after: list[list[Any]] = []

    def seen(run: PhaseRun) -> None:
        flow = Flow.objects.get(pk=run.flow_id)
        after.append([run.name, run.status, run.message, run.progress, flow.current_phase, flow.message, flow.progress])

    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=STEPS, user=tenant.analyst)
        flow = services.flow_run_inline(flow=flow, after_phase=seen)
        outputs = dict(PhaseRun.objects.filter(flow=flow).values_list("name", "output"))

    # While each phase ran: the flow names it by its label, its progress is that of the phases done before.
    assert outputs["first_look"]["flow"] == ["running", "first_look", "First look: started", 0]
    assert outputs["second_look"]["flow"] == ["running", "second_look", "Second look: started", 33]
    assert outputs["third_look"]["flow"] == ["running", "third_look", "The LAST look: started", 66]
    assert {name: output["phase"] for name, output in outputs.items()} == {
        name: ["running", "Started", 0, 1, True] for name in ("first_look", "second_look", "third_look")
    }
    # After each: the phase is done with its summary, and the flow queued the next one (by its label).
    assert after == [
        ["first_look", "completed", "first_look looked", 100, "second_look", "Second look: queued", 33],
        ["second_look", "completed", "second_look looked", 100, "third_look", "The LAST look: queued", 66],
        ["third_look", "completed", "third_look looked", 100, "", "Completed", 100],
    ]
    assert flow.status == FlowStatus.COMPLETED and flow.finished_at is not None and flow.started_at is not None
    events = events_of(schema, flow.pk)
    assert [event[1:] for event in events[1:]] == [
        ("first_look", "pending", "running", ""),
        ("", "pending", "running", "A worker took the flow"),
        ("first_look", "running", "completed", "first_look looked"),
        ("second_look", "pending", "running", ""),
        ("second_look", "running", "completed", "second_look looked"),
        ("third_look", "pending", "running", ""),
        ("third_look", "running", "completed", "third_look looked"),
        ("", "running", "completed", "Every phase is done"),
    ]
    assert events[0][0] == tenant.analyst.email
    assert all(actor.startswith("worker inline@") for actor, *_ in events[1:])
