"""The lease a phase runs under, kept alive by heartbeats on a connection of its own.

The phase's work runs in one transaction on Django's connection; its heartbeats and progress go through a
second, autocommit psycopg connection so that the watchdog and the pages see them while that transaction is
still open (DESIGN.md Decisions, durability).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from django.conf import settings
from django.utils import timezone
from psycopg import sql

logger = logging.getLogger(__name__)

# One autocommit connection per phase-running thread (Celery's thread pool keeps its threads), reused from
# phase to phase since connecting costs milliseconds; the heartbeat thread borrows its owner's.
_connections: dict[int, psycopg.Connection] = {}  # type: ignore[type-arg]
_connections_lock = threading.Lock()


def lease_seconds() -> float:
    return float(settings.FLOW_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    return float(settings.FLOW_HEARTBEAT_SECONDS)


def _side_connection(owner: int) -> psycopg.Connection:  # type: ignore[type-arg]
    with _connections_lock:
        conn = _connections.get(owner)
    if conn is not None and not conn.closed and not conn.broken:
        return conn
    db = settings.DATABASES["default"]
    conn = psycopg.connect(
        host=str(db["HOST"]),
        port=str(db["PORT"]),
        user=str(db["USER"]),
        password=str(db["PASSWORD"]),
        dbname=str(db["NAME"]),
        autocommit=True,
        application_name="flows-heartbeat",
        # A heartbeat never waits long for a row lock: it is retried a beat later instead.
        options="-c lock_timeout=2000 -c statement_timeout=5000",
    )
    with _connections_lock:
        _connections[owner] = conn
    return conn


def _drop_connection(owner: int) -> None:
    with _connections_lock:
        conn = _connections.pop(owner, None)
    if conn is not None:
        conn.close()


@dataclass
class Beat:
    held: bool
    flow_status: str


class Lease:
    """Holds a phase's lease: renews it every heartbeat, writes progress, and learns the flow's status."""

    def __init__(self, *, schema: str, phase_run_id: int, flow_id: int, worker_id: str) -> None:
        self.schema = schema
        self.phase_run_id = phase_run_id
        self.flow_id = flow_id
        self.worker_id = worker_id
        self.held = True
        self.flow_status = ""
        self._owner = threading.get_ident()
        self._lock = threading.Lock()
        self._stopped = False

    # Renewed by the process's heartbeat thread while the phase works (a phase may not report for a while).
    def start(self) -> None:
        _heartbeats.add(self)

    def stop(self) -> None:
        """No heartbeat of this lease happens once this returns (one under way is waited for)."""
        _heartbeats.remove(self)
        with self._lock:
            self._stopped = True

    def _beat_in_background(self) -> None:
        try:
            self.beat(background=True)
        except psycopg.Error as error:
            logger.warning("Heartbeat of phase run %s failed: %s", self.phase_run_id, error)
            with self._lock:
                _drop_connection(self._owner)
        except Exception:  # the thread renews other phases' leases too: it must not die
            logger.exception("Heartbeat of phase run %s failed", self.phase_run_id)

    def beat(
        self,
        *,
        progress: int | None = None,
        message: str | None = None,
        flow_progress: int | None = None,
        flow_message: str | None = None,
        background: bool = False,
    ) -> Beat:
        """Renew the lease (and write progress); tells whether it is still ours and what the flow's status is.

        `background`: the heartbeat thread's renewal, skipped once the lease is stopped.
        """
        now = timezone.now()
        expires = now + timedelta(seconds=lease_seconds())
        assignments = [sql.SQL("heartbeat_at = %s"), sql.SQL("lease_expires_at = %s")]
        params: list[object] = [now, expires]
        if progress is not None:
            assignments.append(sql.SQL("progress = %s"))
            params.append(progress)
        if message is not None:
            assignments.append(sql.SQL("message = %s"))
            params.append(message[:500])
        phase_table = sql.Identifier(self.schema, "flows_phaserun")
        flow_table = sql.Identifier(self.schema, "flows_flow")
        query = sql.SQL(
            "UPDATE {phase} SET {assignments} WHERE id = %s AND worker_id = %s AND status = 'running'"
            " RETURNING (SELECT status FROM {flow} WHERE id = {phase}.flow_id)"
        ).format(phase=phase_table, flow=flow_table, assignments=sql.SQL(", ").join(assignments))
        params += [self.phase_run_id, self.worker_id]
        with self._lock:
            if background and self._stopped:
                return Beat(held=self.held, flow_status=self.flow_status)
            conn = _side_connection(self._owner)
            row = conn.execute(query, params).fetchone()
            if row is not None and (flow_progress is not None or flow_message is not None):
                conn.execute(
                    sql.SQL(
                        "UPDATE {flow} SET progress = COALESCE(%s, progress), message = COALESCE(%s, message),"
                        " updated_at = %s WHERE id = %s AND status = 'running'"
                    ).format(flow=flow_table),
                    [flow_progress, flow_message[:500] if flow_message is not None else None, now, self.flow_id],
                )
        self.held = row is not None
        self.flow_status = str(row[0]) if row is not None else ""
        return Beat(held=self.held, flow_status=self.flow_status)


class _Heartbeats:
    """One thread per process renews every lease held in it, each every FLOW_HEARTBEAT_SECONDS.

    Starting a thread per phase cost more than the rest of a short phase's orchestration on a busy machine. A
    renewal runs on the lease owner's side connection, under the lease's lock, so it never overlaps the owner's
    own progress writes nor outlives `Lease.stop()`.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._due: dict[Lease, float] = {}  # lease -> when its next renewal is due (time.monotonic())
        self._wake = threading.Condition()
        self._wakes_at = 0.0  # when the thread, asleep, wakes next (0 while it is awake)
        self._started = False

    def add(self, lease: Lease) -> None:
        with self._wake:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="flows-heartbeats", daemon=True).start()
            due = self._due[lease] = time.monotonic() + heartbeat_seconds()
            # Woken only if it would sleep past this renewal: with a steady heartbeat it never does (it wakes
            # for the earliest one anyway), which saves a thread switch per phase.
            if due < self._wakes_at:
                self._wake.notify()

    def remove(self, lease: Lease) -> None:
        with self._wake:
            self._due.pop(lease, None)

    def _run(self) -> None:
        while True:
            with self._wake:
                now = time.monotonic()
                due = [lease for lease, when in self._due.items() if when <= now]
                for lease in due:
                    self._due[lease] = now + heartbeat_seconds()
                if not due:
                    self._wakes_at = max(now + 0.01, min(self._due.values(), default=now + heartbeat_seconds()))
                    self._wake.wait(timeout=self._wakes_at - now)
                    self._wakes_at = 0.0
                    continue
            for lease in due:
                lease._beat_in_background()


_heartbeats = _Heartbeats()
os.register_at_fork(after_in_child=_heartbeats._reset)  # a forked worker child starts a thread of its own
