"""Move groups and waves (skeleton: rules follow)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class WaveApp:
    id: int
    name: str
    servers: int = 0
    risk: int = 1
    criticality: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedWave:
    number: int
    name: str
    start: date
    end: date
    is_pilot: bool
    app_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WavePlan:
    waves: list[PlannedWave]
    group_of: dict[int, int]
    warnings: list[str] = field(default_factory=list)


def move_groups(app_ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    raise NotImplementedError


def plan_waves(
    apps: list[WaveApp],
    edges: list[tuple[int, int]],
    *,
    max_servers_per_wave: int,
    wave_weeks: int,
    start: date,
    pilot_max_apps: int,
    pins: dict[int, int] | None = None,
) -> WavePlan:
    raise NotImplementedError


def broken_dependencies(assignment: dict[int, int], edges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    raise NotImplementedError
