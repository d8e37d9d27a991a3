"""A phase that works longer than its lease without reporting progress keeps it: the process's heartbeat thread
renews it, so the watchdog leaves it alone; once the phase is done, nothing renews it any more."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import connection
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.context import PhaseContext
from flows.models import PhaseRun, PhaseStatus
from flows.registry import register_flow_type, register_phase
from tests.factories import Team

from .conftest import events_of, wait_for

SILENT = "selftest_silent"  # runs inline in this process only: no worker needs to know it
LEASE, BEAT = 1.5, 0.25


def quiet_work(ctx: PhaseContext) -> dict[str, Any]:
    time.sleep(float(ctx.input["seconds"]))  # no ctx.progress(): only the heartbeat thread renews the lease
    return {"summary": "worked quietly"}


register_flow_type(SILENT, ("quiet",))
register_phase(SILENT, "quiet", run=quiet_work, label="Quiet")


def test_a_phase_silent_for_longer_than_its_lease_is_not_taken_from_it(
    tenant: Team, engagement: Engagement, settings: Any
) -> None:
    settings.FLOW_LEASE_SECONDS, settings.FLOW_HEARTBEAT_SECONDS = LEASE, BEAT
    schema = tenant.client.schema_name
    with schema_context(schema), services.running_inline():
        flow = services.flow_start(engagement=engagement, flow_type=SILENT, flow_input={"seconds": 3 * LEASE})
        run = PhaseRun.objects.get(flow=flow)

    def work() -> None:
        try:
            with schema_context(schema):
                services.flow_run_inline(flow=flow, worker_id="quiet-worker")
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    with schema_context(schema):
        wait_for(lambda: PhaseRun.objects.get(pk=run.pk).status == PhaseStatus.RUNNING, what="the phase to start")
        claimed = PhaseRun.objects.get(pk=run.pk)
        sweeps = []
        while worker.is_alive():  # the watchdog, as often as it likes, for the whole phase
            sweeps.append(services.watchdog_sweep(schemas=[schema]).as_dict())
            time.sleep(0.1)
        worker.join()
        done = PhaseRun.objects.get(pk=run.pk)
    assert all(not sweep["retried"] and not sweep["failed"] for sweep in sweeps), sweeps
    assert len(sweeps) > 10
    assert done.status == PhaseStatus.COMPLETED and done.attempt == 1 and done.worker_id == "quiet-worker"
    assert done.heartbeat_at is not None and claimed.heartbeat_at is not None
    assert (done.heartbeat_at - claimed.heartbeat_at).total_seconds() > 2 * LEASE  # renewed until the end
    assert done.lease_expires_at is None
    assert not [event for event in events_of(schema, flow.pk) if event[0] == "watchdog"]
    # Stopped with the phase: nothing renews it afterwards.
    time.sleep(3 * BEAT)
    with schema_context(schema):
        assert PhaseRun.objects.get(pk=run.pk).heartbeat_at == done.heartbeat_at
