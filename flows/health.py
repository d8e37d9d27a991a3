"""What flows add to `/health`: the depth of the Celery queue and phases stuck without a live worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from redis import Redis

from migration_platform.health import _timed

from .services import stuck_phases


def _queue_depth() -> dict[str, Any]:
    client = Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return {"queue": queue, "depth": int(client.llen(queue))}  # type: ignore[arg-type]


def _stuck() -> dict[str, Any]:
    stuck = stuck_phases()
    if stuck:
        # Reported, not fatal: the watchdog retries or fails these within its next sweep.
        return {"count": len(stuck), "phases": stuck[:20], "warning": "running phases whose lease expired"}
    return {"count": 0, "phases": []}


def flow_checks() -> dict[str, Any]:
    stuck = _timed(_stuck)
    if stuck.get("count"):
        stuck["ok"] = False
    return {"queue_depth": _timed(_queue_depth), "stuck_phases": stuck}
