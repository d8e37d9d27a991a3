"""End-of-life catalogue (skeleton: data follows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    product: str
    label: str
    category: str
    cycle: str
    end_of_support: date | None
    extended_support: date | None = None
    source: str = ""
    note: str = ""


def lookup(product: str, version: str | None) -> CatalogueEntry | None:
    raise NotImplementedError


def catalogue_date() -> date:
    raise NotImplementedError
