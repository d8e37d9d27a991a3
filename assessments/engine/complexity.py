"""Migration complexity (skeleton: rules follow)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import AppFacts, ServerFacts
from .techdebt import DebtItem


@dataclass(frozen=True, slots=True)
class Complexity:
    score: int
    factors: list[str] = field(default_factory=list)


def complexity(app: AppFacts, servers: list[ServerFacts], debt: list[DebtItem]) -> Complexity:
    raise NotImplementedError
