from __future__ import annotations

from typing import Any

from tests.conftest import http


def test_health_reports_each_dependency_as_json(db: None) -> None:
    body = http("localhost").get("/health").json()
    assert {"database", "redis", "channel_layer", "worker"} <= set(body["checks"])
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"] and body["checks"]["channel_layer"]["ok"]
    assert body["status"] in {"ok", "degraded"}


def test_health_sees_a_running_worker(db: None, celery_worker_process: str) -> None:
    body: dict[str, Any] = http("localhost").get("/health").json()
    assert body["checks"]["worker"]["ok"], body
    assert any(celery_worker_process in name for name in body["checks"]["worker"]["workers"])
    assert body["status"] == "ok"
