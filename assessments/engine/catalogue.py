"""The dated end-of-life catalogue shipped with the platform (``assessments/data/eol_catalogue.json``).

For each product (a key from ``versions``: ``windows_server``, ``rhel``, ``java``, ``oracle_db`` ...) the
catalogue lists its release lines ("cycles") with the end of the vendor's standard support
(``end_of_support``: the day security fixes stop without paying extra; for Windows Server and SQL Server
that is the end of Microsoft's extended support, for RHEL the end of Maintenance Support, for Oracle the end
of Premier Support) and, where the vendor sells it, the end of paid extended support (``extended_support``:
Microsoft ESU, Red Hat ELS, Ubuntu ESM, SUSE LTSS, Oracle Extended Support). Each product names its source
page; the file carries the date it was written (``as_of``), shown beside every debt item it produces.

A version finds its cycle exactly ("7" -> RHEL 7), else by the longest cycle it belongs to ("7.9" -> 7,
"9.0.65" -> Tomcat 9), else, when the version is less precise than the cycles ("WebLogic 12c" -> 12.1 and
12.2), by the latest cycle under it: the engine reports the kindest date rather than invent debt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .versions import version_key

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "eol_catalogue.json"


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


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def _load() -> tuple[date, dict[str, list[CatalogueEntry]]]:
    document: dict[str, Any] = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    products: dict[str, list[CatalogueEntry]] = {}
    for key, product in document["products"].items():
        entries = [
            CatalogueEntry(
                product=key,
                label=product["label"],
                category=product["category"],
                cycle=cycle["cycle"],
                end_of_support=_date(cycle.get("end_of_support")),
                extended_support=_date(cycle.get("extended_support")),
                source=product.get("source", ""),
                note=cycle.get("note", ""),
            )
            for cycle in product["cycles"]
        ]
        products[key] = sorted(entries, key=lambda e: version_key(e.cycle))
    return date.fromisoformat(document["as_of"]), products


def catalogue_date() -> date:
    """The day the catalogue's dates were read from the vendors' pages."""
    return _load()[0]


def products() -> dict[str, list[CatalogueEntry]]:
    """Every product's release lines, oldest first."""
    return _load()[1]


@lru_cache(maxsize=16384)
def lookup(product: str, version: str | None) -> CatalogueEntry | None:
    """The catalogue's release line for a product's version, or None when the catalogue does not know it."""
    if not version:
        return None
    entries = _load()[1].get(product)
    if not entries:
        return None
    wanted = _parts(version)
    if not wanted:
        return None
    best: CatalogueEntry | None = None
    best_len = -1
    for entry in entries:
        cycle = _parts(entry.cycle)
        if wanted == cycle:
            return entry
        if wanted[: len(cycle)] == cycle and len(cycle) > best_len:
            best, best_len = entry, len(cycle)
    if best is not None:
        return best
    # The version is less precise than the release lines ("12" for 12.1 and 12.2): the latest line under it.
    under = [entry for entry in entries if _parts(entry.cycle)[: len(wanted)] == wanted]
    return under[-1] if under else None


def _parts(version: str) -> tuple[int, ...]:
    """The version's numbers as written ("10" and "10.0" differ here: "10" may mean 10.1)."""
    return tuple(int(part) for part in re.findall(r"\d+", version))
