"""`python -m migration_platform.web`, the deployment's web command: several daphne processes on one port, each
with the connection pool, all stopped by one SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def test_three_processes_answer_on_one_port_and_stop_together(django_db_setup: None) -> None:
    port = free_port()
    env = {**os.environ, "SITE_PORT": str(port)}
    env.pop("DB_POOL_SIZE", None)
    command = [sys.executable, "-m", "migration_platform.web", "--processes", "3", "--bind", "127.0.0.1"]
    web = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        answers = []
        deadline = time.monotonic() + 60
        while len(answers) < 6 and time.monotonic() < deadline:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": "localhost"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    answers.append(response.status)
            except OSError:
                time.sleep(0.3)
        assert answers == [200] * 6
        children = psutil.Process(web.pid).children()
        assert len(children) == 3
        assert all(child.environ().get("DB_POOL_SIZE") == "4" for child in children)
    finally:
        web.send_signal(signal.SIGTERM)
        assert web.wait(timeout=30) == 0
    assert not any(child.is_running() and child.status() != psutil.STATUS_ZOMBIE for child in children)
