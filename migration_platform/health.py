"""`/health`: database, Redis, channel layer and worker status as JSON."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from redis import Redis


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as error:  # noqa: BLE001 - a health check reports every failure as data
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _redis() -> dict[str, Any]:
    client = Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    client.ping()
    return {}


def _channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("health.")
        await layer.send(channel, {"type": "health.ping", "id": uuid.uuid4().hex})
        await layer.receive(channel)

    async_to_sync(round_trip)()
    return {}


def _worker() -> dict[str, Any]:
    from migration_platform.celery import app

    replies = app.control.ping(timeout=0.5)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return {"workers": sorted(name for reply in replies for name in reply)}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "redis": _redis,
    "channel_layer": _channel_layer,
    "worker": _worker,
}
EXTRA_CHECKS: list[Callable[[], dict[str, Any]]] = []  # apps add theirs (queue depth, stuck phases)


def health_view(request: HttpRequest) -> JsonResponse:
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    for extra in EXTRA_CHECKS:
        checks.update(extra())
    essential_ok = all(checks[name]["ok"] for name in ("database", "redis", "channel_layer"))
    status = "ok" if essential_ok and checks["worker"]["ok"] else ("degraded" if essential_ok else "down")
    return JsonResponse({"status": status, "checks": checks}, status=200 if essential_ok else 503)
