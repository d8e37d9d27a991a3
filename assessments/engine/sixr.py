"""The 6R recommendation (skeleton: rules follow)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .complexity import Complexity
from .facts import AppFacts, Goals, ServerFacts
from .readiness import Readiness
from .techdebt import DebtItem


@dataclass(frozen=True, slots=True)
class Recommendation:
    strategy: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    effort: str = "m"
    person_days: int = 0
    risks: list[str] = field(default_factory=list)
    target_services: list[str] = field(default_factory=list)


def recommend(
    app: AppFacts,
    *,
    servers: list[ServerFacts],
    readiness: dict[int, Readiness],
    debt: list[DebtItem],
    complexity: Complexity,
    goals: Goals,
    target_cloud: str,
) -> Recommendation:
    raise NotImplementedError
