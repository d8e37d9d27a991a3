"""Move groups and migration waves.

An edge ``(source, target)`` means the source application depends on the target.

Move groups: applications that depend on each other in a cycle must move together, so a group is a strongly
connected component of the dependency graph (Tarjan's algorithm, written iteratively so 10,000 applications
and 200,000 edges need no recursion). Groups are numbered in dependency order: a group's number is higher
than the numbers of the groups it depends on.

Waves (``plan_waves``):
1. Pins first: an application the user pinned to a wave (a manual move) is placed there, whatever it breaks.
2. The pilot: wave 1 holds up to ``pilot_max_apps`` applications from whole groups that depend on nothing,
   have at least one server, none critical or high criticality, risk at most 2, lowest risk and fewest
   servers first, within the server cap (applications pinned to wave 1 join it). When no group qualifies,
   there is no pilot wave (and a warning says so).
3. The other groups in dependency order (Kahn's algorithm; among the groups ready to go, lower risk and lower
   criticality first), each into the first wave at or after every wave its dependencies landed in (the
   same wave is allowed: they move together) whose servers stay within ``max_servers_per_wave``; a new wave
   when none has room. A group larger than the cap gets a wave of its own, with a warning.
4. Waves follow each other without gaps from ``start``, each ``wave_weeks`` long.
5. Every dependency that the plan breaks (a source scheduled in an earlier wave than its target; only pins can
   cause one) is reported with ``broken_dependencies``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

CRITICALITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
PILOT_MAX_RISK = 2
PILOT_EXCLUDED_CRITICALITY = {"critical", "high"}
LOOKAHEAD_WAVES = 64
MAX_WARNINGS_LISTED = 20


@dataclass(frozen=True, slots=True)
class WaveApp:
    """An application to schedule: ``servers`` it moves, ``risk`` from 1 (lowest; the pilot takes at most 2)."""

    id: int
    name: str
    servers: int = 0
    risk: int = 1
    criticality: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedWave:
    number: int
    name: str
    start: date
    end: date
    is_pilot: bool
    app_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WavePlan:
    waves: list[PlannedWave]
    group_of: dict[int, int]
    warnings: list[str] = field(default_factory=list)

    def wave_of(self) -> dict[int, int]:
        """Each application's wave number."""
        return {app_id: wave.number for wave in self.waves for app_id in wave.app_ids}


