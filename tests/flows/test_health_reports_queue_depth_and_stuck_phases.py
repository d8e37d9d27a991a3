"""`/health` reports the Celery queue's depth and running phases whose lease expired (no live worker)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from tests.conftest import http
from tests.factories import Team


def test_health_shows_the_queue_and_a_stuck_phase_until_the_watchdog_recovers_it(
    tenant: Team, engagement: Engagement
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema), services.running_inline():
        flow = services.flow_start(engagement=engagement, flow_type="planning")
        past = timezone.now() - timedelta(seconds=90)
        PhaseRun.objects.filter(flow=flow).update(
            status=PhaseStatus.RUNNING, worker_id="gone/1/abc", heartbeat_at=past, lease_expires_at=past, attempt=1
        )
        Flow.objects.filter(pk=flow.pk).update(status=FlowStatus.RUNNING)
    checks = http(tenant.host).get("/health").json()["checks"]
    assert checks["queue_depth"]["ok"] and checks["queue_depth"]["depth"] >= 0
    stuck = checks["stuck_phases"]
    assert stuck["ok"] is False and stuck["count"] >= 1
    assert {"client": schema, "flow": flow.pk, "phase": "plan_waves", "worker": "gone/1/abc"}.items() <= next(
        phase for phase in stuck["phases"] if phase["flow"] == flow.pk and phase["client"] == schema
    ).items()

    with services.running_inline():
        services.watchdog_sweep(schemas=[schema])
    stuck = http(tenant.host).get("/health").json()["checks"]["stuck_phases"]
    assert not [phase for phase in stuck["phases"] if phase["client"] == schema]
    with schema_context(schema):
        services.flow_cancel(flow=flow)
