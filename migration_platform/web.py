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
from collections.abc import Sequence

DEFAULT_PROCESSES = 3
DEFAULT_POOL_SIZE = "4"


def web_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a web process: the caller's, with the connection pool unless it was set."""
    env = dict(os.environ if base is None else base)
    env.setdefault("DB_POOL_SIZE", DEFAULT_POOL_SIZE)
    return env


def daphne_command(*endpoint: str) -> list[str]:
    return [sys.executable, "-m", "daphne", *endpoint, "migration_platform.asgi:application"]


def supervise(processes: Sequence[subprocess.Popen[bytes]]) -> bool:
    """Wait for SIGTERM or SIGINT, or for one of `processes` to exit; then stop them all (SIGTERM, 15 s, SIGKILL).
    True when a signal asked for the stop. Also serves `make run` (scripts/dev.py)."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(process.poll() is None for process in processes):
        time.sleep(0.5)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return stopping


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
    asked_to_stop = supervise(children)
    listener.close()
    return 0 if asked_to_stop else 1  # a daphne that exits on its own is a failure


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
