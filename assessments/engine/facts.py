"""The facts the engine judges, as plain frozen dataclasses.

The backend loads them from the database in bulk (a handful of queries for a whole engagement) and hands
them to the engine, which imports nothing from Django: every rule can be read, tested and timed on its own.
Unknown facts are ``None`` (or an empty tuple): rules that need a missing fact do not fire, and the
result says what was unknown instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

STRATEGIES: tuple[str, ...] = ("rehost", "replatform", "refactor", "repurchase", "retire", "retain")
EFFORTS: tuple[str, ...] = ("xs", "s", "m", "l", "xl")
CLOUDS: tuple[str, ...] = ("aws", "azure", "gcp")
CRITICALITIES: tuple[str, ...] = ("critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class ServerFacts:
    id: int
    name: str
    asset_type: str | None = None
    os_name: str | None = None
    os_version: str | None = None
    os_family: str | None = None
    os_architecture: str | None = None
    cpu_cores: int | None = None
    memory_mb: int | None = None
    storage_gb: float | None = None
    cpu_util_avg_pct: float | None = None
    cpu_util_max_pct: float | None = None
    memory_util_avg_pct: float | None = None
    memory_used_max_mb: int | None = None
    is_virtual: bool | None = None
    hypervisor: str | None = None
    firmware: str | None = None
    environment: str | None = None
    power_state: str | None = None
    monthly_cost: float | None = None


@dataclass(frozen=True, slots=True)
class AppFacts:
    id: int
    name: str
    app_type: str | None = None
    business_criticality: str | None = None
    lifecycle: str | None = None
    users: int | None = None
    languages: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    middleware: tuple[str, ...] = ()
    vendor: str | None = None
    data_classification: str | None = None
    compliance: tuple[str, ...] = ()
    rto_hours: float | None = None
    rpo_minutes: float | None = None
    annual_cost: float | None = None
    server_ids: tuple[int, ...] = ()
    dependencies_out: int = 0
    dependencies_in: int = 0
    tags: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Standard:
    """An engagement's architecture standard for one component (a catalogue product key, e.g. ``java``)."""

    component: str
    label: str
    category: str
    minimum: str
    recommended: str


@dataclass(frozen=True, slots=True)
class Goals:
    """The engagement's business goals, each weighted 1 (does not matter) to 5 (matters most)."""

    speed: int = 3
    cost: int = 3
    modernisation: int = 3
    operations: int = 3
