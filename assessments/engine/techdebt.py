"""Tech debt (skeleton: rules follow)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .facts import AppFacts, ServerFacts, Standard

END_OF_LIFE = "end_of_life"
END_OF_SUPPORT_SOON = "end_of_support_soon"
BELOW_MINIMUM = "below_minimum"
BELOW_RECOMMENDED = "below_recommended"
DEBT_STATUSES: tuple[str, ...] = (END_OF_LIFE, END_OF_SUPPORT_SOON, BELOW_MINIMUM, BELOW_RECOMMENDED)
DEBT_CATEGORIES: tuple[str, ...] = ("os", "database", "runtime", "language", "framework", "middleware")
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")


@dataclass(frozen=True, slots=True)
class DebtItem:
    category: str
    component: str
    version: str | None
    status: str
    severity: str
    eol_date: date | None
    reason: str
    server_id: int | None = None


def debt_items(
    app: AppFacts | None, servers: list[ServerFacts], standards: list[Standard], today: date
) -> list[DebtItem]:
    raise NotImplementedError
