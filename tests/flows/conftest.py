"""Flows tests: a Celery worker that knows the test flow types, committed data, and waiting helpers."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from engagements.models import Engagement
from flows.models import Flow
from tests.conftest import ROOT, free_port
from tests.factories import Team
from tests.processes import port_answers, wait_for

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


def start_worker(
    *, queue: str | None = None, env: dict[str, str] | None = None, broker_url: str = "", pool: str = "threads"
) -> Worker:
    """A real Celery worker subprocess that also imports the test flow types; waits until it answers."""
    from migration_platform.celery import app

    if broker_url:
        env = {**(env or {}), "REDIS_URL": broker_url, "CELERY_BROKER_URL": broker_url}

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
            pool,
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
    probe = Celery(broker=broker_url) if broker_url else app  # replies come back through the worker's broker
    while time.monotonic() < deadline:
        try:
            if probe.control.ping(destination=[worker.name], timeout=0.5):
                return worker
        except (OSError, RedisError, OperationalError):  # a broker restarted under a pooled connection
            probe = Celery(broker=broker_url) if broker_url else app
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


@pytest.fixture(scope="session")
def flows_live_server_url(_flows_worker_process: Worker) -> Iterator[str]:
    """daphne (HTTP and WebSocket) whose Celery tasks go to the flows worker's queue, on a free port."""
    port = free_port()
    env = {**os.environ, "SITE_PORT": str(port), "CELERY_QUEUE": _flows_worker_process.queue}
    # daphne in a process that also knows the test flow types (their gates are approved on its pages).
    launch = (
        "import django; django.setup(); import tests.flows.phases; from daphne.cli import CommandLineInterface; "
        f"CommandLineInterface().run(['-b', '127.0.0.1', '-p', '{port}', 'migration_platform.asgi:application'])"
    )
    env["DJANGO_SETTINGS_MODULE"] = "migration_platform.settings"
    process = subprocess.Popen([sys.executable, "-c", launch], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for(lambda: port_answers(port) or process.poll() is not None, timeout=30, what="daphne")
        if process.poll() is not None:
            pytest.fail("daphne exited at start")
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


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


@pytest.fixture(scope="session")
def tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Team]:
    """A client with committed rows shared by this directory's worker tests (each makes its own engagement)."""
    from accounts.models import User
    from tenants.db import use_public_schema
    from tenants.models import Client
    from tenants.services import client_create
    from tests.factories import make_team

    slug = "flows" + secrets.token_hex(3)
    with django_db_blocker.unblock():
        use_public_schema()  # a request of an earlier test may have left the connection in a client's schema
        client_create(name=f"Flows {slug}", slug=slug)
        team = make_team(slug, "globex", email_tag=slug)
    yield team
    with django_db_blocker.unblock():
        use_public_schema()
        Client.objects.get(schema_name=slug).delete(force_drop=True)
        User.objects.filter(email__contains=slug).delete()


@pytest.fixture
def engagement(tenant: Team, live_db: None, request: pytest.FixtureRequest) -> Engagement:
    with schema_context(tenant.client.schema_name):
        return Engagement.objects.create(name=f"{request.node.name[:150]} {secrets.token_hex(2)}")


def run_async(coroutine_function: Callable[[], Any]) -> Any:
    """Run a coroutine in a thread of its own (Playwright's sync API leaves an event loop in the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


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
