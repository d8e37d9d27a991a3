"""Tech debt: what in an application's stack and on its servers is out of support or below the standards.

Every operating system (per server) and every stack entry of the application (languages, frameworks,
databases, middleware) is read by ``versions.parse_component`` and judged, one item per component and
version with the worst status that applies:
- ``end_of_life``: the catalogue's end of standard support is before today (severity high; medium while the
  vendor still sells extended support for it);
- ``end_of_support_soon`` (medium): it falls within the next 12 months;
- ``below_minimum`` (medium): older than the engagement's minimum standard for that component (RHEL-compatible
  distributions are held to the RHEL standard; .NET Framework, ASP.NET Web Forms and desktop Windows fall short
  of the standard of their successor whatever their version);
- ``below_recommended`` (low): older than the recommended release.
Entries the parser does not recognise, or without a version, produce no debt: the engine reports what it
can show, never a guess. Items carry the catalogue's date for the end of support and the server they were
found on (None for the application's own stack).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .catalogue import catalogue_date, lookup
from .facts import AppFacts, ServerFacts, Standard
from .standards import STANDARD_OF, SUPERSEDED_BY
from .versions import PRODUCT_LABELS, ProductVersion, compare_versions, normalise_version, parse_component, parse_os

END_OF_LIFE = "end_of_life"
END_OF_SUPPORT_SOON = "end_of_support_soon"
BELOW_MINIMUM = "below_minimum"
BELOW_RECOMMENDED = "below_recommended"
DEBT_STATUSES: tuple[str, ...] = (END_OF_LIFE, END_OF_SUPPORT_SOON, BELOW_MINIMUM, BELOW_RECOMMENDED)
DEBT_CATEGORIES: tuple[str, ...] = ("os", "database", "runtime", "language", "framework", "middleware")
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
SEVERITY_OF = {END_OF_LIFE: "high", END_OF_SUPPORT_SOON: "medium", BELOW_MINIMUM: "medium", BELOW_RECOMMENDED: "low"}
SOON = timedelta(days=365)


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
    app: AppFacts | None, servers: list[ServerFacts], standards: list[Standard] | tuple[Standard, ...], today: date
) -> list[DebtItem]:
    """The application's tech debt: its servers' operating systems and its own stack (see the module's rules)."""
    by_component = {standard.component: standard for standard in standards}
    items: list[DebtItem] = []
    for server in servers:
        os = parse_os(server.os_name, server.os_version)
        if os is not None:
            item = _judge(os, by_component, today)
            if item is not None:
                items.append(_with_server(item, server))
    if app is not None:
        seen: set[tuple[str, str | None]] = set()
        for text in (*app.languages, *app.frameworks, *app.databases, *app.middleware):
            component = parse_component(text)
            if component is None or (component.product, component.version) in seen:
                continue
            seen.add((component.product, component.version))
            item = _judge(component, by_component, today)
            if item is not None:
                items.append(item)
    return items


def _with_server(item: DebtItem, server: ServerFacts) -> DebtItem:
    return DebtItem(
        item.category,
        item.component,
        item.version,
        item.status,
        item.severity,
        item.eol_date,
        f"{item.reason} (on {server.name})",
        server.id,
    )


def _judge(component: ProductVersion, standards: dict[str, Standard], today: date) -> DebtItem | None:
    standard_key = STANDARD_OF.get(component.product, component.product)
    standard = standards.get(standard_key)
    successor = SUPERSEDED_BY.get(component.product)
    successor_standard = standards.get(successor) if successor else None
    return _judge_cached(
        component.product,
        component.version,
        component.category,
        component.display,
        (standard.minimum, standard.recommended, standard.label) if standard else None,
        (successor_standard.minimum, successor_standard.label) if successor_standard else None,
        today,
    )


@lru_cache(maxsize=65536)
def _judge_cached(
    product: str,
    version: str | None,
    category: str,
    display: str,
    standard: tuple[str, str, str] | None,
    successor: tuple[str, str] | None,
    today: date,
) -> DebtItem | None:
    statuses: list[str] = []
    reasons: list[str] = []
    eol_date: date | None = None
    extended_active = False
    entry = lookup(product, version) if version else None
    if entry is not None and entry.end_of_support is not None:
        eol_date = entry.end_of_support
        extended = ""
        extended_active = bool(entry.extended_support and entry.extended_support >= today)
        if extended_active:
            extended = f", paid extended support until {entry.extended_support}"
        as_of = f"catalogue of {catalogue_date()}"
        if entry.end_of_support < today:
            statuses.append(END_OF_LIFE)
            reasons.append(
                f"{display} has been out of standard support since {entry.end_of_support}{extended} ({as_of})"
            )
        elif entry.end_of_support - today <= SOON:
            statuses.append(END_OF_SUPPORT_SOON)
            reasons.append(f"{display} support ends on {entry.end_of_support}{extended} ({as_of})")
    if version and standard is not None:
        minimum, recommended, label = standard
        if _older(product, version, minimum):
            statuses.append(BELOW_MINIMUM)
            reasons.append(f"below the minimum standard {label} {minimum}")
        elif _older(product, version, recommended):
            statuses.append(BELOW_RECOMMENDED)
            reasons.append(f"below the recommended {label} {recommended}")
    if successor is not None:
        minimum, label = successor
        statuses.append(BELOW_MINIMUM)
        reasons.append(f"{PRODUCT_LABELS.get(product, product)} falls short of the standard {label} {minimum}")
    if not statuses:
        return None
    status = min(statuses, key=DEBT_STATUSES.index)
    reason = "; ".join(reasons)
    severity = "medium" if status == END_OF_LIFE and extended_active else SEVERITY_OF[status]
    return DebtItem(category, product, version, status, severity, eol_date, reason[0].upper() + reason[1:])


def _older(product: str, version: str, standard_text: str) -> bool:
    wanted = normalise_version(product, standard_text) or standard_text
    return compare_versions(version, wanted) < 0
