"""Move groups and waves: dependencies first, cycles together, under the cap, a pilot first, pins respected."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest

from assessments.engine.waves import WaveApp, WavePlan, broken_dependencies, move_groups, plan_waves

START = date(2027, 1, 4)


def plan(apps: list[WaveApp], edges: list[tuple[int, int]], **options: object) -> WavePlan:
    settings: dict[str, object] = {"max_servers_per_wave": 10, "wave_weeks": 2, "start": START, "pilot_max_apps": 0}
    settings.update(options)
    return plan_waves(apps, edges, **settings)  # type: ignore[arg-type]


def apps_of(count: int, servers: int = 1, risk: int = 3, criticality: str | None = "medium") -> list[WaveApp]:
    return [WaveApp(i, f"app{i}", servers=servers, risk=risk, criticality=criticality) for i in range(1, count + 1)]


def test_a_cycle_is_one_move_group_and_its_dependents_come_after() -> None:
    # 1 -> 2 -> 3 -> 1 is a cycle; 4 depends on 1; 5 is alone; 3 depends on 6.
    groups = move_groups([1, 2, 3, 4, 5, 6], [(1, 2), (2, 3), (3, 1), (4, 1), (3, 6)])

    assert groups[1] == groups[2] == groups[3]
    assert len({groups[1], groups[4], groups[5], groups[6]}) == 4
    assert groups[6] < groups[1] < groups[4]  # numbered in dependency order


def test_move_groups_need_no_recursion_on_long_chains_and_cycles() -> None:
    n = 20_000
    chain = [(i, i + 1) for i in range(1, n)]

    assert len(set(move_groups(range(1, n + 1), chain).values())) == n
    assert set(move_groups(range(1, n + 1), [*chain, (n, 1)]).values()) == {1}


def test_edges_to_unknown_applications_and_self_loops_are_ignored() -> None:
    assert move_groups([1, 2], [(1, 1), (1, 99), (99, 2)]) == {1: 1, 2: 2}


def test_a_group_never_moves_before_what_it_depends_on() -> None:
    rng = random.Random(7)
    apps = apps_of(300, servers=2)
    edges = [(rng.randint(1, 300), rng.randint(1, 300)) for _ in range(600)]

    result = plan(apps, edges, max_servers_per_wave=40)

    wave = result.wave_of()
    assert sorted(wave) == list(range(1, 301))
    assert broken_dependencies(wave, edges) == []
    for source, target in edges:
        if result.group_of[source] == result.group_of[target]:
            assert wave[source] == wave[target]


def test_waves_are_packed_under_the_server_cap() -> None:
    apps = [WaveApp(i, f"app{i}", servers=3) for i in range(1, 21)]  # 60 servers, no dependencies

    result = plan(apps, [], max_servers_per_wave=10)

    assert [len(w.app_ids) for w in result.waves] == [3, 3, 3, 3, 3, 3, 2]
    assert result.warnings == []


def test_a_chain_goes_wave_by_wave_only_when_the_cap_forces_it() -> None:
    apps = apps_of(4, servers=4)
    edges = [(2, 1), (3, 2), (4, 3)]

    roomy = plan(apps, edges, max_servers_per_wave=100)
    tight = plan(apps, edges, max_servers_per_wave=4)

    assert [w.app_ids for w in roomy.waves] == [[1, 2, 3, 4]]
    assert [w.app_ids for w in tight.waves] == [[1], [2], [3], [4]]


def test_a_group_larger_than_the_cap_gets_a_wave_of_its_own_with_a_warning() -> None:
    apps = [WaveApp(1, "ERP", servers=8), WaveApp(2, "ERP DB", servers=8), WaveApp(3, "Wiki", servers=1)]

    result = plan(apps, [(1, 2), (2, 1)], max_servers_per_wave=10)

    erp_wave = next(w for w in result.waves if 1 in w.app_ids)
    assert sorted(erp_wave.app_ids) == [1, 2]
    assert result.warnings == [
        f"Move group {result.group_of[1]} (ERP, ERP DB) needs 16 servers, over the cap of 10: "
        f"it gets wave {erp_wave.number} to itself"
    ]


def test_a_low_risk_pilot_wave_comes_first() -> None:
    apps = [
        WaveApp(1, "Core banking", servers=4, risk=2, criticality="critical"),
        WaveApp(2, "Intranet", servers=2, risk=1, criticality="low"),
        WaveApp(3, "Wiki", servers=1, risk=1, criticality="low"),
        WaveApp(4, "Reports", servers=1, risk=2, criticality="medium"),
        WaveApp(5, "Risky", servers=1, risk=5, criticality="low"),
        WaveApp(6, "Portal", servers=1, risk=1, criticality="low"),  # depends on Core banking
        WaveApp(7, "Empty", servers=0, risk=1, criticality="low"),
    ]

    result = plan(apps, [(6, 1)], pilot_max_apps=2, max_servers_per_wave=50)

    pilot = result.waves[0]
    assert (pilot.number, pilot.name, pilot.is_pilot) == (1, "Wave 1 (pilot)", True)
    assert sorted(pilot.app_ids) == [2, 3]
    assert all(not w.is_pilot for w in result.waves[1:])
    assert sorted(a for w in result.waves[1:] for a in w.app_ids) == [1, 4, 5, 6, 7]


def test_no_qualifying_pilot_is_said() -> None:
    apps = [WaveApp(1, "Core", servers=2, risk=4, criticality="critical")]

    result = plan(apps, [], pilot_max_apps=3)

    assert not result.waves[0].is_pilot
    assert result.warnings[0].startswith("No pilot wave:")
    assert plan(apps, [], pilot_max_apps=0).warnings == []


def test_waves_follow_each_other_from_the_start_date() -> None:
    result = plan(apps_of(30), [], max_servers_per_wave=10, wave_weeks=3)

    assert [(w.start, w.end) for w in result.waves] == [
        (date(2027, 1, 4), date(2027, 1, 24)),
        (date(2027, 1, 25), date(2027, 2, 14)),
        (date(2027, 2, 15), date(2027, 3, 7)),
    ]
    assert [w.name for w in result.waves] == ["Wave 1", "Wave 2", "Wave 3"]


def test_a_pinned_application_stays_where_it_was_put_and_what_breaks_is_reported() -> None:
    apps = [WaveApp(1, "Database", servers=2), WaveApp(2, "Web", servers=2), WaveApp(3, "Batch", servers=2)]
    edges = [(2, 1), (3, 2)]  # Web depends on Database, Batch on Web

    result = plan(apps, edges, max_servers_per_wave=10, pins={1: 3})

    wave = result.wave_of()
    assert wave[1] == 3
    assert wave[2] >= 3 and wave[3] >= wave[2]  # dependents wait for the pinned dependency
    assert broken_dependencies(wave, edges) == []

    early = plan(apps, edges, max_servers_per_wave=10, pins={2: 1, 1: 2})
    assert early.wave_of()[2] == 1
    assert broken_dependencies(early.wave_of(), edges) == [(2, 1)]
    assert "Web (wave 1) depends on Database (wave 2), which moves later" in early.warnings


def test_pins_can_overfill_a_wave_and_say_so() -> None:
    apps = [WaveApp(1, "A", servers=8), WaveApp(2, "B", servers=8)]

    result = plan(apps, [], max_servers_per_wave=10, pins={1: 1, 2: 1})

    assert result.waves[0].app_ids == [1, 2]
    assert "Wave 1 holds 16 servers, over the cap of 10, because of pinned applications" in result.warnings


def test_broken_dependencies_are_sources_scheduled_before_their_targets() -> None:
    assignment = {1: 1, 2: 2, 3: 2, 4: 3}
    edges = [(1, 2), (2, 3), (4, 1), (3, 4), (5, 1)]

    assert broken_dependencies(assignment, edges) == [(1, 2), (3, 4)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_servers_per_wave": 0}, "max_servers_per_wave must be at least 1"),
        ({"wave_weeks": 0}, "wave_weeks must be at least 1"),
        ({"pilot_max_apps": -1}, "pilot_max_apps cannot be negative"),
        ({"pins": {1: 0}}, "Pin of app1: wave 0 does not exist"),
    ],
)
def test_impossible_settings_are_refused_clearly(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan(apps_of(2), [], **options)


def test_planning_10000_applications_with_200000_dependencies_is_fast() -> None:
    rng = random.Random(2026)
    n = 10_000
    apps = [
        WaveApp(
            i, f"app{i}", servers=rng.randint(1, 10), risk=rng.randint(1, 8), criticality=rng.choice(["low", "high"])
        )
        for i in range(1, n + 1)
    ]
    # Mostly layered (an application depends on older ones), with a few hundred back edges making cycles.
    edges: set[tuple[int, int]] = set()
    while len(edges) < 200_000:
        source, target = rng.randint(2, n), rng.randint(1, n)
        if target < source or rng.random() < 0.001:
            edges.add((source, target))
    edge_list = list(edges)

    started, cpu_started = time.perf_counter(), time.process_time()
    result = plan_waves(
        apps, edge_list, max_servers_per_wave=500, wave_weeks=2, start=START, pilot_max_apps=5, pins={10: 4, 20: 7}
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    print(f"\nplan_waves: 10,000 applications, 200,000 dependencies: {elapsed:.2f} s wall, {cpu:.2f} s CPU, ", end="")
    print(f"{len(result.waves)} waves")
    assert cpu < 10  # CPU time: the machine's other load stretches the wall clock, not the work done
    assert sum(len(w.app_ids) for w in result.waves) == n
    assert result.waves[0].is_pilot
