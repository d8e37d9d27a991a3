"""A pending phase whose task no worker ever received is sent again by the watchdog, once, and the flow's history and
page say so: which phase, which attempt and why. (test_a_redis_restart_loses_nothing.py loses a real message.)"""

from __future__ import annotations

from django.conf import settings
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import FlowStatus, PhaseRun
from tests.conftest import http
from tests.factories import Team

from .conftest import Worker, events_of, wait_for_status
from .phases import SELFTEST


def test_a_phase_whose_task_never_went_out_is_sent_again_and_the_history_says_so(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema), services.running_inline():  # inline: nothing is sent to the workers
        flow = services.flow_start(
            engagement=engagement, flow_type=SELFTEST, user=tenant.analyst, flow_input={"steps": 2, "delay": 0.01}
        )
    with schema_context(schema):
        PhaseRun.objects.filter(flow=flow).update(enqueued_at=None)

    report = services.watchdog_sweep(schemas=[schema])
    again = services.watchdog_sweep(schemas=[schema])

    assert report.requeued == [f"{schema}:{flow.pk}:work"]  # not `check`: its turn has not come
    assert again.requeued == []  # just sent: not again
    assert wait_for_status(schema, flow.pk, FlowStatus.COMPLETED, FlowStatus.FAILED) == FlowStatus.COMPLETED
    detail = f"Sent Work again (attempt 1 of {settings.FLOW_MAX_ATTEMPTS}): no task had been sent for it"
    history = events_of(schema, flow.pk)
    assert [event for event in history if event[0] == "watchdog"] == [("watchdog", "work", "", "", detail)]
    page = http(tenant.host, tenant.viewer).get(f"/flows/{flow.pk}/").content.decode()
    assert f"<strong>watchdog</strong> · Work · {detail}" in page
