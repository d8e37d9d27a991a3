"""Time a whole import: a generated 100,000-row AWS Application Discovery Service template CSV (34 columns) through
the discovery flow in this process (parse and check, store raw rows by COPY, map, validate, cleanse, write assets,
classify, dependencies), with the mapping gate approved as suggested.

Goal (issue 4): under 20 s on a 2-core machine with peak RSS under 500 MB. Imports the same file BENCH_RUNS times
(3), each into a new client, since one run can be lucky: prints each run's phases, then every total, their median
and the worst, with rows per second and the peak RSS (this process: the flow runs here). Run:
`python3 scripts/dev.py bench import_bench`. BENCH_ROWS changes the size. On a shared machine compare the "our CPU"
column (this process's CPU time per phase) and the time of each kind of SQL statement (printed last: from sending
it to its answer, COPY from its start to its end, commits included) as well as the wall clock, which other work on
the machine inflates most.
BENCH_KEEP=1 keeps the client schema for experiments.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")

import django

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import User  # noqa: E402
from engagements.models import Engagement  # noqa: E402
from flows.models import FlowStatus  # noqa: E402
from flows.services import flow_run_inline, gate_approve, running_inline  # noqa: E402
from imports import services  # noqa: E402
from inventory.models import Asset  # noqa: E402
from tenants.models import Client, Membership  # noqa: E402
from tenants.roles import Role  # noqa: E402
from tenants.services import client_create  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
GOAL_SECONDS = 20.0
GOAL_RSS_MB = 500.0
HEADERS = [
    "ExternalId", "SMBiosId", "IPAddress", "MACAddress", "HostName", "VMware.MoRefId", "VMware.VCenterId",
    "CPU.NumberOfProcessors", "CPU.NumberOfCores", "CPU.NumberOfLogicalCores", "OS.Name", "OS.Version",
    "VMware.VMName", "RAM.TotalSizeInMB", "RAM.UsedSizeInMB.Avg", "RAM.UsedSizeInMB.Max", "CPU.UsagePct.Avg",
    "CPU.UsagePct.Max", "DiskReadsPerSecondInKB.Avg", "DiskWritesPerSecondInKB.Avg", "DiskReadsPerSecondInKB.Max",
    "DiskWritesPerSecondInKB.Max", "DiskReadsOpsPerSecond.Avg", "DiskWritesOpsPerSecond.Avg",
    "DiskReadsOpsPerSecond.Max", "DiskWritesOpsPerSecond.Max", "NetworkReadsPerSecondInKB.Avg",
    "NetworkWritesPerSecondInKB.Avg", "NetworkReadsPerSecondInKB.Max", "NetworkWritesPerSecondInKB.Max",
    "Applications", "ApplicationWave", "Tags", "Environment",
]  # fmt: skip
OSES = [
    ("Microsoft Windows Server 2019 Datacenter", "10.0.17763"),
    ("Red Hat Enterprise Linux 8", "8.6"),
    ("Ubuntu", "22.04"),
    ("SUSE Linux Enterprise Server", "15"),
]
ROLES = ["web", "app", "db", "file", "srv"]


def generate(path: Path, count: int) -> None:
    rng = random.Random(4)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(count):
            os_name, os_version = rng.choice(OSES)
            host = f"{rng.choice(ROLES)}{n:06d}"
            memory = rng.choice([4096, 8192, 16384, 32768])
            writer.writerow(
                [
                    f"d-server-{n:08x}", f"4C4C4544-{n:04X}-5910-8052-B4C04F4E{n % 10000:04d}",
                    f"10.{n // 65536}.{n // 256 % 256}.{n % 256}",
                    f"00:15:5d:{n // 65536:02x}:{n // 256 % 256:02x}:{n % 256:02x}",
                    f"{host}.corp.example.com", f"vm-{n}", "vc-01", rng.randint(1, 4), rng.choice([2, 4, 8, 16]),
                    rng.choice([4, 8, 16, 32]), os_name, os_version, host, memory, memory // 2, memory * 3 // 4,
                    round(rng.uniform(1, 60), 2), round(rng.uniform(60, 100), 2), rng.randint(0, 5000),
                    rng.randint(0, 5000), rng.randint(5000, 9000), rng.randint(5000, 9000), rng.randint(0, 300),
                    rng.randint(0, 300), rng.randint(300, 900), rng.randint(300, 900), rng.randint(0, 4000),
                    rng.randint(0, 4000), rng.randint(4000, 9000), rng.randint(4000, 9000), f"App {n % 400:03d}",
                    f"Wave {n % 12}", "zone:a, tier:1", rng.choice(["Prod", "Dev", "UAT", "Production"]),
                ]
            )  # fmt: skip


def cpu_seconds() -> float:
    """This process's CPU time (user + system): on a shared, loaded machine a steadier measure of our own work
    than the wall clock (the database's share is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class GcClock:
    """Time this process spends in Python's cyclic garbage collector (part of "our CPU")."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1


class StatementClock:
    """Seconds of this process's SQL by statement (its first words): executes, COPYs and commits. Statements sent
    in pipeline mode return at once: the wait for their results, when the pipeline is left, counts as
    "(pipeline: waiting for the statements sent)", the database's work that Python did not overlap."""

    def __init__(self) -> None:
        self.totals: dict[str, list[float]] = {}

    def add(self, sql: object, seconds: float) -> None:
        key = " ".join(str(sql).split())[:64]
        total = self.totals.setdefault(key, [0.0, 0])
        total[0] += seconds
        total[1] += 1

    def wrap_execute(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.add(sql, time.perf_counter() - started)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        clock, copy, commit = self, psycopg.Cursor.copy, psycopg.Connection.commit
        pipeline_exit = psycopg.Pipeline.__exit__

        def timed_pipeline_exit(pipeline: Any, *args: Any) -> None:
            started = time.perf_counter()
            try:
                pipeline_exit(pipeline, *args)
            finally:
                clock.add("(pipeline: waiting for the statements sent)", time.perf_counter() - started)

        @contextlib.contextmanager
        def timed_copy(cursor: Any, statement: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            started = time.perf_counter()
            with copy(cursor, statement, *args, **kwargs) as writer:
                yield writer
            clock.add(statement, time.perf_counter() - started)

        def timed_commit(conn: Any) -> None:
            started = time.perf_counter()
            try:
                commit(conn)
            finally:
                clock.add("COMMIT", time.perf_counter() - started)

        psycopg.Cursor.copy = timed_copy  # type: ignore[method-assign,assignment]
        psycopg.Connection.commit = timed_commit  # type: ignore[method-assign,assignment]
        psycopg.Pipeline.__exit__ = timed_pipeline_exit  # type: ignore[method-assign]
        try:
            with connection.execute_wrapper(self.wrap_execute):
                yield
        finally:
            psycopg.Cursor.copy = copy  # type: ignore[method-assign]
            psycopg.Connection.commit = commit  # type: ignore[method-assign]
            psycopg.Pipeline.__exit__ = pipeline_exit  # type: ignore[method-assign]

    def report(self, top: int = 12) -> None:
        total = sum(seconds for seconds, _ in self.totals.values())
        print(f"  SQL of this process: {total:.2f} s; the longest kinds of statement:")
        ranked = sorted(self.totals.items(), key=lambda item: -item[1][0])
        for key, (seconds, count) in ranked[:top]:
            print(f"    {seconds:6.2f} s {int(count):4d} x  {key}")


def calibration() -> tuple[float, float]:
    """Seconds of a fixed pure-Python loop and of a fixed PostgreSQL query, printed beside each run: this machine's
    speed varies by up to 75% from minute to minute, idle or not (the same loop took 2.7-4.8 s), so a run's total
    means something only next to them."""
    started = time.perf_counter()
    total = 0
    for number in range(5_000_000):
        total += number
    python = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(i) FROM generate_series(1, 3000000) AS i")
        cursor.fetchone()
    return python, time.perf_counter() - started


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_once(path: Path, run: int) -> tuple[float, bool]:
    """One whole import of `path` into a new client's engagement (an import's first, as a consultant's is);
    prints its phases. (total seconds, whether the flow completed with every row written)."""
    slug = f"benchimp{os.getpid()}r{run}"
    client = client_create(name=f"Import bench {run}", slug=slug)
    user = User.objects.create_user(email=f"admin@{slug}.test", password="bench-password-1")
    Membership.objects.create(user=user, client=client, role=Role.CLIENT_ADMIN)
    python, database = calibration()
    print(
        f"run {run}: RSS before the import {rss_mb():.0f} MB; load average {os.getloadavg()[0]:.2f};"
        f" machine speed: a fixed Python loop {python:.2f} s, a fixed PostgreSQL query {database:.2f} s"
    )
    try:
        with schema_context(slug), running_inline():
            engagement = Engagement.objects.create(name="Bench")
            timings: list[tuple[str, float, float]] = []
            gc_clock = GcClock()
            sql_clock = StatementClock()
            with sql_clock.installed():
                started, cpu_started = time.perf_counter(), cpu_seconds()
                data_import = services.import_create(
                    engagement=engagement, source=path, original_name=path.name, user=user
                )
                data_import = services.import_flow_start(data_import=data_import, user=user)
                timings.append(("upload + file check", time.perf_counter() - started, cpu_seconds() - cpu_started))
                mark, cpu_mark = time.perf_counter(), cpu_seconds()

                def after(run: object) -> None:
                    nonlocal mark, cpu_mark
                    now, cpu_now = time.perf_counter(), cpu_seconds()
                    timings.append((getattr(run, "name", "?"), now - mark, cpu_now - cpu_mark))
                    mark, cpu_mark = now, cpu_now

                assert data_import.flow is not None
                flow = flow_run_inline(flow=data_import.flow, after_phase=after)
                if flow.status == FlowStatus.WAITING_FOR_INPUT:
                    gate_approve(flow=flow, user=user)
                    mark, cpu_mark = time.perf_counter(), cpu_seconds()
                    flow = flow_run_inline(flow=flow, after_phase=after)
                total, cpu_total = time.perf_counter() - started, cpu_seconds() - cpu_started
            gc.callbacks.remove(gc_clock._callback)
            written = Asset.objects.filter(engagement=engagement).count()
            print(f"  flow {flow.status}: {written:,} assets written")
            print(f"    {'phase':<22} {'wall':>8} {'rows/s':>9} {'our CPU':>9}")
            for name, seconds, cpu in timings:
                print(f"    {name:<22} {seconds:6.2f} s {ROWS / seconds:9,.0f} {cpu:7.2f} s")
            print(f"  total {total:.2f} s = {ROWS / total:,.0f} rows/s (goal < {GOAL_SECONDS:.0f} s)")
            print(f"  this process's CPU {cpu_total:.2f} s (the rest of the wall time: the database, waits, load)")
            print(f"    of which Python's garbage collector {gc_clock.seconds:.2f} s ({gc_clock.collections} runs)")
            sql_clock.report()
            print(f"  load average {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} cores")
            return total, flow.status == FlowStatus.COMPLETED and written == ROWS
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"  kept the client schema {slug} (BENCH_KEEP)")
        else:
            Client.objects.get(schema_name=slug).delete(force_drop=True)
        User.objects.filter(email__contains=slug).delete()


def main() -> int:
    call_command("platform_setup", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aws_ads_100k.csv"
        started = time.perf_counter()
        generate(path, ROWS)
        size = path.stat().st_size / 1e6
        generated = time.perf_counter() - started
        print(f"import bench: {ROWS:,} rows x {len(HEADERS)} columns, {size:.1f} MB (generated in {generated:.1f} s)")
        totals, complete = [], True
        for run in range(1, RUNS + 1):
            total, done = import_once(path, run)
            totals.append(total)
            complete = complete and done
    peak = rss_mb()
    median, worst = statistics.median(totals), max(totals)
    print(f"{len(totals)} imports of {ROWS:,} rows: {', '.join(f'{t:.2f}' for t in totals)} s")
    print(f"  median {median:.2f} s = {ROWS / median:,.0f} rows/s, worst {worst:.2f} s (goal < {GOAL_SECONDS:.0f} s)")
    print(f"  peak RSS {peak:.0f} MB (goal < {GOAL_RSS_MB:.0f} MB)")
    if not complete:
        print("  AN IMPORT DID NOT COMPLETE")
    met = worst <= GOAL_SECONDS and peak <= GOAL_RSS_MB
    print("  goal met by every run" if met else "  GOAL MISSED")
    return 0 if met and complete else 1


if __name__ == "__main__":
    sys.exit(main())
