"""Flows tests: a Celery worker that knows the test flow types, committed data, and waiting helpers."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows.models import Flow
from tests.conftest import ROOT
from tests.factories import Team

from . import phases  # noqa: F401 - registers the test flow types in this process

FAST_FLOW_ENV = {
    "FLOW_HEARTBEAT_SECONDS": "0.5",
    "FLOW_LEASE_SECONDS": "5",
    "FLOW_RETRY_BACKOFF_SECONDS": "0.5",
}


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen[bytes]

    @property
    def name(self) -> str:
        return f"{self.queue}@{os.uname().nodename}"

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory killer or a pulled plug would: no clean-up at all."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_worker(*, queue: str | None = None, env: dict[str, str] | None = None) -> Worker:
    """A real Celery worker subprocess that also imports the test flow types; waits until it answers."""
    from migration_platform.celery import app

    queue = queue or "flows-" + secrets.token_hex(4)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "migration_platform",
            "worker",
            "-P",
            "threads",
            "-c",
            "2",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "-I",
            "tests.flows.phases",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **FAST_FLOW_ENV, **(env or {}), "CELERY_QUEUE": queue},
    )
    worker = Worker(queue=queue, process=process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[worker.name], timeout=0.5):
            return worker
        if process.poll() is not None:
            pytest.fail("The Celery worker exited at start")
    worker.stop()
    pytest.fail("The Celery worker did not answer within 60 s")


@pytest.fixture(scope="session")
def _flows_worker_process(django_db_setup: None) -> Iterator[Worker]:
    worker = start_worker()
    yield worker
    worker.stop()


@pytest.fixture
def flows_worker(_flows_worker_process: Worker) -> Iterator[Worker]:
    """The session's flows worker; tasks sent during the test go to its queue."""
    from migration_platform.celery import app

    before = app.conf.task_default_queue
    app.conf.task_default_queue = _flows_worker_process.queue
    yield _flows_worker_process
    app.conf.task_default_queue = before


@pytest.fixture
def fast_flows(settings: Any) -> None:
    """This process's share of the short lease and backoff (the watchdog and inline phases run here)."""
    for name, value in FAST_FLOW_ENV.items():
        setattr(settings, name, float(value))


@pytest.fixture
def live_db(django_db_blocker: Any) -> Iterator[None]:
    """Database access for tests whose rows must be committed (seen by a worker, daphne or a consumer)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def engagement(live_tenant: Team, live_db: None) -> Engagement:
    with schema_context(live_tenant.client.schema_name):
        return Engagement.objects.create(name="Data centre exit", created_by=live_tenant.manager)


def wait_for(predicate: Callable[[], Any], *, timeout: float = 20, interval: float = 0.05, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what or predicate}")


def flow_status(schema: str, flow_id: int) -> str:
    with schema_context(schema):
        return Flow.objects.values_list("status", flat=True).get(pk=flow_id)


def wait_for_status(schema: str, flow_id: int, *statuses: str, timeout: float = 30) -> str:
    return wait_for(
        lambda: (status := flow_status(schema, flow_id)) in statuses and status,
        timeout=timeout,
        what=f"flow {flow_id} to be {' or '.join(statuses)}",
    )


def phase_statuses(schema: str, flow_id: int) -> dict[str, str]:
    from flows.models import PhaseRun

    with schema_context(schema):
        return dict(PhaseRun.objects.filter(flow_id=flow_id).order_by("order").values_list("name", "status"))


def events_of(schema: str, flow_id: int) -> list[tuple[str, str, str, str, str]]:
    from flows.models import FlowEvent

    with schema_context(schema):
        return list(
            FlowEvent.objects.filter(flow_id=flow_id)
            .order_by("created_at", "pk")
            .values_list("actor", "phase", "from_status", "to_status", "detail")
        )


REDIS_TEST_URL = settings.REDIS_URL
