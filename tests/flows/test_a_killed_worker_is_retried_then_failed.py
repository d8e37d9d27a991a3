"""A worker killed with SIGKILL mid-phase: the watchdog finds the stale heartbeat, retries with backoff on
another worker, and after the last attempt fails the phase with a message that says what happened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from migration_platform.celery import app
from tests.factories import Team

from .conftest import Worker, events_of, start_worker, wait_for
from .phases import SELFTEST

KILL_ENV = {"FLOW_LEASE_SECONDS": "1.5", "FLOW_HEARTBEAT_SECONDS": "0.3"}


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    before = app.conf.task_default_queue
    yield started
    app.conf.task_default_queue = before
    for worker in started:
        worker.stop()


def _running_attempt(schema: str, flow_id: int, attempt: int) -> PhaseRun | None:
    with schema_context(schema):
        run = PhaseRun.objects.get(flow_id=flow_id, name="work")
    return run if run.status == PhaseStatus.RUNNING and run.attempt == attempt and run.progress > 0 else None


def _lease_expired(schema: str, flow_id: int) -> bool:
    with schema_context(schema):
        run = PhaseRun.objects.get(flow_id=flow_id, name="work")
    return run.lease_expires_at is not None and run.lease_expires_at < timezone.now()


def test_the_watchdog_retries_a_killed_workers_phase_then_fails_it_after_the_last_attempt(
    tenant: Team, engagement: Engagement, workers: list[Worker], settings: Any
) -> None:
    settings.FLOW_MAX_ATTEMPTS = 2
    settings.FLOW_RETRY_BACKOFF_SECONDS = 0.2
    settings.FLOW_LEASE_SECONDS = 1.5
    schema = tenant.client.schema_name
    first = start_worker(env=KILL_ENV)
    workers.append(first)
    app.conf.task_default_queue = first.queue
    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement, flow_type=SELFTEST, user=tenant.analyst, flow_input={"steps": 400, "delay": 0.05}
        )
    wait_for(lambda: _running_attempt(schema, flow.pk, 1), what="the first attempt to run")
    first.kill()

    # Nothing renews the lease now: once it expires, the watchdog's next sweep takes the phase back.
    wait_for(lambda: _lease_expired(schema, flow.pk), timeout=10, what="the lease to expire")
    report = services.watchdog_sweep(schemas=[schema])
    assert report.retried == [f"{schema}:{flow.pk}:work"]
    with schema_context(schema):
        run = PhaseRun.objects.get(flow_id=flow.pk, name="work")
        assert run.status == PhaseStatus.PENDING and run.retry_at is not None
        assert "retrying in" in run.message
        assert Flow.objects.get(pk=flow.pk).status == FlowStatus.PENDING
    watchdog_events = [e for e in events_of(schema, flow.pk) if e[0] == "watchdog"]
    assert "stopped sending heartbeats" in watchdog_events[0][4]

    second = start_worker(queue=first.queue, env=KILL_ENV)  # the retry waits in the same queue
    workers.append(second)
    wait_for(lambda: _running_attempt(schema, flow.pk, 2), what="the second attempt to run")
    second.kill()
    wait_for(lambda: _lease_expired(schema, flow.pk), timeout=10, what="the lease to expire again")
    report = services.watchdog_sweep(schemas=[schema])
    assert report.failed == [f"{schema}:{flow.pk}:work"]
    with schema_context(schema):
        run = PhaseRun.objects.get(flow_id=flow.pk, name="work")
        failed = Flow.objects.get(pk=flow.pk)
    assert run.status == PhaseStatus.FAILED and run.attempt == 2
    assert "stopped sending heartbeats" in run.error_message
    assert "gave up after 2 attempts" in run.error_message
    assert failed.status == FlowStatus.FAILED and failed.finished_at is not None
    assert "worker stopped responding" in failed.message


def test_the_watchdog_runs_every_few_seconds_on_celery_beat() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["flows-watchdog"]
    assert entry["task"] == "flows.watchdog"
    assert entry["schedule"] <= 15
    # With these defaults a dead worker's phase is recovered well within a minute.
    assert django_settings.FLOW_LEASE_SECONDS + entry["schedule"] < 60
