"""Flow orchestrator benchmark: (a) latency from a phase status change to the WebSocket message reaching a
connected client, (b) the orchestrator's own cost per phase (phases that do nothing, run in this process).

    DATABASE_URL=... REDIS_URL=... python bench/flow_bench.py [--phases 200]

It creates a client of its own (schema, one viewer) and removes it afterwards. Goals: p95 < 50 ms, < 20 ms/phase.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")

import django

django.setup()

from asgiref.sync import sync_to_async  # noqa: E402
from channels.testing import WebsocketCommunicator  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import User  # noqa: E402
from engagements.models import Engagement  # noqa: E402
from flows import services  # noqa: E402
from flows.context import PhaseContext  # noqa: E402
from flows.live import flush_broadcasts  # noqa: E402
from flows.registry import register_flow_type, register_phase  # noqa: E402
from migration_platform.asgi import application  # noqa: E402
from tenants.db import use_public_schema  # noqa: E402
from tenants.models import Client, Membership  # noqa: E402
from tenants.roles import Role  # noqa: E402
from tenants.services import client_create  # noqa: E402


def nothing(ctx: PhaseContext) -> dict[str, Any]:
    return {}


def register_bench_flow(phases: int) -> str:
    names = tuple(f"p{n:04d}" for n in range(1, phases + 1))
    flow_type = f"bench{phases}"
    register_flow_type(flow_type, names)
    for name in names:
        register_phase(flow_type, name, run=nothing)
    return flow_type


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def latency(*, schema: str, host: str, cookie: str, engagement_id: int, flow_type: str) -> list[float]:
    """Per phase: from just before the claim's transaction (pending -> running) to the fragment on the socket."""
    socket = WebsocketCommunicator(
        application,
        f"/ws/engagements/{engagement_id}/",
        headers=[(b"host", host.encode()), (b"origin", f"http://{host}".encode()), (b"cookie", cookie.encode())],
    )
    connected, _ = await socket.connect()
    assert connected, "the socket was refused"
    await socket.receive_from()  # the live badge

    def start() -> Any:
        with schema_context(schema), services.running_inline():
            flow = services.flow_start(engagement=Engagement.objects.get(pk=engagement_id), flow_type=flow_type)
            return flow, list(flow.phases.order_by("order").values_list("pk", "name"))

    flow, phases = await sync_to_async(start, thread_sensitive=False)()
    await socket.receive_from()  # the start's fragments

    def run(phase_run_id: int) -> None:
        with schema_context(schema), services.running_inline():
            services.phase_execute(phase_run_id=phase_run_id, worker_id="bench")

    samples: list[float] = []
    for pk, name in phases:
        started = time.perf_counter()
        running = asyncio.ensure_future(sync_to_async(run, thread_sensitive=False)(pk))
        wanted = re.compile(rf'data-phase="{name}" data-status="running"')
        while True:
            message = await socket.receive_from(timeout=5)
            if wanted.search(message):
                samples.append((time.perf_counter() - started) * 1000)
                break
        await running
        while not re.search(rf'data-phase="{name}" data-status="completed"', await socket.receive_from(timeout=5)):
            pass
    await socket.disconnect()
    return samples


def overhead(*, schema: str, engagement: Engagement, flow_type: str, phases: int) -> tuple[float, float]:
    """Wall time and this process's CPU time per phase, until the last broadcast is rendered and sent."""
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=flow_type)
        flush_broadcasts()
        started, cpu = time.perf_counter(), time.process_time()
        flow = services.flow_run_inline(flow=flow)
        flush_broadcasts()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert flow.status == "completed", flow.status
    return elapsed * 1000 / phases, cpu * 1000 / phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phases", type=int, default=200)
    phases = parser.parse_args().phases
    flow_type = register_bench_flow(phases)
    slug = "bench" + secrets.token_hex(3)
    use_public_schema()
    client = client_create(name=f"Bench {slug}", slug=slug)
    user = User.objects.create_user(email=f"viewer@{slug}.test", password=None)
    try:
        Membership.objects.create(user=user, client=client, role=Role.VIEWER)
        with schema_context(slug):
            engagement = Engagement.objects.create(name="Benchmark")
        browser = HttpClient(HTTP_HOST=f"{slug}.localhost")
        browser.force_login(user)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"

        samples = asyncio.run(
            latency(
                schema=slug,
                host=f"{slug}.localhost",
                cookie=cookie,
                engagement_id=engagement.pk,
                flow_type=flow_type,
            )
        )
        per_phase, cpu_per_phase = overhead(schema=slug, engagement=engagement, flow_type=flow_type, phases=phases)
        print(f"Flow benchmark ({phases} phase status changes; database {client.schema_name} on this machine)")
        print(
            "(a) phase status change -> WebSocket client: "
            f"p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms, "
            f"max {max(samples):.1f} ms  (goal: p95 < 50 ms)"
        )
        print(
            f"(b) orchestrator overhead per phase (claim, lease, heartbeat thread, transaction, events, "
            f"broadcasts; no-op phases run inline): {per_phase:.1f} ms  (goal: < 20 ms); "
            f"CPU of this process {cpu_per_phase:.1f} ms a phase; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        use_public_schema()
        Client.objects.get(schema_name=slug).delete(force_drop=True)
        user.delete()


if __name__ == "__main__":
    main()
