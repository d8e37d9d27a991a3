"""Time mid-size imports of each kind through the whole discovery flow (in this process, the mapping gate approved as
suggested), to find set-based statements whose plan depends on statistics that an import below the ANALYZE
threshold (inventory.services.ANALYZE_AFTER) has not made yet:

(a) an AWS Application Discovery Service asset CSV (import_bench's) of 1,000 / 5,000 / 20,000 rows, each into a new
    client (no statistics at all), then 1,000 and 5,000 rows into a second engagement of the client whose first
    engagement holds the 20,000 assets (statistics of another engagement's rows);
(b) a Konveyor application inventory CSV of 500 / 2,000 / 5,000 applications (the larger files repeat the smaller
    ones' applications: an inventory imported again as it grows), each running on 1-3 servers of the engagement
    holding the 5,000 assets of (a) (named by name or IP address, one in 20 by an FQDN the inventory lacks) and
    depending on another application (a record type 2 row);
(c) a connections CSV (source, destination, port, protocol, count) of 2,000 / 20,000 rows between those servers;
then 1,000 of those assets imported again (updates) into that engagement, which now holds applications and
connections.

Prints each import's phases (wall time, microseconds per row) and its slowest kinds of SQL statement (the time per
row of the file flags a statement that is slow for its size: more than about 50 us per row, or growing faster than
the rows). Run: `python3 scripts/dev.py bench import_mix_bench` (about 1 minute). BENCH_KEEP=1 keeps the clients'
schemas (their names are printed) to EXPLAIN statements in; BENCH_EXPLAIN=<ms> prints the plan (EXPLAIN ANALYZE, by
auto_explain) of every statement slower than that, as planned then, on the statistics of that moment.
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.import_bench import StatementClock, cpu_seconds  # noqa: E402
from bench.import_bench import generate as generate_assets  # noqa: E402
from engagements.models import Engagement  # noqa: E402
from flows.models import FlowStatus  # noqa: E402
from flows.services import flow_run_inline, gate_approve, running_inline  # noqa: E402
from imports import services  # noqa: E402
from imports.models import DataImport  # noqa: E402
from tenants.models import Client, Membership  # noqa: E402
from tenants.roles import Role  # noqa: E402
from tenants.services import client_create  # noqa: E402

ASSET_SIZES = (1_000, 5_000, 20_000)
OTHER_ENGAGEMENT_SIZES = (1_000, 5_000)
SERVERS = 5_000  # the assets of (a) that (b) and (c) name
APPLICATION_SIZES = (500, 2_000, 5_000)
CONNECTION_SIZES = (2_000, 20_000)
REIMPORTED = 1_000  # assets of (a) imported again after (c): they update the first of the SERVERS
SLOW_US_PER_ROW = 50.0
KONVEYOR_HEADERS = [
    "Record Type 1", "Application Name", "Description", "Comments", "Business Service", "Dependency",
    "Dependency Direction", "Binary Group", "Binary Artifact", "Binary Version", "Binary Packaging",
    "Repository Type", "Repository URL", "Repository Branch", "Repository Path", "Owner", "Contributors",
    "Tag Category 1", "Tag 1", "Tag Category 2", "Tag 2", "Servers",
]  # fmt: skip


def server_names(path: Path) -> list[list[str]]:
    """Per asset row of `path`: the ways a file names it, [VM name (the asset's name), IP address]."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [[row["VMware.VMName"], row["IPAddress"]] for row in csv.DictReader(handle)]


def server_ref(rng: random.Random, server: list[str]) -> str:
    """A server's name or IP address; one in 20 its FQDN, which the inventory does not hold (unresolved)."""
    return f"{server[0]}.corp.example.com" if rng.random() < 0.05 else rng.choice(server)


def generate_konveyor(path: Path, count: int, servers: list[list[str]]) -> None:
    """`count` applications (the first ones of every size are the same: a growing inventory imported again), each
    on 1-3 servers and depending on the next one."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(KONVEYOR_HEADERS)
        names = [f"Service {n:05d}" for n in range(count)]
        for n, name in enumerate(names):
            rng = random.Random(n)
            hosts = [server_ref(rng, rng.choice(servers)) for _ in range(rng.randint(1, 3))]
            writer.writerow(
                ["1", name, f"Service {n} of the estate", "", f"Line {n % 20}", "", "", "com.example", f"svc{n}",
                 "1.0.0", "war", "git", f"https://git.example.com/svc{n}.git", "main", "", "Jane Doe", "",
                 "Language", rng.choice(["Java", "C#", "Python"]), "Runtime", rng.choice(["JBoss", "IIS", "Tomcat"]),
                 ", ".join(hosts)]
            )  # fmt: skip
        for n, name in enumerate(names):
            writer.writerow(["2", name, "", "", "", names[(n + 1) % count], "southbound", *[""] * 15])


def generate_connections(path: Path, count: int, servers: list[list[str]], first_port: int) -> None:
    rng = random.Random(count)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "destination", "port", "protocol", "count"])
        for n in range(count):
            source, target = rng.sample(servers, 2)
            writer.writerow(
                [server_ref(rng, source), server_ref(rng, target), first_port + n % 50, rng.choice(["tcp", "udp"]),
                 rng.randint(1, 10_000)]
            )  # fmt: skip


@dataclass
class Outcome:
    label: str
    rows: int
    total: float
    phases: list[tuple[str, float]] = field(default_factory=list)
    slowest: list[tuple[str, float, int]] = field(default_factory=list)


def import_into(engagement: Engagement, user: User, path: Path, kind: str, label: str, rows: int) -> Outcome:
    """One import of `path` through the discovery flow; prints its phases and slowest statements."""
    clock = StatementClock()
    phases: list[tuple[str, float]] = []
    with clock.installed(), running_inline():
        started = time.perf_counter()
        data_import = services.import_create(
            engagement=engagement, source=path, original_name=path.name, user=user, kind=kind
        )
        data_import = services.import_flow_start(data_import=data_import, user=user)
        phases.append(("upload + file check", time.perf_counter() - started))
        mark = time.perf_counter()

        def after(run: object) -> None:
            nonlocal mark
            now = time.perf_counter()
            phases.append((str(getattr(run, "name", "?")), now - mark))
            mark = now

        assert data_import.flow is not None
        flow = flow_run_inline(flow=data_import.flow, after_phase=after)
        if flow.status == FlowStatus.WAITING_FOR_INPUT:
            gate_approve(flow=flow, user=user)
            mark = time.perf_counter()
            flow = flow_run_inline(flow=flow, after_phase=after)
        total = time.perf_counter() - started
    data_import = DataImport.objects.get(pk=data_import.pk)
    ranked = sorted(clock.totals.items(), key=lambda item: -item[1][0])
    outcome = Outcome(label, rows, total, phases, [(key, s, int(c)) for key, (s, c) in ranked[:6]])
    counts = ", ".join(f"{k} {v:,}" for k, v in data_import.counts.items() if isinstance(v, int) and k != "rows")
    print(f"{label}: {rows:,} rows, flow {flow.status} in {total:.2f} s ({total / rows * 1e6:,.0f} us/row)")
    print(f"  {counts}")
    print("  " + "; ".join(f"{name} {seconds:.2f}" for name, seconds in phases))
    for key, seconds, count in outcome.slowest:
        flag = "  <- SLOW" if seconds / rows * 1e6 > SLOW_US_PER_ROW else ""
        print(f"    {seconds:6.3f} s {count:4d} x {seconds / rows * 1e6:6.1f} us/row  {key}{flag}")
    if flow.status != FlowStatus.COMPLETED:
        print(f"  THE FLOW DID NOT COMPLETE: {data_import.status} {data_import.message}")
    return outcome


def explain_slow_statements(milliseconds: int) -> None:
    """From now on, print the plan of each of this process's statements slower than `milliseconds`."""

    def install(sender: object, connection: Any, **kwargs: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for setting, value in [("log_min_duration", milliseconds), ("log_analyze", "on"), ("log_triggers", "on")]:
                cursor.execute(f"SET auto_explain.{setting} = {value}")
            cursor.execute("SET auto_explain.log_level = notice")
        connection.connection.add_notice_handler(lambda notice: print(f"  {notice.message_primary}"))

    connection_created.connect(install)
    if connection.connection is None:
        connection.ensure_connection()  # installs it
    else:
        install(None, connection)


def client_with_engagement(slug: str, name: str) -> tuple[Client, User]:
    client = client_create(name=name, slug=slug)
    user = User.objects.create_user(email=f"admin@{slug}.test", password="bench-password-1")
    Membership.objects.create(user=user, client=client, role=Role.CLIENT_ADMIN)
    return client, user


def main() -> int:
    call_command("platform_setup", verbosity=0)
    if os.environ.get("BENCH_EXPLAIN"):
        explain_slow_statements(int(os.environ["BENCH_EXPLAIN"]))
    started, cpu_started = time.perf_counter(), cpu_seconds()
    slugs: list[str] = []
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {}
        for size in ASSET_SIZES:
            files[size] = base / f"aws_ads_{size}.csv"
            generate_assets(files[size], size)
        servers = server_names(files[SERVERS])
        try:
            server_engagement: tuple[str, Engagement, User] | None = None
            for size in ASSET_SIZES:
                slug = f"benchmix{os.getpid()}a{size}"
                client, user = client_with_engagement(slug, f"Mix bench {size}")
                slugs.append(slug)
                with schema_context(slug):
                    engagement = Engagement.objects.create(name="Assets")
                    label = "(a) assets, new client"
                    outcomes.append(import_into(engagement, user, files[size], "assets", label, size))
                    if size == SERVERS:
                        server_engagement = (slug, engagement, user)
                    if size == max(ASSET_SIZES):
                        for other in OTHER_ENGAGEMENT_SIZES:
                            second = Engagement.objects.create(name=f"Second {other}")
                            label = f"(a) assets, beside {size:,} assets of another engagement"
                            outcomes.append(import_into(second, user, files[other], "assets", label, other))
            assert server_engagement is not None
            slug, engagement, user = server_engagement
            with schema_context(slug):
                for count in APPLICATION_SIZES:
                    path = base / f"konveyor_{count}.csv"
                    generate_konveyor(path, count, servers)
                    rows = count * 2
                    label = f"(b) Konveyor {count:,} applications, {SERVERS:,} assets"
                    outcomes.append(import_into(engagement, user, path, "applications", label, rows))
                for number, count in enumerate(CONNECTION_SIZES):
                    path = base / f"connections_{count}.csv"
                    generate_connections(path, count, servers, first_port=1000 + 100 * number)
                    label = f"(c) connections, {SERVERS:,} assets"
                    outcomes.append(import_into(engagement, user, path, "connections", label, count))
                label = "(a) assets again, into the engagement of (b) and (c)"
                outcomes.append(import_into(engagement, user, files[REIMPORTED], "assets", label, REIMPORTED))
        finally:
            for slug in slugs:
                if os.environ.get("BENCH_KEEP"):
                    print(f"kept the client schema {slug} (BENCH_KEEP)")
                else:
                    Client.objects.get(schema_name=slug).delete(force_drop=True)
                User.objects.filter(email__contains=slug).delete()
    print(f"\n{'import':<62} {'rows':>7} {'total':>8} {'us/row':>7}  slowest statement (us/row)")
    slow = False
    for outcome in outcomes:
        key, seconds, _ = outcome.slowest[0]
        per_row = seconds / outcome.rows * 1e6
        slow = slow or per_row > SLOW_US_PER_ROW
        print(
            f"{outcome.label:<62} {outcome.rows:7,} {outcome.total:6.2f} s {outcome.total / outcome.rows * 1e6:7.0f}"
            f"  {per_row:5.1f} {key[:48]}"
        )
    print(f"bench {time.perf_counter() - started:.0f} s wall, this process's CPU {cpu_seconds() - cpu_started:.0f} s")
    print("a statement is slower than its size warrants" if slow else f"no statement over {SLOW_US_PER_ROW:.0f} us/row")
    return 0


if __name__ == "__main__":
    sys.exit(main())
