"""Migration complexity of an application, 1 (simple) to 5 (very complex), with the factors that made it.

Points are added per factor and the total maps to the score (0-1 -> 1, 2-3 -> 2, 4-5 -> 3, 6-7 -> 4, 8+ -> 5):
- servers: 2-3 servers +1, 4-10 +2, more than 10 +3;
- dependencies on and from other applications: 3-10 +1, more than 10 +2;
- data volume (storage of its servers): 0.5-5 TB +1, more than 5 TB +2;
- stack heterogeneity: 4-6 distinct technologies +1, more than 6 +2; servers on more than one OS family +1;
- tech debt: any end-of-life component +1, four or more +2;
- constraints: critical business criticality +1; compliance regimes or restricted data +1;
  a recovery time under 4 hours or recovery point under 15 minutes +1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import AppFacts, ServerFacts
from .techdebt import END_OF_LIFE, DebtItem


@dataclass(frozen=True, slots=True)
class Complexity:
    score: int
    factors: list[str] = field(default_factory=list)


def _score(points: int) -> int:
    return min(5, 1 + points // 2)


def complexity(app: AppFacts, servers: list[ServerFacts], debt: list[DebtItem]) -> Complexity:
    """The application's complexity score and the factors behind it (see the module's rules)."""
    points = 0
    factors: list[str] = []
    count = len(servers) or len(app.server_ids)
    if count > 10:
        points += 3
        factors.append(f"{count} servers (+3)")
    elif count >= 4:
        points += 2
        factors.append(f"{count} servers (+2)")
    elif count >= 2:
        points += 1
        factors.append(f"{count} servers (+1)")
    dependencies = app.dependencies_in + app.dependencies_out
    if dependencies > 10:
        points += 2
        factors.append(f"{dependencies} dependencies with other applications (+2)")
    elif dependencies >= 3:
        points += 1
        factors.append(f"{dependencies} dependencies with other applications (+1)")
    storage_gb = sum(server.storage_gb or 0 for server in servers)
    if storage_gb > 5000:
        points += 2
        factors.append(f"{storage_gb / 1000:,.1f} TB of data (+2)")
    elif storage_gb >= 500:
        points += 1
        factors.append(f"{storage_gb / 1000:,.1f} TB of data (+1)")
    technologies = {
        entry.strip().lower() for entry in (*app.languages, *app.frameworks, *app.databases, *app.middleware)
    }
    technologies.discard("")
    if len(technologies) > 6:
        points += 2
        factors.append(f"{len(technologies)} technologies in the stack (+2)")
    elif len(technologies) >= 4:
        points += 1
        factors.append(f"{len(technologies)} technologies in the stack (+1)")
    families = {server.os_family for server in servers if server.os_family}
    if len(families) > 1:
        points += 1
        factors.append(f"servers on {len(families)} OS families: {', '.join(sorted(families))} (+1)")
    end_of_life = sum(1 for item in debt if item.status == END_OF_LIFE)
    if end_of_life >= 4:
        points += 2
        factors.append(f"{end_of_life} end-of-life components (+2)")
    elif end_of_life:
        points += 1
        factors.append(f"{end_of_life} end-of-life component{'s' if end_of_life > 1 else ''} (+1)")
    if app.business_criticality == "critical":
        points += 1
        factors.append("business critical (+1)")
    if app.compliance or app.data_classification == "restricted":
        regimes = ", ".join(app.compliance) or "restricted data"
        points += 1
        factors.append(f"compliance: {regimes} (+1)")
    if (app.rto_hours is not None and app.rto_hours < 4) or (app.rpo_minutes is not None and app.rpo_minutes < 15):
        points += 1
        rto = f"{app.rto_hours:g} h" if app.rto_hours is not None else "unknown"
        rpo = f"{app.rpo_minutes:g} min" if app.rpo_minutes is not None else "unknown"
        factors.append(f"tight recovery objectives: RTO {rto}, RPO {rpo} (+1)")
    return Complexity(_score(points), factors)
