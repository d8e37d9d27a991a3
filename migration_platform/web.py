"""The web server as deployed: several daphne processes sharing one listening socket.

    python -m migration_platform.web [--processes N] [--bind 0.0.0.0] [--port 8000]

Why several: Django runs each request's synchronous view on a thread of its own, but one process executes Python
one thread at a time (the GIL), so a slow page holds up every request of its process while the others wait for the
database. On 2 cores, 3 processes (WEB_PROCESSES): a page's Python time is about half its time, the rest waiting
for PostgreSQL on the same machine, so a third process keeps both cores busy while the other two wait; a fourth
only adds memory (about 135 MB each) and context switches (bench/load_bench.py, docs/benchmarks.md).

The socket is opened here and inherited by every daphne (`--fd`): the kernel hands each new connection to one of
them. Each process keeps a small connection pool (DB_POOL_SIZE, default 4): a new PostgreSQL connection per
request cost 4-15 ms and cold catalogue caches. The pool is for the web processes only (Celery forks its workers,
and a pool must not cross a fork). Stops every process when one dies or on SIGTERM / SIGINT.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time

DEFAULT_PROCESSES = 3
DEFAULT_POOL_SIZE = "4"


def web_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a web process: the caller's, with the connection pool unless it was set."""
    env = dict(os.environ if base is None else base)
    env.setdefault("DB_POOL_SIZE", DEFAULT_POOL_SIZE)
    return env


def daphne_command(*endpoint: str) -> list[str]:
    return [sys.executable, "-m", "daphne", *endpoint, "migration_platform.asgi:application"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=int(os.environ.get("WEB_PROCESSES", DEFAULT_PROCESSES)))
    parser.add_argument("--bind", default=os.environ.get("BIND", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)

    listener = socket.create_server((args.bind, args.port), backlog=1024)
    listener.set_inheritable(True)
    fd = listener.fileno()
    env = web_environment()
    children = [
        subprocess.Popen(daphne_command("--fd", str(fd)), env=env, pass_fds=[fd]) for _ in range(args.processes)
    ]
    print(f"web: {args.processes} daphne processes on {args.bind}:{args.port}", flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.5)
    failed = any(child.poll() not in (None, 0) for child in children)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    listener.close()
    return 1 if failed and not stopping else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
