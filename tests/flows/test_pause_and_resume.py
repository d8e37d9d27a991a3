"""Pausing stops a flow at its running phase's next checkpoint (its work rolls back); resuming runs it again."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from tests.factories import Team

from .conftest import Worker, events_of, wait_for, wait_for_status
from .phases import SELFTEST


def _work(schema: str, flow_id: int) -> PhaseRun:
    with schema_context(schema):
        return PhaseRun.objects.get(flow_id=flow_id, name="work")


def test_a_paused_flow_stops_mid_phase_and_finishes_after_resume(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement,
            flow_type=SELFTEST,
            user=tenant.analyst,
            flow_input={"steps": 60, "delay": 0.05, "write": "Written by work"},
        )
    wait_for(lambda: _work(schema, flow.pk).progress >= 5, what="the work phase to make progress")
    with schema_context(schema):
        services.flow_pause(flow=flow, user=tenant.analyst)
        assert Flow.objects.get(pk=flow.pk).status == FlowStatus.PAUSED
    wait_for(lambda: _work(schema, flow.pk).status == PhaseStatus.PENDING, what="the worker to stop the phase")
    stopped = _work(schema, flow.pk)
    assert stopped.message.startswith("Paused at")
    with schema_context(schema):
        # The phase's transaction rolled back: what it wrote is gone.
        assert not Engagement.objects.filter(name__startswith="Written by work").exists()
    time.sleep(0.5)
    assert _work(schema, flow.pk).status == PhaseStatus.PENDING  # nothing runs while paused

    with schema_context(schema):
        services.flow_resume(flow=flow, user=tenant.manager)
    assert wait_for_status(schema, flow.pk, FlowStatus.COMPLETED, FlowStatus.FAILED) == FlowStatus.COMPLETED
    with schema_context(schema):
        # Run again from the start: one write, by the second attempt.
        assert list(Engagement.objects.filter(name__startswith="Written by work").values_list("name", flat=True)) == [
            "Written by work attempt 2"
        ]
    flow_changes = [
        (actor, before, after) for actor, phase, before, after, _ in events_of(schema, flow.pk) if not phase
    ]
    assert (tenant.analyst.email, "running", "paused") in flow_changes
    assert (tenant.manager.email, "paused", "running") in flow_changes


def test_only_a_running_flow_can_be_paused_and_only_a_paused_one_resumed(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST, flow_input={"steps": 1})
    wait_for_status(schema, flow.pk, FlowStatus.COMPLETED)
    with schema_context(schema):
        with pytest.raises(ValidationError, match="Cannot pause this flow: it is completed"):
            services.flow_pause(flow=flow)
        with pytest.raises(ValidationError, match="Cannot resume this flow: it is completed"):
            services.flow_resume(flow=flow)