def move_groups(app_ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each application's move group (1, 2, ... in dependency order); a dependency cycle is one group."""
    nodes = list(dict.fromkeys(app_ids))
    adjacency, _ = _index_edges({node: i for i, node in enumerate(nodes)}, edges)
    component = _strong_components(adjacency)
    return {node: component[i] for i, node in enumerate(nodes)}


def _index_edges(
    position: dict[int, int], edges: Iterable[tuple[int, int]]
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Adjacency lists by position, and the edges kept (both ends known, no self-loop)."""
    adjacency: list[list[int]] = [[] for _ in range(len(position))]
    kept: list[tuple[int, int]] = []
    get = position.get
    for source, target in edges:
        s, t = get(source), get(target)
        if s is not None and t is not None and s != t:
            adjacency[s].append(t)
            kept.append((source, target))
    return adjacency, kept


def _strong_components(adjacency: list[list[int]]) -> list[int]:
    """Tarjan's strongly connected components without recursion; numbered 1, 2, ... dependencies first."""
    count = len(adjacency)
    index = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    component = [0] * count
    stack: list[int] = []
    counter = 0
    groups = 0
    for root in range(count):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [root]
        cursor = [0]
        while work:
            v = work[-1]
            neighbours = adjacency[v]
            i = cursor[-1]
            if i < len(neighbours):
                cursor[-1] = i + 1
                w = neighbours[i]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append(w)
                    cursor.append(0)
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            work.pop()
            cursor.pop()
            if work and low[v] < low[work[-1]]:
                low[work[-1]] = low[v]
            if low[v] == index[v]:
                groups += 1
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component[w] = groups
                    if w == v:
                        break
    return component


def broken_dependencies(assignment: dict[int, int], edges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The dependencies ``(source, target)`` whose source is scheduled in an earlier wave than its target."""
    broken = []
    for source, target in edges:
        source_wave, target_wave = assignment.get(source), assignment.get(target)
        if source_wave is not None and target_wave is not None and source_wave < target_wave:
            broken.append((source, target))
    return broken


class _Waves:
    """Servers used per wave, with skip pointers past full waves so first-fit stays fast."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.used: list[int] = [0]  # index 0 unused: waves are numbered from 1
        self.apps: list[list[int]] = [[]]
        self._next_open: list[int] = [0]

    def ensure(self, number: int) -> None:
        while len(self.used) <= number:
            self._next_open.append(len(self.used))
            self.used.append(0)
            self.apps.append([])

    @property
    def count(self) -> int:
        return len(self.used) - 1

    def _open_from(self, number: int) -> int:
        """The first wave at or after ``number`` with room for at least one server (may be a new one)."""
        self.ensure(number)
        root = number
        while root <= self.count and self._next_open[root] != root:
            root = self._next_open[root]
        while number != root and number <= self.count:  # path compression
            self._next_open[number], number = root, self._next_open[number]
        return root

    def add(self, number: int, app_ids: list[int], servers: int) -> None:
        self.ensure(number)
        self.used[number] += servers
        self.apps[number].extend(app_ids)
        if self.used[number] >= self.cap:
            self._next_open[number] = number + 1

    def first_fit(self, earliest: int, servers: int) -> int:
        """The first wave at or after ``earliest`` where ``servers`` more stay within the cap."""
        if servers == 0:
            self.ensure(earliest)
            return earliest
        number = self._open_from(earliest)
        for _ in range(LOOKAHEAD_WAVES):
            if number > self.count or self.used[number] + servers <= self.cap:
                return number
            number = self._open_from(number + 1)
        return max(self.count + 1, earliest)

    def first_empty(self, earliest: int) -> int:
        number = earliest
        while number <= self.count and self.apps[number]:
            number += 1
        return number


def plan_waves(
    apps: list[WaveApp],
    edges: list[tuple[int, int]],
    *,
    max_servers_per_wave: int,
    wave_weeks: int,
    start: date,
    pilot_max_apps: int,
    pins: dict[int, int] | None = None,
) -> WavePlan:
    """Migration waves for the applications (see the module's rules)."""
    if max_servers_per_wave < 1:
        raise ValueError("max_servers_per_wave must be at least 1")
    if wave_weeks < 1:
        raise ValueError("wave_weeks must be at least 1")
    if pilot_max_apps < 0:
        raise ValueError("pilot_max_apps cannot be negative")
    by_id = {app.id: app for app in apps}
    pins = {app_id: wave for app_id, wave in (pins or {}).items() if app_id in by_id}
    for app_id, wave in pins.items():
        if wave < 1:
            raise ValueError(f"Pin of {by_id[app_id].name}: wave {wave} does not exist (waves start at 1)")
    ids = list(by_id)
    position = {app_id: i for i, app_id in enumerate(ids)}
    adjacency, edges = _index_edges(position, edges)
    component = _strong_components(adjacency)
    group_of = dict(zip(ids, component, strict=True))
    warnings: list[str] = []

    members: dict[int, list[int]] = {}
    for app_id, group in group_of.items():
        members.setdefault(group, []).append(app_id)
    group_deps: dict[int, set[int]] = {group: set() for group in members}
    for s, targets in enumerate(adjacency):
        group = component[s]
        for t in targets:
            if component[t] != group:
                group_deps[group].add(component[t])

    waves = _Waves(max_servers_per_wave)
    wave_of: dict[int, int] = {}
    for app_id, number in sorted(pins.items(), key=lambda item: (item[1], item[0])):
        waves.add(number, [app_id], by_id[app_id].servers)
        wave_of[app_id] = number

    pilot = _choose_pilot(apps, members, group_deps, by_id, pins, pilot_max_apps, max_servers_per_wave)
    if pilot_max_apps > 0 and not pilot:
        warnings.append(
            "No pilot wave: no group of applications with no dependencies, low risk and neither critical nor high "
            f"criticality fits within {pilot_max_apps} applications"
        )
    for group in pilot:
        servers = sum(by_id[a].servers for a in members[group])
        waves.add(1, members[group], servers)
        for app_id in members[group]:
            wave_of[app_id] = 1
    first_regular = 2 if pilot else 1

    pilot_set = set(pilot)
    remaining_deps = {g: len(deps) for g, deps in group_deps.items()}
    dependents: dict[int, list[int]] = {}
    for group, deps in group_deps.items():
        for dep in deps:
            dependents.setdefault(dep, []).append(group)
    ready: list[tuple[int, int, int]] = []
    for group, pending in remaining_deps.items():
        if pending == 0:
            heapq.heappush(ready, (*_priority(members[group], by_id), group))
    while ready:
        *_, group = heapq.heappop(ready)
        for dependent in dependents.get(group, ()):
            remaining_deps[dependent] -= 1
            if remaining_deps[dependent] == 0:
                heapq.heappush(ready, (*_priority(members[dependent], by_id), dependent))
        if group in pilot_set:
            continue
        unplaced = [a for a in members[group] if a not in wave_of]
        if not unplaced:
            continue
        unplaced_set = set(unplaced)
        earliest = first_regular
        for app_id in unplaced:
            for t in adjacency[position[app_id]]:
                target = ids[t]
                if target not in unplaced_set and wave_of[target] > earliest:
                    earliest = wave_of[target]
        servers = sum(by_id[a].servers for a in unplaced)
        if servers > max_servers_per_wave:
            number = waves.first_empty(earliest)
            names = ", ".join(by_id[a].name for a in unplaced[:5]) + (" ..." if len(unplaced) > 5 else "")
            warnings.append(
                f"Move group {group} ({names}) needs {servers} servers, over the cap of {max_servers_per_wave}: "
                f"it gets wave {number} to itself"
            )
        else:
            number = waves.first_fit(earliest, servers)
        waves.add(number, unplaced, servers)
        for app_id in unplaced:
            wave_of[app_id] = number

    for number in range(1, waves.count + 1):
        if waves.used[number] > max_servers_per_wave and not _is_single_group(waves.apps[number], group_of):
            warnings.append(
                f"Wave {number} holds {waves.used[number]} servers, over the cap of {max_servers_per_wave}, "
                "because of pinned applications"
            )
        elif not waves.apps[number]:
            warnings.append(f"Wave {number} is empty")

    broken = broken_dependencies(wave_of, edges)
    for source, target in broken[:MAX_WARNINGS_LISTED]:
        warnings.append(
            f"{by_id[source].name} (wave {wave_of[source]}) depends on {by_id[target].name} "
            f"(wave {wave_of[target]}), which moves later"
        )
    if len(broken) > MAX_WARNINGS_LISTED:
        warnings.append(f"... and {len(broken) - MAX_WARNINGS_LISTED} more broken dependencies")

    planned = []
    length = timedelta(weeks=wave_weeks)
    for number in range(1, waves.count + 1):
        wave_start = start + length * (number - 1)
        is_pilot = bool(pilot) and number == 1
        planned.append(
            PlannedWave(
                number=number,
                name=f"Wave {number} (pilot)" if is_pilot else f"Wave {number}",
                start=wave_start,
                end=wave_start + length - timedelta(days=1),
                is_pilot=is_pilot,
                app_ids=waves.apps[number],
            )
        )
    return WavePlan(waves=planned, group_of=group_of, warnings=warnings)


def _priority(app_ids: list[int], by_id: dict[int, WaveApp]) -> tuple[int, int]:
    risk = max(by_id[a].risk for a in app_ids)
    criticality = max(CRITICALITY_RANK.get(by_id[a].criticality or "medium", 1) for a in app_ids)
    return risk, criticality


def _is_single_group(app_ids: list[int], group_of: dict[int, int]) -> bool:
    return len({group_of[a] for a in app_ids}) <= 1


def _choose_pilot(
    apps: list[WaveApp],
    members: dict[int, list[int]],
    group_deps: dict[int, set[int]],
    by_id: dict[int, WaveApp],
    pins: dict[int, int],
    pilot_max_apps: int,
    cap: int,
) -> list[int]:
    """The groups of the pilot wave: small, low risk, depending on nothing (see the module's rules)."""
    if pilot_max_apps <= 0:
        return []
    candidates = []
    for group, app_ids in members.items():
        if group_deps[group] or len(app_ids) > pilot_max_apps or any(a in pins for a in app_ids):
            continue
        group_apps = [by_id[a] for a in app_ids]
        if any(app.criticality in PILOT_EXCLUDED_CRITICALITY for app in group_apps):
            continue
        risk = max(app.risk for app in group_apps)
        if risk > PILOT_MAX_RISK:
            continue
        servers = sum(app.servers for app in group_apps)
        if servers == 0:
            continue  # nothing to move: no lesson for the later waves
        candidates.append((risk, servers, len(app_ids), group))
    candidates.sort()
    chosen: list[int] = []
    taken_apps = sum(1 for wave in pins.values() if wave == 1)
    taken_servers = sum(by_id[a].servers for a, wave in pins.items() if wave == 1)
    for _, servers, size, group in candidates:
        if taken_apps + size > pilot_max_apps or taken_servers + servers > cap:
            continue
        chosen.append(group)
        taken_apps += size
        taken_servers += servers
        if taken_apps >= pilot_max_apps:
            break
    return chosen
