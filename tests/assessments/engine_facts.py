"""Small builders of engine facts for the engine's tests (plain data, no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

from assessments.engine.complexity import complexity
from assessments.engine.facts import AppFacts, Goals, ServerFacts
from assessments.engine.readiness import server_readiness
from assessments.engine.sixr import Recommendation, recommend
from assessments.engine.standards import DEFAULT_STANDARDS
from assessments.engine.techdebt import debt_items

TODAY = date(2026, 11, 26)


def server(server_id: int = 1, **facts: Any) -> ServerFacts:
    """A healthy, measured VM unless the facts say otherwise."""
    defaults: dict[str, Any] = {
        "name": f"srv{server_id:03d}",
        "asset_type": "server",
        "os_name": "Red Hat Enterprise Linux 9.4",
        "os_family": "linux",
        "os_architecture": "x86_64",
        "cpu_cores": 4,
        "memory_mb": 16384,
        "storage_gb": 200.0,
        "is_virtual": True,
        "hypervisor": "VMware",
        "environment": "production",
        "power_state": "poweredOn",
    }
    defaults.update(facts)
    return ServerFacts(id=server_id, **defaults)


def app(app_id: int = 1, **facts: Any) -> AppFacts:
    defaults: dict[str, Any] = {
        "name": f"app{app_id}",
        "app_type": "custom",
        "business_criticality": "medium",
        "lifecycle": "maintain",
        "users": 200,
    }
    defaults.update(facts)
    return AppFacts(id=app_id, **defaults)


def assess(
    application: AppFacts,
    servers: list[ServerFacts],
    *,
    cloud: str = "aws",
    goals: Goals | None = None,
    today: date = TODAY,
) -> Recommendation:
    """The engine's whole chain for one application, as the backend runs it."""
    readiness = {s.id: server_readiness(s, cloud, today=today) for s in servers}
    debt = debt_items(application, servers, DEFAULT_STANDARDS, today)
    return recommend(
        application,
        servers=servers,
        readiness=readiness,
        debt=debt,
        complexity=complexity(application, servers, debt),
        goals=goals or Goals(),
        target_cloud=cloud,
    )
