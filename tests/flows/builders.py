"""Flows in a given state, made inside the test's transaction (no worker sees them; nothing is queued)."""

from __future__ import annotations

from django.utils import timezone
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from tests.factories import Team

from .phases import SELFTEST, SELFTEST_ANALYST_GATE


def engagement_of(team: Team, name: str = "Data centre exit") -> Engagement:
    with schema_context(team.client.schema_name):
        engagement, _ = Engagement.objects.get_or_create(name=name)
        return engagement


def flow_in_state(team: Team, state: str, *, flow_type: str = "", engagement: Engagement | None = None) -> Flow:
    """A flow whose first phases got to `state`: running, paused, failed, waiting (at its gate) or completed.

    By default of a test flow type (tests/flows/phases.py), so that no domain app's phase takes part.
    """
    flow_type = flow_type or (SELFTEST_ANALYST_GATE if state == "waiting" else SELFTEST)
    with schema_context(team.client.schema_name), services.running_inline():
        flow = services.flow_start(engagement=engagement or engagement_of(team), flow_type=flow_type, user=team.analyst)
        phases = list(flow.phases.order_by("order"))
        now = timezone.now()
        if state == "running":
            PhaseRun.objects.filter(pk=phases[0].pk).update(status=PhaseStatus.RUNNING, started_at=now, progress=40)
            Flow.objects.filter(pk=flow.pk).update(status=FlowStatus.RUNNING, started_at=now)
        elif state == "paused":
            Flow.objects.filter(pk=flow.pk).update(status=FlowStatus.PAUSED, started_at=now)
        elif state == "failed":
            PhaseRun.objects.filter(pk=phases[0].pk).update(
                status=PhaseStatus.FAILED,
                attempt=1,
                error_message="ValueError: row 12 memory: not a number",
                error_traceback='Traceback (most recent call last):\n  File "secret/path.py", line 1',
            )
            Flow.objects.filter(pk=flow.pk).update(status=FlowStatus.FAILED, started_at=now, finished_at=now)
        elif state == "waiting":
            gate = next(phase for phase in phases if services.registry.phase_spec(flow_type, phase.name).gate)
            PhaseRun.objects.filter(flow=flow, order__lt=gate.order).update(status=PhaseStatus.COMPLETED)
            PhaseRun.objects.filter(pk=gate.pk).update(
                status=PhaseStatus.WAITING_FOR_INPUT, output={"prompt": "Approve it", "suggestion": {"a": "b"}}
            )
            Flow.objects.filter(pk=flow.pk).update(
                status=FlowStatus.WAITING_FOR_INPUT, current_phase=gate.name, started_at=now
            )
        elif state == "completed":
            PhaseRun.objects.filter(flow=flow).update(status=PhaseStatus.COMPLETED, progress=100)
            Flow.objects.filter(pk=flow.pk).update(status=FlowStatus.COMPLETED, progress=100, finished_at=now)
        flow.refresh_from_db()
        return flow
