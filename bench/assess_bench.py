"""Time the assessment: 10,000 generated applications on 50,000 servers with 200,000 application dependencies
(mostly acyclic, a few cycles) written by COPY into a client's schema, then

- the assessment phases readiness, tech debt, complexity and 6R, run in this process through the flow
  orchestrator's inline mode (the same phase functions a worker runs, each under its lease) up to the review
  gate, after a warm-up run on 20 applications (as a worker that has run a flow before): goal < 15 s;
- the wave planning (services.waves_plan, what the wave_planning phase and plan_waves call): goal < 5 s;

and print both with each phase's time, the number of SQL queries and the peak RSS of this process.
Run it on a database of its own, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/assess_b_bench REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/assess_bench.py

The database is created when missing. BENCH_APPS, BENCH_SERVERS and BENCH_DEPENDENCIES change the sizes.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")

APPS = int(os.environ.get("BENCH_APPS", "10000"))
SERVERS = int(os.environ.get("BENCH_SERVERS", "50000"))
DEPENDENCIES = int(os.environ.get("BENCH_DEPENDENCIES", "200000"))
CYCLES = 25  # back edges that close a cycle each
GOAL_ASSESSMENT_SECONDS = 15.0
GOAL_WAVES_SECONDS = 5.0


def _ensure_database() -> None:
    """CREATE DATABASE when DATABASE_URL names one that does not exist yet (the bench's own)."""
    from urllib.parse import urlparse

    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


_ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import User  # noqa: E402
from assessments import services  # noqa: E402
from assessments.models import Assessment, ServerAssessment, SixRDecision, TechDebtItem, WaveAssignment  # noqa: E402
from engagements.models import Engagement  # noqa: E402
from flows.models import PhaseRun  # noqa: E402
from flows.services import flow_run_inline, running_inline  # noqa: E402
from tenants.models import Client, Membership  # noqa: E402
from tenants.roles import Role  # noqa: E402
from tenants.services import client_create  # noqa: E402

OSES = [
    ("Microsoft Windows Server 2008 R2 (64-bit)", "windows", 4),
    ("Microsoft Windows Server 2012 R2", "windows", 8),
    ("Microsoft Windows Server 2016 (64-bit)", "windows", 12),
    ("Microsoft Windows Server 2019", "windows", 16),
    ("Microsoft Windows Server 2022", "windows", 10),
    ("Red Hat Enterprise Linux 6 (64-bit)", "linux", 3),
    ("Red Hat Enterprise Linux 7 (64-bit)", "linux", 12),
    ("Red Hat Enterprise Linux 8", "linux", 14),
    ("Red Hat Enterprise Linux 9", "linux", 6),
    ("CentOS 7", "linux", 5),
    ("Ubuntu 18.04", "linux", 3),
    ("Ubuntu 22.04", "linux", 4),
    ("SUSE Linux Enterprise Server 12", "linux", 2),
    ("AIX 7.2", "unix", 1),
    ("Oracle Solaris 11", "unix", 1),
]
LANGUAGES = [["Java 8"], ["Java 11"], ["Java 17"], ["C# (.NET Framework 4.5)"], [".NET 8"], ["Python 2.7"],
             ["Python 3.11"], ["Node.js 14"], ["PHP 7.4"], ["COBOL"], []]  # fmt: skip
FRAMEWORKS = [["Spring 4"], ["Spring Boot 3"], ["Struts 1"], ["ASP.NET WebForms"], ["AngularJS 1.8"], ["Django 4"], []]
DATABASES = [["Oracle 11g"], ["Oracle 19c"], ["SQL Server 2012"], ["SQL Server 2019"], ["PostgreSQL 13"],
             ["PostgreSQL 16"], ["MySQL 5.7"], ["MongoDB 4.4"], []]  # fmt: skip
MIDDLEWARE = [["Tomcat 7"], ["Tomcat 10"], ["WebLogic 12c"], ["IIS 8.5"], ["JBoss EAP 7"], ["nginx 1.24"], []]
APP_TYPES = ["custom"] * 6 + ["cots"] * 2 + ["saas_replaceable", None]
LIFECYCLES = ["invest", "maintain", "maintain", "maintain", "sunset", "retire", None]
CRITICALITIES = ["critical", "high", "medium", "medium", "low", None]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _copy(table: str, columns: list[str], rows: Iterator[list[Any]]) -> None:
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def generate(engagement: Engagement) -> dict[str, int]:
    """Servers, applications, links and dependencies by COPY, in a few statements."""
    rng = random.Random(5)
    now = timezone.now()
    os_names = [name for name, _, weight in OSES for _ in range(weight)]
    families = {name: family for name, family, _ in OSES}

    def servers() -> Iterator[list[Any]]:
        for n in range(SERVERS):
            os_name = rng.choice(os_names)
            cores = rng.choice([1, 2, 2, 4, 4, 8, 8, 16, 32, 64])
            memory = rng.choice([2048, 4096, 8192, 16384, 32768, 65536, 131072])
            measured = rng.random() < 0.6
            yield [
                engagement.pk, f"srv{n:06d}", f"srv{n:06d}", "server" if n % 12 else "database",
                os_name, families[os_name], "x86_64" if rng.random() < 0.97 else "x86", cores, memory,
                round(rng.uniform(20, 4000), 1), round(rng.uniform(2, 70), 1) if measured else None,
                round(rng.uniform(20, 100), 1) if measured else None,
                round(memory * rng.uniform(0.2, 0.95)) if measured else None,
                rng.random() < 0.9, rng.choice(["production", "test", "development", "dr", None]),
                round(rng.uniform(50, 900), 2) if rng.random() < 0.7 else None,
                [], [], [], [], [], "{}", 0, f"srv{n:06d}", now, now, "generic",
            ]  # fmt: skip

    _copy(
        "inventory_asset",
        ["engagement_id", "name", "hostname", "asset_type", "os_name", "os_family", "os_architecture", "cpu_cores",
         "memory_mb", "storage_gb", "cpu_util_avg_pct", "cpu_util_max_pct", "memory_used_max_mb", "is_virtual",
         "environment", "monthly_cost", "ip_address", "mac_address", "application", "tags", "dependencies",
         "custom_attributes", "quality_score", "search_text", "created_at", "updated_at", "source_format"],
        servers(),
    )  # fmt: skip

    def applications() -> Iterator[list[Any]]:
        for n in range(APPS):
            lifecycle = rng.choice(LIFECYCLES)
            users = 0 if lifecycle in ("sunset", "retire") and rng.random() < 0.5 else rng.choice([5, 40, 300, 2500])
            yield [
                engagement.pk, f"App {n:05d}", rng.choice(APP_TYPES), rng.choice(CRITICALITIES), lifecycle, users,
                rng.choice(LANGUAGES), rng.choice(FRAMEWORKS), rng.choice(DATABASES), rng.choice(MIDDLEWARE),
                [], [], [], rng.choice([None, 12000.0, 60000.0, 250000.0]), "{}", now, now, "generic",
            ]  # fmt: skip

    _copy(
        "inventory_application",
        ["engagement_id", "name", "app_type", "business_criticality", "lifecycle", "users", "languages", "frameworks",
         "databases", "middleware", "compliance", "servers", "tags", "annual_cost", "custom_attributes", "created_at",
         "updated_at", "source_format"],
        applications(),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM inventory_asset WHERE engagement_id = %s ORDER BY id", [engagement.pk])
        asset_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM inventory_application WHERE engagement_id = %s ORDER BY id", [engagement.pk])
        app_ids = [row[0] for row in cursor.fetchall()]

    # Each server runs one application (about 5 per application); every application has at least one.
    def links() -> Iterator[list[Any]]:
        for index, asset_id in enumerate(asset_ids):
            app = app_ids[index % len(app_ids)] if index < len(app_ids) else rng.choice(app_ids)
            yield [app, asset_id, "import", now]

    _copy("inventory_applicationasset", ["application_id", "asset_id", "source", "created_at"], links())

    # Mostly acyclic: an application depends on applications with a lower number (nearby ones, as systems of a
    # domain do); then a few back edges, each closing a cycle.
    edges: set[tuple[int, int]] = set()
    while len(edges) < DEPENDENCIES - CYCLES:
        source = rng.randrange(1, len(app_ids))
        target = rng.randrange(max(0, source - 400), source)
        edges.add((app_ids[source], app_ids[target]))
    while len(edges) < DEPENDENCIES:
        target = rng.randrange(1, len(app_ids))
        source = rng.randrange(max(0, target - 20), target)
        edges.add((app_ids[source], app_ids[target]))
    _copy(
        "inventory_applicationdependency",
        ["engagement_id", "source_id", "target_id", "direction", "kind", "description", "created_at", "source_format"],
        ([engagement.pk, s, t, "outbound", "", "", now, "generic"] for s, t in edges),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE inventory_asset; ANALYZE inventory_application; ANALYZE inventory_applicationasset; "
            "ANALYZE inventory_applicationdependency"
        )
    return {"servers": len(asset_ids), "applications": len(app_ids), "dependencies": len(edges)}


def engine_alone(engagement: Engagement) -> None:
    """Where the time goes: one bulk load of the facts, then the engine alone over them in memory (CPU seconds)."""
    from assessments import loaders
    from assessments.engine.complexity import complexity
    from assessments.engine.facts import Goals
    from assessments.engine.readiness import server_readiness
    from assessments.engine.sixr import recommend
    from assessments.engine.sizing import size_server
    from assessments.engine.standards import DEFAULT_STANDARDS
    from assessments.engine.techdebt import debt_items

    cpu = time.process_time()
    portfolio = loaders.portfolio_load(engagement_id=engagement.pk, application_ids=None, edges=False)
    loaded = time.process_time() - cpu
    cpu = time.process_time()
    judged = {}
    for server in portfolio.servers.values():
        judged[server.id] = server_readiness(server, "aws")
        size_server(server, "aws")
    readiness_cpu = time.process_time() - cpu
    cpu = time.process_time()
    today = timezone.localdate()
    debt = {}
    for app in portfolio.apps:
        servers = [portfolio.servers[i] for i in app.server_ids if i in portfolio.servers]
        debt[app.id] = debt_items(app, servers, list(DEFAULT_STANDARDS), today)
    debt_cpu = time.process_time() - cpu
    cpu = time.process_time()
    scores = {}
    for app in portfolio.apps:
        servers = [portfolio.servers[i] for i in app.server_ids if i in portfolio.servers]
        scores[app.id] = complexity(app, servers, debt[app.id])
    complexity_cpu = time.process_time() - cpu
    cpu = time.process_time()
    for app in portfolio.apps:
        servers = [portfolio.servers[i] for i in app.server_ids if i in portfolio.servers]
        recommend(
            app,
            servers=servers,
            readiness={i: judged[i] for i in app.server_ids if i in judged},
            debt=debt[app.id],
            complexity=scores[app.id],
            goals=Goals(),
            target_cloud="aws",
        )
    sixr_cpu = time.process_time() - cpu
    print(
        f"    where it goes (CPU s): one bulk load of the facts {loaded:.2f}; the engine alone: readiness and "
        f"sizing {readiness_cpu:.2f}, tech debt {debt_cpu:.2f}, complexity {complexity_cpu:.2f}, 6R {sixr_cpu:.2f}"
    )


def warm_up(user: User) -> None:
    """Assess a 20-application engagement first, as a worker that has run a flow before: templates, URL
    resolvers and lazy imports are loaded once per process and are not what this bench measures."""
    small = Engagement.objects.create(name="Warm-up", target_cloud="aws")
    now = timezone.now()
    _copy(
        "inventory_application",
        ["engagement_id", "name", "languages", "frameworks", "databases", "middleware", "compliance", "servers",
         "tags", "custom_attributes", "created_at", "updated_at", "source_format"],
        ([small.pk, f"Warm {n}", [], [], [], [], [], [], [], "{}", now, now, "generic"] for n in range(20)),
    )  # fmt: skip
    with running_inline():
        flow = services.assessment_start(engagement=small, user=user)
        flow_run_inline(flow=flow)


def main() -> int:
    call_command("platform_setup", verbosity=0)
    slug = f"benchassess{os.getpid()}"
    client = client_create(name="Assessment bench", slug=slug)
    user = User.objects.create_user(email=f"manager@{slug}.test", password="bench-password-1")
    Membership.objects.create(user=user, client=client, role=Role.ENGAGEMENT_MANAGER)
    status = 0
    try:
        with schema_context(slug):
            engagement = Engagement.objects.create(name="Bench", target_cloud="aws")
            started = time.perf_counter()
            sizes = generate(engagement)
            generated = time.perf_counter() - started
            print(
                f"assessment bench: {sizes['applications']:,} applications on {sizes['servers']:,} servers with "
                f"{sizes['dependencies']:,} dependencies (generated and written by COPY in {generated:.1f} s)"
            )
            print(f"  RSS before the assessment {rss_mb():.0f} MB")

            warm_up(user)
            counter = QueryCounter()
            started, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter), running_inline():
                flow = services.assessment_start(engagement=engagement, user=user)
                flow_run_inline(flow=flow)
            assessed, assessed_cpu = time.perf_counter() - started, time.process_time() - cpu
            flow.refresh_from_db()
            if flow.status != "waiting_for_input":
                print(f"  the flow did not reach the review gate: {flow.status} {flow.message}")
                return 1
            phases = PhaseRun.objects.filter(flow=flow, name__in=["readiness", "tech_debt", "complexity", "sixr"])
            in_phases = 0.0
            for run in phases.order_by("order"):
                assert run.started_at and run.finished_at
                seconds = (run.finished_at - run.started_at).total_seconds()
                in_phases += seconds
                print(f"    {run.name:<12} {seconds:6.2f} s  {run.message}")
            print(f"    the flow's start, hand-offs and review gate: {assessed - in_phases:.2f} s")
            verdict = "met" if assessed < GOAL_ASSESSMENT_SECONDS else "NOT met"
            print(
                f"  assessment (readiness .. 6R, up to the gate): {assessed:.2f} s "
                f"({assessed_cpu:.2f} s of CPU in this process), {counter.count} SQL queries "
                f"(goal < {GOAL_ASSESSMENT_SECONDS:.0f} s: {verdict})"
            )
            print(
                f"    rows: {ServerAssessment.objects.filter(engagement=engagement).count():,} server assessments, "
                f"{TechDebtItem.objects.filter(engagement=engagement).count():,} debt items, "
                f"{SixRDecision.objects.filter(engagement=engagement).count():,} decisions"
            )
            status = 0 if assessed < GOAL_ASSESSMENT_SECONDS else 1
            engine_alone(engagement)

            counter = QueryCounter()
            started, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter):
                result = services.waves_plan(engagement=engagement, user=user)
            planned, planned_cpu = time.perf_counter() - started, time.process_time() - cpu
            verdict = "met" if planned < GOAL_WAVES_SECONDS else "NOT met"
            print(
                f"  wave planning: {planned:.2f} s ({planned_cpu:.2f} s of CPU), {counter.count} SQL queries, "
                f"{result.applications:,} applications "
                f"in {result.waves} waves, {len(result.warnings)} warnings (goal < {GOAL_WAVES_SECONDS:.0f} s: "
                f"{verdict})"
            )
            assert WaveAssignment.objects.filter(engagement=engagement).count() == result.applications
            print(f"  peak RSS {rss_mb():.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            if planned >= GOAL_WAVES_SECONDS:
                status = 1
            Assessment.objects.filter(engagement=engagement).delete()
    finally:
        Client.objects.get(schema_name=slug).delete(force_drop=True)
        user.delete()
    return status


if __name__ == "__main__":
    sys.exit(main())
