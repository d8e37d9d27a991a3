"""Fault tests: a private redis-server, real Celery workers and Celery beat (which sends the watchdog's sweeps, as
deployed) whose broker is that private Redis, and the import command run in a process of its own, as an operator
would run it. The test supervises the worker and beat as compose's restart policy would.

Nothing here touches the shared Redis: every process the tests start is given the private Redis's URL.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from flows.models import PhaseRun
from imports.models import DataImport
from tests.conftest import ROOT
from tests.processes import PrivateRedis

# Short leases so a dead worker is noticed within seconds; the watchdog's sweep (sent by beat) every second.
FAULT_ENV = {
    "FLOW_HEARTBEAT_SECONDS": "0.5",
    "FLOW_LEASE_SECONDS": "4",
    "FLOW_RETRY_BACKOFF_SECONDS": "0.5",
    "FLOW_WATCHDOG_SECONDS": "1",
    "FLOW_MAX_ATTEMPTS": "4",
}


@dataclass
class Stack:
    """The processes of one fault scenario: they share the private Redis, a media folder and a queue."""

    redis: PrivateRedis
    media: Path
    queue: str = field(default_factory=lambda: "faults-" + secrets.token_hex(4))
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    beats: list[subprocess.Popen[bytes]] = field(default_factory=list)
    commands: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **FAULT_ENV,
            **self.extra_env,
            "DJANGO_SETTINGS_MODULE": "migration_platform.settings",
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": self.redis.url,
            "CELERY_RESULT_BACKEND": self.redis.url,
            "CELERY_QUEUE": self.queue,
            "MEDIA_ROOT": str(self.media),
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def worker(self) -> subprocess.Popen[bytes]:
        return self.workers[-1]

    def start_worker(self) -> subprocess.Popen[bytes]:
        """A Celery worker on the stack's queue, as `make run` starts one; waits until it answers."""
        name = f"{self.queue}-{len(self.workers)}@{os.uname().nodename}"
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
                self.queue,
                "-n",
                name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,  # its own process group, killed whole with its pool
        )
        self.workers.append(process)
        deadline = time.monotonic() + 60
        probe = Celery(broker=self.redis.url)
        while time.monotonic() < deadline:
            try:
                if probe.control.ping(destination=[name], timeout=0.5):
                    return process
            except (OSError, RedisError, OperationalError):
                probe = Celery(broker=self.redis.url)
            if process.poll() is not None:
                pytest.fail("The Celery worker exited at start")
        pytest.fail("The Celery worker did not answer within 60 s")

    def start_beat(self) -> subprocess.Popen[bytes]:
        """Celery beat, which sends the watchdog's sweep every FLOW_WATCHDOG_SECONDS (as `make run` and compose)."""
        schedule = self.media.parent / f"beat-schedule-{len(self.beats)}"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "migration_platform", "beat", "-l", "warning", "-s", str(schedule)],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        self.beats.append(process)
        return process

    def kill_worker(self) -> None:
        """SIGKILL to the worker and its pool, as a pulled plug would: no clean-up at all."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def supervise(self, until: Callable[[], bool], *, timeout: float) -> None:
        """Start a new worker or beat whenever the current one exits, as compose's `restart: unless-stopped` does,
        until `until()` holds. (Celery's worker exits when its broker drops under a running late-acked task.)"""
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                raise AssertionError(f"Timed out after {timeout} s while supervising the workers")
            if self.worker.poll() is not None:
                self.start_worker()
            if self.beats[-1].poll() is not None:
                self.start_beat()
            time.sleep(0.2)

    def manage(self, *args: str) -> subprocess.Popen[str]:
        """A manage.py command in a process of its own; its stderr (progress lines) goes to `<media>/../<n>.err`."""
        log = self.media.parent / f"command-{len(self.commands)}.err"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        self.commands.append(process)
        return process

    def wait(self, command: subprocess.Popen[str], *, timeout: float) -> tuple[int, str, str]:
        """Supervise the workers until the command ends: its exit code, stdout and stderr."""
        self.supervise(lambda: command.poll() is not None, timeout=timeout)
        out, _ = command.communicate(timeout=10)
        log = self.media.parent / f"command-{self.commands.index(command)}.err"
        return command.returncode, out, log.read_text()

    def finish(self, command: subprocess.Popen[str], *, timeout: float) -> dict[str, Any]:
        """Supervise the workers until the command ends; its JSON result (the last line it printed)."""
        code, out, err = self.wait(command, timeout=timeout)
        assert code == 0, f"exit {code}: {err[-3000:]} {out[-1000:]}"
        return dict(json.loads(out.strip().splitlines()[-1]))

    def stop(self) -> None:
        for process in self.commands:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, *self.beats]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)  # the process and its children, even when it is gone
        for process in [*self.commands, *self.workers, *self.beats]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for process in [*self.workers, *self.beats]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.fail("The fault tests start their own redis-server: apt-get install -y redis-server")
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.kill()


@pytest.fixture
def stack(private_redis: PrivateRedis, tmp_path: Path) -> Iterator[Stack]:
    media = tmp_path / "media"
    media.mkdir()
    running = Stack(redis=private_redis, media=media)
    yield running
    running.stop()


@pytest.fixture
def live_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access for a test whose rows are read and written by other processes (committed at once)."""
    with django_db_blocker.unblock():
        yield


HEADERS = ["Server Name", "IP Address", "Memory (GB)", "CPU Cores", "Operating System", "Environment", "Rack Slot"]
SYSTEMS = ["Windows Server 2019", "Red Hat Enterprise Linux 8", "Ubuntu 22.04", "AIX 7.2"]


def server_file(path: Path, *, prefix: str, subnet: int, rows: int) -> list[str]:
    """A server list whose names start with `prefix`, with addresses in 10.<subnet>.0.0/16 (an address is a natural
    key too); 'Rack Slot' matches no field, so the AI is asked about it."""
    names = [f"{prefix}{n:05d}" for n in range(rows)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n, name in enumerate(names):
            ip = f"10.{subnet}.{n // 256 % 256}.{n % 256}"
            writer.writerow(
                [name, ip, [4, 8, 16][n % 3], [2, 4][n % 2], SYSTEMS[n % 4], "Prod", f"R{n % 40}-U{n % 42}"]
            )
    return names


def import_of(schema: str, name: str) -> DataImport | None:
    with schema_context(schema):
        return DataImport.objects.filter(original_name=name).exclude(flow=None).first()


def phase(schema: str, flow_id: int, name: str) -> PhaseRun:
    with schema_context(schema):
        return PhaseRun.objects.get(flow_id=flow_id, name=name)
