"""A phase runs under a lease: a redelivered task, a second worker or a racing claim finds it held and stops."""

from __future__ import annotations

import secrets
import threading

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context
from redis import Redis

from engagements.models import Engagement
from flows import services
from flows.models import PhaseRun, PhaseStatus
from flows.tasks import run_phase
from tests.factories import Team

from .conftest import Worker, events_of, wait_for, wait_for_status
from .phases import SELFTEST


def test_a_redelivered_task_finds_the_lease_held_and_stops(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    key = "flows-test-" + secrets.token_hex(4)
    redis = Redis.from_url(settings.REDIS_URL)
    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement,
            flow_type=SELFTEST,
            flow_input={"steps": 40, "delay": 0.05, "redis_url": settings.REDIS_URL, "key": key},
        )
        work = PhaseRun.objects.get(flow=flow, name="work")
    wait_for(lambda: redis.get(f"{key}:runs"), what="the work phase to start")
    with schema_context(schema):
        # The broker delivers the same task again (acks_late after a lost connection), to the worker...
        run_phase.apply_async(args=[work.pk])
        run_phase.apply_async(args=[work.pk])
        # ...and another process tries too.
        assert services.phase_execute(phase_run_id=work.pk, worker_id="intruder") == "not claimed"
    wait_for_status(schema, flow.pk, "completed", "failed")
    assert redis.get(f"{key}:runs") == b"1"
    assert redis.get(f"{key}:max") == b"1"
    with schema_context(schema):
        assert PhaseRun.objects.get(pk=work.pk).attempt == 1
    starts = [e for e in events_of(schema, flow.pk) if e[1] == "work" and e[3] == PhaseStatus.RUNNING]
    assert len(starts) == 1
    redis.delete(f"{key}:runs", f"{key}:max", f"{key}:running")


def test_of_claims_racing_for_one_phase_exactly_one_wins(tenant: Team, engagement: Engagement) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema), services.running_inline():  # nothing is sent to a worker
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST)
        work = PhaseRun.objects.get(flow=flow, name="work")
    winners: list[str] = []
    barrier = threading.Barrier(4)

    def claim(worker_id: str) -> None:
        try:
            with schema_context(schema):
                barrier.wait()
                if services.phase_claim(phase_run_id=work.pk, worker_id=worker_id) is not None:
                    winners.append(worker_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"racer-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    with schema_context(schema):
        claimed = PhaseRun.objects.get(pk=work.pk)
        assert claimed.status == PhaseStatus.RUNNING and claimed.worker_id == winners[0] and claimed.attempt == 1
        # A later phase cannot be claimed before its turn either.
        check = PhaseRun.objects.get(flow=flow, name="check")
        assert services.phase_claim(phase_run_id=check.pk, worker_id="too-early") is None
        services.flow_cancel(flow=flow)
