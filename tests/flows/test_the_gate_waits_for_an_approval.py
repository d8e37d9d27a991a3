"""A gate stops the flow in waiting_for_input with what to decide; the decision, and who made it, resumes it."""

from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from tests.factories import Team

from .conftest import Worker, events_of, wait_for_status
from .phases import SELFTEST_GATE


def test_the_flow_waits_at_the_gate_and_the_approval_with_who_resumes_it(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST_GATE, user=tenant.analyst)
    assert wait_for_status(schema, flow.pk, FlowStatus.WAITING_FOR_INPUT) == FlowStatus.WAITING_FOR_INPUT
    with schema_context(schema):
        gate = PhaseRun.objects.get(flow_id=flow.pk, name="approval")
        assert gate.status == PhaseStatus.WAITING_FOR_INPUT
        assert gate.output["prompt"] == "Approve the selftest plan"
        assert PhaseRun.objects.get(flow_id=flow.pk, name="finish").status == PhaseStatus.PENDING
        services.gate_approve(
            flow=flow, user=tenant.manager, decision={"plan": "trimmed"}, comment="Fewer servers in wave 1"
        )
    assert wait_for_status(schema, flow.pk, FlowStatus.COMPLETED, FlowStatus.FAILED) == FlowStatus.COMPLETED
    with schema_context(schema):
        gate = PhaseRun.objects.get(flow_id=flow.pk, name="approval")
        assert gate.status == PhaseStatus.COMPLETED
        assert gate.decided_by == tenant.manager and gate.decided_at is not None
        assert gate.decision == {
            "answer": {"plan": "trimmed"},
            "comment": "Fewer servers in wave 1",
            "by": tenant.manager.email,
        }
        assert gate.output["applied"] == {"plan": "trimmed"}  # the gate's on_approve hook ran
        finish = PhaseRun.objects.get(flow_id=flow.pk, name="finish")
        assert finish.output["decision"]["answer"] == {"plan": "trimmed"}  # later phases read the decision
        assert Flow.objects.get(pk=flow.pk).status == FlowStatus.COMPLETED
    assert (
        tenant.manager.email,
        "approval",
        "waiting_for_input",
        "completed",
        "Approved: Fewer servers in wave 1",
    ) in events_of(schema, flow.pk)


def test_without_a_decision_the_gate_takes_its_suggestion(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST_GATE)
    wait_for_status(schema, flow.pk, FlowStatus.WAITING_FOR_INPUT)
    with schema_context(schema):
        services.gate_approve(flow=flow, user=tenant.analyst)
        gate = PhaseRun.objects.get(flow_id=flow.pk, name="approval")
    assert gate.decision == {"answer": {"plan": "as proposed"}, "comment": "", "by": tenant.analyst.email}
    wait_for_status(schema, flow.pk, FlowStatus.COMPLETED)
