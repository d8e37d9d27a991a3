"""Test set-up: one fresh database per session, with two clients made once (acme and globex).

Most tests run inside a transaction rolled back at the end (`db`). Tests that cross a process or a
thread (a Celery worker, the channel layer's consumer, a browser) need committed rows: they use
`live_tenant`, which creates a client of its own and removes it, schema and people, afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client as HttpClient
from psycopg import sql
from rest_framework.test import APIClient

from tests.factories import PASSWORD, Team, committed_team, make_team

ROOT = Path(__file__).resolve().parent.parent
os.environ["DJANGO_TESTING"] = "1"  # inherited by the daphne and Celery processes the tests start


def _admin_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/postgres"


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker: Any) -> Iterator[None]:
    from django.db import connections

    name = settings.DATABASES["default"]["NAME"]
    if not str(name).endswith("_test"):
        pytest.exit(f"Refusing to run: DATABASE_URL names '{name}', not a *_test database.", returncode=2)
    with django_db_blocker.unblock():
        connections.close_all()
        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        call_command("platform_setup", verbosity=0)
        from tenants.services import client_create

        client_create(name="Acme", slug="acme")
        client_create(name="Globex", slug="globex")
    yield


@pytest.fixture(autouse=True)
def back_to_the_public_schema() -> Iterator[None]:
    """A request to a client host leaves the connection in that client's schema: reset it after each test."""
    yield
    from tenants.db import use_public_schema

    use_public_schema()


@pytest.fixture(autouse=True)
def no_sign_in_failures_counted() -> None:
    """Sign-in throttling counts failures in Redis across runs: every test starts with none."""
    from accounts.throttle import sign_in_counts_clear

    sign_in_counts_clear()


@pytest.fixture
def team(db: None) -> Team:
    """Acme's owner (client admin), manager, analyst and viewer, and Globex's admin as the outsider."""
    return make_team("acme", "globex")


def http(host: str, user: Any = None) -> HttpClient:
    client = HttpClient(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def api(host: str, user: Any = None) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def live_tenant(django_db_blocker: Any) -> Iterator[Team]:
    """A client with committed rows (its own schema and people), dropped after the test."""
    with committed_team("live", django_db_blocker) as team:
        yield team


@pytest.fixture(scope="session")
def celery_queue() -> str:
    """This session's own Celery queue: the worker listens on it; this process and daphne send their tasks to it
    (never to the default queue, which a worker of `make run` on the same Redis would take)."""
    from migration_platform.celery import app

    queue = "test-" + secrets.token_hex(4)
    app.conf.task_default_queue = queue
    return queue


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, celery_queue: str) -> Iterator[str]:
    """A real Celery worker on the session's queue; yields the queue name."""
    from migration_platform.celery import app

    queue = celery_queue
    env = dict(os.environ, CELERY_QUEUE=queue)
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
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            break
        if process.poll() is not None:
            pytest.fail("The Celery worker exited at start")
    else:
        process.kill()
        pytest.fail("The Celery worker did not answer within 60 s")
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server_url(django_db_setup: None, celery_queue: str) -> Iterator[str]:
    """daphne serving the platform (HTTP and WebSocket) on a free port; pages reach clients as <slug>.localhost.
    The flows its pages start go to the session's queue, which `celery_worker_process` takes when a test asks
    for it."""
    port = free_port()
    env = dict(os.environ, SITE_PORT=str(port), CELERY_QUEUE=celery_queue)
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "migration_platform.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("daphne exited at start: " + (process.stderr.read() or b"").decode()[-2000:])  # type: ignore[union-attr]
            time.sleep(0.2)
    yield f"http://localhost:{port}"
    process.terminate()
    process.wait(timeout=10)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API holds an event loop that the asyncio tests must not meet."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright; skipped with a notice on a laptop without it, never under CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium: .ci/run installs it with apt-get install -y chromium")
        pytest.skip("Browser tests need Chromium: sudo apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread, which makes Django refuse ORM calls in
    # the tests that set up data beside the browser; those calls are synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


SCREENSHOTS = ROOT / "docs" / "screenshots"


def sign_in(page: Any, site: str, email: str) -> None:
    """Sign in through the real sign-in page of `site` (the public site or a client's host) and wait for the page
    it leads to."""
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


__all__ = ["PASSWORD", "api", "http"]
