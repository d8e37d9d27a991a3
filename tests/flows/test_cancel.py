"""Cancelling ends a flow: the running phase stops at its next checkpoint and the rest never run."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from tests.factories import Team

from .conftest import Worker, phase_statuses, wait_for
from .phases import SELFTEST


def test_a_cancelled_flow_stops_its_running_phase_and_cancels_the_rest(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement, flow_type=SELFTEST, user=tenant.analyst, flow_input={"steps": 100, "delay": 0.05}
        )
    wait_for(lambda: phase_statuses(schema, flow.pk)["work"] == PhaseStatus.RUNNING, what="work to run")
    with schema_context(schema):
        services.flow_cancel(flow=flow, user=tenant.analyst)
        cancelled = Flow.objects.get(pk=flow.pk)
        assert cancelled.status == FlowStatus.CANCELLED and cancelled.finished_at is not None
    wait_for(
        lambda: phase_statuses(schema, flow.pk) == {"work": "cancelled", "check": "cancelled", "finish": "cancelled"},
        what="every phase to be cancelled",
    )
    with schema_context(schema):
        work = PhaseRun.objects.get(flow_id=flow.pk, name="work")
        assert work.progress < 100 and work.lease_expires_at is None
        with pytest.raises(ValidationError, match="Cannot cancel this flow: it is cancelled"):
            services.flow_cancel(flow=flow)
