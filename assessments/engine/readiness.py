"""Server readiness for the engagement's target cloud (skeleton: rules follow)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import ServerFacts

READY = "ready"
READY_WITH_CONDITIONS = "ready_with_conditions"
NOT_READY = "not_ready"
UNKNOWN = "unknown"
READINESS_STATUSES: tuple[str, ...] = (READY, READY_WITH_CONDITIONS, NOT_READY, UNKNOWN)


@dataclass(frozen=True, slots=True)
class Readiness:
    status: str
    reasons: list[str] = field(default_factory=list)


def server_readiness(server: ServerFacts, target_cloud: str) -> Readiness:
    raise NotImplementedError


def worst_readiness(statuses: list[str]) -> str | None:
    raise NotImplementedError
