"""Bulk loads of an engagement's inventory into the engine's facts, and bulk writes of what the engine made.

A whole engagement (10,000 applications on 50,000 servers, 200,000 dependencies) loads in a handful of
queries with plain cursors (no model instances); outputs are written with COPY. Used by the phase services.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from inventory.models import Application, ApplicationAsset, ApplicationDependency, Asset

from .engine.facts import AppFacts, ServerFacts

SERVER_COLUMNS = (
    "id",
    "name",
    "asset_type",
    "os_name",
    "os_version",
    "os_family",
    "os_architecture",
    "cpu_cores",
    "memory_mb",
    "storage_gb",
    "cpu_util_avg_pct",
    "cpu_util_max_pct",
    "memory_util_avg_pct",
    "memory_used_max_mb",
    "is_virtual",
    "hypervisor",
    "firmware",
    "environment",
    "power_state",
    "monthly_cost",
)
APP_COLUMNS = (
    "id",
    "name",
    "app_type",
    "business_criticality",
    "lifecycle",
    "users",
    "languages",
    "frameworks",
    "databases",
    "middleware",
    "vendor",
    "data_classification",
    "compliance",
    "rto_hours",
    "rpo_minutes",
    "annual_cost",
    "tags",
    "description",
)
# Assets that are sized and judged when the whole engagement is assessed (plus any asset an application runs on).
SERVER_TYPES = ("server", "database")


@dataclass
class Portfolio:
    """The facts of the applications in scope, their servers, and the dependencies between applications."""

    apps: list[AppFacts]
    servers: dict[int, ServerFacts]
    # (source, target): source depends on target; a two-way dependency gives both pairs.
    edges: list[tuple[int, int]] = field(default_factory=list)
    # How many applications of the engagement run on each server (a shared server's cost is split between them).
    apps_per_server: dict[int, int] = field(default_factory=dict)

    @property
    def app_ids(self) -> list[int]:
        return [app.id for app in self.apps]


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _tuple(value: list[str] | None) -> tuple[str, ...]:
    return tuple(value) if value else ()


def application_ids_in_scope(*, engagement_id: int, application_ids: Sequence[int] | None) -> list[int]:
    """The live applications of the engagement (all, or those of `application_ids` that are its own)."""
    table = Application._meta.db_table
    if application_ids is None:
        rows = _fetch(
            f"SELECT id FROM {table} WHERE engagement_id = %s AND deleted_at IS NULL ORDER BY id", [engagement_id]
        )
    else:
        rows = _fetch(
            f"SELECT id FROM {table} WHERE engagement_id = %s AND deleted_at IS NULL AND id = ANY(%s) ORDER BY id",
            [engagement_id, list(application_ids)],
        )
    return [row[0] for row in rows]


def server_facts(*, engagement_id: int, server_ids: Sequence[int] | None) -> dict[int, ServerFacts]:
    """Servers by id: those named, or (None) every live server or database of the engagement and every asset an
    application runs on."""
    assets = Asset._meta.db_table
    links = ApplicationAsset._meta.db_table
    apps = Application._meta.db_table
    columns = ", ".join(f"a.{name}" for name in SERVER_COLUMNS)
    if server_ids is None:
        rows = _fetch(
            f"SELECT {columns} FROM {assets} a WHERE a.engagement_id = %s AND a.deleted_at IS NULL AND ("
            f"a.asset_type IS NULL OR a.asset_type = ANY(%s) OR a.id IN (SELECT l.asset_id FROM {links} l "
            f"JOIN {apps} p ON p.id = l.application_id WHERE p.engagement_id = %s AND p.deleted_at IS NULL)) "
            "ORDER BY a.id",
            [engagement_id, list(SERVER_TYPES), engagement_id],
        )
    else:
        rows = _fetch(
            f"SELECT {columns} FROM {assets} a WHERE a.engagement_id = %s AND a.deleted_at IS NULL "
            "AND a.id = ANY(%s) ORDER BY a.id",
            [engagement_id, list(server_ids)],
        )
    return {row[0]: ServerFacts(*row) for row in rows}


def _live_application_ids(engagement_id: int) -> set[int]:
    table = Application._meta.db_table
    rows = _fetch(f"SELECT id FROM {table} WHERE engagement_id = %s AND deleted_at IS NULL", [engagement_id])
    return {row[0] for row in rows}


def dependency_counts(engagement_id: int) -> dict[int, tuple[int, int]]:
    """(dependencies out, dependencies in) per live application, counted by PostgreSQL (a two-way dependency
    counts both ways): two grouped queries returning a row per application instead of one per dependency."""
    apps = Application._meta.db_table
    deps = ApplicationDependency._meta.db_table
    # Deleted applications are few: leaving them out with a hashed NOT IN keeps both queries single scans.
    deleted = f"(SELECT id FROM {apps} WHERE engagement_id = %s AND deleted_at IS NOT NULL)"
    counted: dict[str, dict[int, tuple[int, int]]] = {}
    for side in ("source_id", "target_id"):
        rows = _fetch(
            f"SELECT {side}, count(*), count(*) FILTER (WHERE direction = 'bidirectional') FROM {deps} "
            f"WHERE engagement_id = %s AND source_id NOT IN {deleted} AND target_id NOT IN {deleted} GROUP BY {side}",
            [engagement_id, engagement_id, engagement_id],
        )
        counted[side] = {app: (total, both_ways) for app, total, both_ways in rows}
    as_source, as_target = counted["source_id"], counted["target_id"]
    none = (0, 0)
    return {
        app: (
            as_source.get(app, none)[0] + as_target.get(app, none)[1],
            as_target.get(app, none)[0] + as_source.get(app, none)[1],
        )
        for app in as_source.keys() | as_target.keys()
    }


def dependency_edges(engagement_id: int, app_ids: set[int] | None = None) -> list[tuple[int, int]]:
    """(source, target) pairs between live applications (within `app_ids` when given): source depends on target;
    a two-way dependency gives both pairs."""
    apps = Application._meta.db_table
    deps = ApplicationDependency._meta.db_table
    rows = _fetch(
        f"WITH live AS (SELECT id FROM {apps} WHERE engagement_id = %s AND deleted_at IS NULL) "
        f"SELECT source_id, target_id, direction FROM {deps} WHERE engagement_id = %s "
        "AND source_id IN (SELECT id FROM live) AND target_id IN (SELECT id FROM live)",
        [engagement_id, engagement_id],
    )
    edges: list[tuple[int, int]] = []
    for source, target, direction in rows:
        if app_ids is not None and (source not in app_ids or target not in app_ids):
            continue
        edges.append((source, target))
        if direction == "bidirectional":
            edges.append((target, source))
    return edges


def portfolio_load(
    *,
    engagement_id: int,
    application_ids: Sequence[int] | None,
    servers: bool = True,
    edges: bool = True,
    counts: bool = True,
) -> Portfolio:
    """The applications in scope with their servers (and the dependencies between them when `edges`): a handful
    of queries whatever the size. `counts` False leaves every application's dependency counts at 0 (wave planning
    needs the edges, not the counts)."""
    apps_table = Application._meta.db_table
    links = ApplicationAsset._meta.db_table
    assets = Asset._meta.db_table
    scope = "" if application_ids is None else " AND id = ANY(%s)"
    params: list[Any] = [engagement_id] if application_ids is None else [engagement_id, list(application_ids)]
    app_rows = _fetch(
        f"SELECT {', '.join(APP_COLUMNS)} FROM {apps_table} WHERE engagement_id = %s AND deleted_at IS NULL{scope} "
        "ORDER BY id",
        params,
    )
    in_scope = {row[0] for row in app_rows}
    live = in_scope if application_ids is None else _live_application_ids(engagement_id)

    # Every live application-server link of the engagement: scope decides whose servers are loaded, the whole
    # engagement decides how many applications share a server.
    link_rows = _fetch(
        f"SELECT l.application_id, l.asset_id FROM {links} l JOIN {assets} a ON a.id = l.asset_id "
        "WHERE a.engagement_id = %s AND a.deleted_at IS NULL",
        [engagement_id],
    )
    servers_of: dict[int, list[int]] = defaultdict(list)
    apps_per_server: dict[int, int] = defaultdict(int)
    for app_id, asset_id in link_rows:
        if app_id in live:
            apps_per_server[asset_id] += 1
            if app_id in in_scope:
                servers_of[app_id].append(asset_id)
    dependency_count = dependency_counts(engagement_id) if counts else {}
    no_dependencies = (0, 0)

    apps = []
    for row in app_rows:
        out_count, in_count = dependency_count.get(row[0], no_dependencies)
        apps.append(
            AppFacts(
                id=row[0],
                name=row[1],
                app_type=row[2],
                business_criticality=row[3],
                lifecycle=row[4],
                users=row[5],
                languages=_tuple(row[6]),
                frameworks=_tuple(row[7]),
                databases=_tuple(row[8]),
                middleware=_tuple(row[9]),
                vendor=row[10],
                data_classification=row[11],
                compliance=_tuple(row[12]),
                rto_hours=row[13],
                rpo_minutes=row[14],
                annual_cost=row[15],
                server_ids=tuple(sorted(servers_of.get(row[0], ()))),
                dependencies_out=out_count,
                dependencies_in=in_count,
                tags=_tuple(row[16]),
                description=row[17],
            )
        )
    server_map: dict[int, ServerFacts] = {}
    if servers:
        if application_ids is None:
            server_map = server_facts(engagement_id=engagement_id, server_ids=None)
        else:
            wanted = sorted({server_id for app in apps for server_id in app.server_ids})
            if wanted:
                server_map = server_facts(engagement_id=engagement_id, server_ids=wanted)
    return Portfolio(
        apps=apps,
        servers=server_map,
        edges=dependency_edges(engagement_id, in_scope) if edges else [],
        apps_per_server=dict(apps_per_server),
    )


def copy_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, json_columns: Sequence[str] = ()
) -> int:
    """Write rows with one COPY; the values of `json_columns` (lists, dicts) are written as JSON."""
    positions = [columns.index(name) for name in json_columns]
    dumps = json.dumps
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                if positions:
                    row = list(row)
                    for position in positions:
                        row[position] = dumps(row[position])
                write(row)
                count += 1
    return count


def delete_where(table: str, *, engagement_id: int, column: str, ids: Sequence[int] | None) -> None:
    """Delete an engagement's rows of `table` whose `column` is one of `ids` (all of them when ids is None)."""
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"DELETE FROM {table} WHERE engagement_id = %s", [engagement_id])
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE engagement_id = %s AND {column} = ANY(%s)", [engagement_id, list(ids)]
            )
