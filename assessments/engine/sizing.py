"""Sizing (skeleton: rules follow)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .facts import ServerFacts


@dataclass(frozen=True, slots=True)
class Sizing:
    instance_type: str | None
    vcpu: int | None
    memory_gb: float | None
    monthly_cost: float | None
    basis: str
    reason: str
    price_list_date: date | None = None


def size_server(server: ServerFacts, cloud: str) -> Sizing:
    raise NotImplementedError


def price_list_date(cloud: str) -> date:
    raise NotImplementedError
