"""Load benchmark: signed-in users browse a client with 100,000 assets through more than one web process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_f2_bench REDIS_URL=redis://127.0.0.1:6379/11 \
        .venv/bin/python bench/load_bench.py [--users 50 --seconds 60 --web 3 --assets 100000 --fresh]
        [--skip "API applications list" ...]

What it does, as a deployment would see it:
1. seeds a client of its own in the database DATABASE_URL names (created if missing): an engagement with
   100,000 generated assets written by COPY (`inventory.services.assets_bulk_write`, the generator of
   bench/inventory_bench.py), 400 applications with dependencies, and one analyst per simulated user, each with
   an API token; then VACUUM ANALYZE, as autovacuum would. A later run reuses that client when it has the same
   number of assets (`--fresh` re-seeds).
2. times each page alone (Django's test client, no load) and counts its queries, to tell a page's own cost from
   queueing; then starts `--web` daphne processes (default: as many as `migration_platform.web` runs in a
   deployment) on free ports, with its environment (a connection pool per process; DEBUG off);
3. runs locust as a library, headless, in a process of its own (gevent patches the standard library, which
   must not happen under Django): each user signs in through the real sign-in page (CSRF token, session
   cookie) of one web process (users are split between the processes), then, with a think time of 1 to 5 s
   between requests, opens the main pages (engagement list and hub, asset table with filters, search and
   htmx paging, asset and application pages, the dependency graph, flows and imports) and calls the API with
   its token. Every answer must be a 200 with the expected content, else it counts as an error.
4. once every user has signed in, the figures are reset and measured for `--seconds`: p50/p95/p99 per page and
   overall, throughput, errors, and the web processes' CPU time per request (the figure a busy shared machine
   distorts least). Sign-in (a deliberately slow password hash) is reported apart.

Goal (issue 6): p95 under 200 ms overall and no errors. Exit code 1 when the goal is not met.
Python clients cannot resolve *.localhost: requests go to 127.0.0.1:<port> with a Host header.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SLUG = "loadbench"
PASSWORD = "load-bench-password-1"
GOAL_P95_MS = 200.0
APPLICATIONS = 400
DEPENDENCIES_PER_APPLICATION = 2


# What a simulated consultant does, with weights: (label, weight, kind, path, what the answer must contain).
# kind: "page" (HTML with the session), "htmx" (the table fragment), "api" (JSON with the API token; the marker is
# a key of the answer). Paths are filled by `fill` with a random asset, host name, application and page number.
PAGES: list[tuple[str, int, str, str, str]] = [
    ("engagement list", 2, "page", "/engagements/", "Load bench"),
    ("engagement hub", 3, "page", "/engagements/{engagement}/", "Load bench"),
    ("asset table", 5, "page", "/engagements/{engagement}/inventory/", "srv"),
    ("asset table, filter and sort", 3, "page", "/engagements/{engagement}/inventory/?{filter}", "srv"),
    ("asset table, search one host", 3, "page", "/engagements/{engagement}/inventory/?q={host}", "{host}"),
    ("asset table, htmx page", 4, "htmx", "/engagements/{engagement}/inventory/?page={table_page}", "srv"),
    ("asset page", 4, "page", "/engagements/{engagement}/inventory/assets/{asset}/", "SRV"),
    ("application table", 2, "page", "/engagements/{engagement}/inventory/applications/", "App "),
    ("application page", 2, "page", "/engagements/{engagement}/inventory/applications/{application}/", "App "),
    (
        "dependency graph (json)",
        1,
        "page",
        "/engagements/{engagement}/inventory/applications/{application}/graph.json",
        "App ",
    ),
    ("flows of the engagement", 1, "page", "/engagements/{engagement}/flows/", "Load bench"),
    ("imports of the engagement", 1, "page", "/engagements/{engagement}/imports/", "Load bench"),
    ("API assets list", 3, "api", "/api/v1/assets/?engagement={engagement}&page={api_page}", "results"),
    ("API assets search", 2, "api", "/api/v1/assets/?engagement={engagement}&search={host}", "results"),
    ("API applications list", 2, "api", "/api/v1/applications/?engagement={engagement}", "results"),
    ("API one asset", 1, "api", "/api/v1/assets/{asset}/", "id"),
    ("API me", 1, "api", "/api/v1/me/", "email"),
]
FILTERS = ["environment=production", "os_family=linux&sort=-memory_mb", "environment=dev"]


def fill(path: str, marker: str, config: dict[str, Any], rng: random.Random) -> tuple[str, str]:
    """A page's path and marker, with the same random choices from the seeded data in both."""
    first, last = config["asset_ids"]
    values = {
        "engagement": config["engagement"],
        "asset": rng.randint(first, last),
        "host": f"srv{rng.randrange(config['assets']):06d}",
        "application": rng.choice(config["applications"]),
        "filter": rng.choice(FILTERS),
        # People page through the first few pages of the table (25 rows each) and now and then jump far.
        "table_page": rng.randint(2, 10) if rng.random() < 0.9 else rng.randint(2, max(2, config["assets"] // 25)),
        "api_page": rng.randint(1, max(1, config["assets"] // 50)),  # an integration walks all pages (50 rows each)
    }
    return path.format(**values), marker.format(**values)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent signed-in users (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="measured time once all users signed in")
    parser.add_argument(
        "--web",
        type=int,
        help="daphne processes the users are split between (default: as many as migration_platform.web runs)",
    )
    parser.add_argument("--assets", type=int, default=100_000, help="assets of the seeded client")
    parser.add_argument("--fresh", action="store_true", help="drop the seeded client and seed it again")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="LABEL", help="leave out a page of the mix (repeatable)"
    )
    parser.add_argument("--drive", metavar="CONFIG", help=argparse.SUPPRESS)  # the locust process (internal)
    return parser.parse_args(argv)


# ------------------------------------------------------------------------------------------------ seeding


def ensure_database() -> None:
    """Create the database DATABASE_URL names when it does not exist yet (the bench's own)."""
    from urllib.parse import urlparse

    import psycopg
    from psycopg import sql

    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/migration_platform"))
    name = url.path.lstrip("/")
    admin = url._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def seed(*, assets: int, users: int, fresh: bool) -> dict[str, Any]:
    """The bench client (reused when it already holds `assets` assets), its users and fresh API tokens."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, connections
    from django_tenants.utils import schema_context

    from accounts.models import ApiToken, User
    from accounts.services import api_token_create
    from bench.inventory_bench import generated_rows
    from engagements.models import Engagement
    from inventory.models import Application, ApplicationAsset, ApplicationDependency, Asset
    from inventory.services import assets_bulk_write
    from tenants.models import Client, Membership
    from tenants.roles import Role
    from tenants.services import client_create

    call_command("platform_setup", verbosity=0)
    client = Client.objects.filter(schema_name=SLUG).first()
    engagement: Engagement | None = None
    if client is not None and not fresh:
        with schema_context(SLUG):
            engagement = Engagement.objects.filter(name="Load bench").first()
            if engagement is None or Asset.objects.filter(engagement=engagement).count() != assets:
                engagement = None
    if engagement is None:
        if client is not None:
            client.delete(force_drop=True)
        started = time.perf_counter()
        client = client_create(name="Load bench", slug=SLUG)
        with schema_context(SLUG):
            engagement = Engagement.objects.create(name="Load bench")
            rows = generated_rows(assets)
            result = assets_bulk_write(engagement=engagement, rows=rows, source_import_id=1, source_format="generic")
            del rows
            apps = list(Application.objects.filter(engagement=engagement).order_by("pk").values_list("pk", flat=True))
            ApplicationDependency.objects.bulk_create(
                ApplicationDependency(engagement=engagement, source_id=source, target_id=apps[(n + step) % len(apps)])
                for n, source in enumerate(apps)
                for step in range(1, DEPENDENCIES_PER_APPLICATION + 1)
            )
        print(
            f"seeded {assets:,} assets, {result.applications_created} applications and their dependencies"
            f" in {time.perf_counter() - started:.1f} s"
        )
    else:
        print(f"reusing the seeded client '{SLUG}' ({assets:,} assets; --fresh seeds it again)")

    emails = [f"user{n:03d}@{SLUG}.test" for n in range(users)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    hashed = make_password(PASSWORD)  # one hash for every bench user: hashing 50 times would take a minute
    User.objects.bulk_create(User(email=email, password=hashed) for email in emails if email not in existing)
    people = list(User.objects.filter(email__in=emails).order_by("email"))
    members = set(Membership.objects.filter(client=client, user__in=people).values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        Membership(user=user, client=client, role=Role.ANALYST) for user in people if user.pk not in members
    )
    ApiToken.objects.filter(user__in=people).delete()
    keys = [api_token_create(user=user, name="load bench")[1] for user in people]

    with schema_context(SLUG):
        # Planner statistics and the visibility map, as autovacuum leaves them on a production server within a
        # minute of a big write (its insert threshold vacuums a table that gained 20% rows; this machine's shared
        # PostgreSQL runs with autovacuum off). Without statistics the application table takes seconds instead of a
        # tenth of one; without the visibility map an index-only scan reads every row it skips.
        with connection.cursor() as cursor:
            for model in (Asset, Application, ApplicationAsset, ApplicationDependency):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        ids = Asset.objects.filter(engagement=engagement).order_by("pk").values_list("pk", flat=True)
        first_asset, last_asset = ids.first(), ids.last()
        applications = list(
            Application.objects.filter(engagement=engagement).order_by("pk").values_list("pk", flat=True)
        )
    connections.close_all()
    return {
        "host": f"{SLUG}.localhost",
        "engagement": engagement.pk,
        "asset_ids": [first_asset, last_asset],
        "assets": assets,
        "applications": applications,
        "accounts": [{"email": u.email, "password": PASSWORD, "token": k} for u, k in zip(people, keys, strict=True)],
    }


def chosen_pages(config: dict[str, Any]) -> list[tuple[str, int, str, str, str]]:
    """PAGES without those the run was told to skip."""
    return [page for page in PAGES if page[0] not in config.get("skip", [])]


def profile_pages(config: dict[str, Any]) -> None:
    """Each page alone, through Django's test client in this process: its time and database queries without load,
    to tell a page's own cost from queueing under load."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    account = config["accounts"][0]
    browser = HttpClient(HTTP_HOST=config["host"])
    browser.force_login(User.objects.get(email=account["email"]))
    api = HttpClient(HTTP_HOST=config["host"], HTTP_AUTHORIZATION=f"Token {account['token']}")
    rng = random.Random(1)
    print("  each page alone (median of 3 after a warm-up; Django test client, no load from this bench):")
    for label, _, kind, template, _ in chosen_pages(config):
        timings, queries, status = [], 0, 200
        for attempt in range(4):
            path, _ = fill(template, "", config, rng)
            headers = {"HX-Request": "true"} if kind == "htmx" else {}
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = (api if kind == "api" else browser).get(path, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
            status = max(status, response.status_code)
            if attempt:
                timings.append(elapsed)
                queries = max(queries, len(captured))
        note = "" if status == 200 else f"   answered {status}"
        print(f"    {label:<40} {sorted(timings)[1]:7.1f} ms  {queries:3d} queries{note}")
    from tenants.db import use_public_schema

    use_public_schema()


# ------------------------------------------------------------------------------------------------ web processes


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_web(count: int) -> list[tuple[int, subprocess.Popen[bytes]]]:
    """`count` daphne processes as production runs them (`migration_platform.web`: its environment, with the
    connection pool; DEBUG off), each on a free port so that the users can be split evenly; waits for them."""
    import urllib.request

    from migration_platform.web import daphne_command, web_environment

    started = []
    for _ in range(count):
        port = free_port()
        env = web_environment({**os.environ, "SITE_PORT": str(port), "DJANGO_DEBUG": "false", "PYTHONUNBUFFERED": "1"})
        env.pop("DJANGO_TESTING", None)
        command = daphne_command("-b", "127.0.0.1", "-p", str(port))
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        started.append((port, process))
    for port, process in started:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"daphne on port {port} exited at start")
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/health", headers={"Host": "localhost"})
                urllib.request.urlopen(request, timeout=5).read()
                break
            except OSError as error:
                if time.monotonic() > deadline:
                    raise SystemExit(f"daphne on port {port} did not answer within 60 s: {error}") from error
                time.sleep(0.3)
    return started


def stop_web(processes: list[tuple[int, subprocess.Popen[bytes]]]) -> None:
    for _, process in processes:
        process.terminate()
    for _, process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# ------------------------------------------------------------------------------------------------ report


def report(results: dict[str, Any], *, users: int, web: int, assets: int) -> bool:
    overall = results["overall"]
    print(
        f"\nload bench: {users} signed-in users (think time 1-5 s) over {web} daphne processes,"
        f" a client with {assets:,} assets, {results['seconds']:.0f} s measured"
    )
    if results["skipped"]:
        print(f"  left out of the mix: {', '.join(results['skipped'])}")
    load = os.getloadavg()
    print(f"  machine load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    signin = results["sign_in"]
    print(
        f"  sign-in (real page, CSRF, password hash; not in the figures below): {signin['count']} users,"
        f" p50 {signin['p50']:.0f} ms, max {signin['max']:.0f} ms, {signin['errors']} errors"
    )
    print(f"  {'page':<40} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for row in results["pages"]:
        print(
            f"  {row['name']:<40} {row['count']:>8} {row['errors']:>6} {row['p50']:>7.0f} {row['p95']:>7.0f}"
            f" {row['p99']:>7.0f} {row['max']:>7.0f}"
        )
    print(
        f"  {'overall':<40} {overall['count']:>8} {overall['errors']:>6} {overall['p50']:>7.0f}"
        f" {overall['p95']:>7.0f} {overall['p99']:>7.0f} {overall['max']:>7.0f}"
    )
    print(f"  throughput {overall['count'] / results['seconds']:.1f} requests/s")
    if overall["count"]:
        # CPU time is what a busy shared machine distorts least: it tells the capacity of a quiet one.
        per_request = results["web_cpu_seconds"] * 1000 / overall["count"]
        cores = os.cpu_count() or 1
        print(
            f"  web processes' CPU (user + system) per request: {per_request:.0f} ms, so {cores} cores serve at most"
            f" about {cores * 1000 / per_request:.0f} requests/s (PostgreSQL's share not counted)"
        )
    for error in results["error_samples"]:
        print(f"  error: {error}")
    met = overall["p95"] < GOAL_P95_MS and overall["errors"] == 0 and signin["errors"] == 0
    verdict = "met" if met else "NOT met"
    print(f"  goal p95 < {GOAL_P95_MS:.0f} ms and no errors: {verdict}")
    slow = [row["name"] for row in results["pages"] if row["p95"] >= GOAL_P95_MS]
    if slow:
        print(f"  pages over the goal at p95: {', '.join(slow)}")
    return met


def orchestrate(args: argparse.Namespace) -> int:
    ensure_database()
    unknown = sorted(set(args.skip) - {page[0] for page in PAGES})
    if unknown:
        print(f"--skip: no page is labelled {', '.join(map(repr, unknown))}", file=sys.stderr)
        return 2
    config = seed(assets=args.assets, users=args.users, fresh=args.fresh)
    if args.web is None:
        from migration_platform.web import DEFAULT_PROCESSES

        args.web = DEFAULT_PROCESSES
    config["skip"] = args.skip
    profile_pages(config)
    web = start_web(args.web)
    try:
        config.update(ports=[port for port, _ in web], pids=[process.pid for _, process in web])
        config.update(users=args.users, seconds=args.seconds)
        with tempfile.TemporaryDirectory(prefix="load_bench") as folder:
            config_path = Path(folder) / "config.json"
            config_path.write_text(json.dumps(config))
            driver = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--drive", str(config_path)], cwd=ROOT, check=False
            )
            if driver.returncode != 0:
                print(f"the locust process failed (exit code {driver.returncode})", file=sys.stderr)
                return 2
            results = json.loads((Path(folder) / "results.json").read_text())
        for port, process in web:
            if process.poll() is not None:
                print(f"daphne on port {port} died during the run", file=sys.stderr)
                return 2
    finally:
        stop_web(web)
    return 0 if report(results, users=args.users, web=args.web, assets=args.assets) else 1


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.drive:
        # locust (gevent) patches the standard library when imported: only in this process, before anything else.
        sys.path.insert(0, str(ROOT))
        from bench.load_users import drive

        return drive(Path(args.drive))
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
