"""Redis restarted mid-flow (its queue lost): the state is in PostgreSQL, the watchdog sends the lost task again,
says so in the flow's history, and the flow completes. Uses a private redis-server, never the shared one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from celery import Celery
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from engagements.models import Engagement
from flows import services
from flows.models import FlowStatus, PhaseRun, PhaseStatus
from flows.tasks import run_phase
from migration_platform.celery import app
from tests.conftest import ROOT, http
from tests.factories import Team
from tests.processes import PrivateRedis

from .conftest import Worker, events_of, phase_statuses, start_worker, wait_for, wait_for_status
from .phases import SELFTEST


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.fail("This test starts its own redis-server: apt-get install -y redis-server")
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.kill()


def _sweep(schema: str, redis_url: str, queue: str) -> str:
    """The watchdog, in a process whose broker is the private Redis (as the beat-driven task would be)."""
    code = (
        "import django; django.setup(); from flows.services import watchdog_sweep; "
        f"print(watchdog_sweep(schemas=[{schema!r}]).as_dict())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "migration_platform.settings",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "FLOW_LEASE_SECONDS": "1",
        "CELERY_QUEUE": queue,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout


def _exited_or_answers(worker: Worker, broker_url: str) -> bool:
    if worker.process.poll() is not None:
        return True
    try:
        return bool(Celery(broker=broker_url).control.ping(destination=[worker.name], timeout=0.5))
    except (OSError, RedisError, OperationalError):  # a connection of the Redis that was killed
        return False


def test_a_redis_restart_mid_flow_loses_nothing(
    tenant: Team, engagement: Engagement, private_redis: PrivateRedis
) -> None:
    schema = tenant.client.schema_name
    worker: Worker = start_worker(broker_url=private_redis.url)
    try:
        with schema_context(schema), services.running_inline():
            flow = services.flow_start(
                engagement=engagement, flow_type=SELFTEST, flow_input={"steps": 20, "delay": 0.1}
            )
            work = PhaseRun.objects.get(flow=flow, name="work")
        with schema_context(schema), app.connection_for_write(private_redis.url) as connection:
            run_phase.apply_async(args=[work.pk], queue=worker.queue, connection=connection)
        wait_for(lambda: phase_statuses(schema, flow.pk)["work"] == PhaseStatus.RUNNING, what="work to start")

        private_redis.kill()  # queue, unacked messages and channel layer gone
        wait_for(lambda: phase_statuses(schema, flow.pk)["work"] == PhaseStatus.COMPLETED, what="work to finish")
        time.sleep(3)  # the worker's attempt to queue the next phase fails while Redis is down
        private_redis.start()  # empty: the message for `check` is lost
        assert phase_statuses(schema, flow.pk)["check"] == PhaseStatus.PENDING
        # The worker either reconnects or exits; on a busy machine its exit can take a few seconds.
        wait_for(lambda: _exited_or_answers(worker, private_redis.url), timeout=30, what="the worker to answer or exit")
        if worker.process.poll() is not None:
            # Celery 5.7's worker exits ("Unrecoverable error ... 'hostname'") when the broker drops while a task
            # runs; its supervisor (compose's restart policy) starts it again, as we do here.
            worker = start_worker(queue=worker.queue, broker_url=private_redis.url)

        time.sleep(1.2)  # older than the sweep's requeue delay
        assert f"{schema}:{flow.pk}:check" in _sweep(schema, private_redis.url, worker.queue)
        assert wait_for_status(schema, flow.pk, FlowStatus.COMPLETED, FlowStatus.FAILED, timeout=40) == "completed"
        assert phase_statuses(schema, flow.pk) == {"work": "completed", "check": "completed", "finish": "completed"}
        with schema_context(schema):
            assert PhaseRun.objects.get(pk=work.pk).attempt == 1  # the running phase carried on through it all

        # The history says the watchdog sent `check` again, and why, before a worker took it.
        history = [(actor, phase, to, detail) for actor, phase, _, to, detail in events_of(schema, flow.pk)]
        resent = [i for i, (actor, phase, _, _) in enumerate(history) if actor == "watchdog" and phase == "check"]
        assert len(resent) == 1, history
        detail = history[resent[0]][3]
        assert detail.startswith("Sent Check again (attempt 1 of "), detail
        assert "not started by any worker" in detail and "Redis restart" in detail, detail
        started = [i for i, (actor, phase, to, _) in enumerate(history) if phase == "check" and to == "running"]
        assert started and resent[0] < started[0], history
        page = http(tenant.host, tenant.viewer).get(f"/flows/{flow.pk}/").content.decode()
        assert "<strong>watchdog</strong> · Check · Sent Check again (attempt 1 of " in page
    finally:
        worker.stop()
