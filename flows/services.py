"""The flow orchestrator: starting, running, pausing, resuming, cancelling, retrying and approving flows.

Every state change locks the flow's row first (then its phase's), writes a FlowEvent, and broadcasts the
changed fragments after commit. A phase runs under a lease (see lease.py): a task that finds the phase already
claimed does nothing, so a phase never runs twice at once, and the watchdog recovers phases whose worker died.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, JSONField, OuterRef, Q
from django.utils import timezone
from django_tenants.utils import get_tenant_model, schema_context

from accounts.models import User
from engagements.models import Engagement
from tenants.db import current_schema

from . import registry
from .context import PhaseContext, PhaseInterrupted
from .lease import Lease, lease_seconds
from .live import engagement_flows_html, flow_announce
from .models import (
    ACTIVE_FLOW_STATUSES,
    DONE_PHASE_STATUSES,
    FINISHED_FLOW_STATUSES,
    Flow,
    FlowEvent,
    FlowStatus,
    PhaseRun,
    PhaseStatus,
)

logger = logging.getLogger(__name__)

_Row = TypeVar("_Row", Flow, PhaseRun)

SYSTEM = "system"
WATCHDOG = "watchdog"


class FlowStateError(ValidationError):
    """The flow is not in a state where this action applies (pausing a completed flow, say)."""


# --- settings ---------------------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(settings.FLOW_MAX_ATTEMPTS)


def retry_backoff(*, attempts: int) -> float:
    """Seconds to wait before the next automatic attempt: the base, doubled per attempt, at most five minutes."""
    base = float(settings.FLOW_RETRY_BACKOFF_SECONDS)
    return min(300.0, base * (2 ** max(0, attempts - 1)))


def requeue_after() -> timedelta:
    """A pending phase not started this long after its task was sent is sent again (a lost message)."""
    return timedelta(seconds=lease_seconds())


def actor_for(user: User | None, actor: str | None = None) -> str:
    if actor:
        return actor
    return user.email if user is not None else SYSTEM


def worker_identity(*, task_id: str | None = None) -> str:
    suffix = f"/{task_id[:8]}" if task_id else f"/t{threading.get_ident() % 100000}"
    return f"{socket.gethostname()}/{os.getpid()}{suffix}"


# --- running phases in this process (the commands' --sync) -----------------------------------------------

_inline: contextvars.ContextVar[bool] = contextvars.ContextVar("flows_inline", default=False)
# Within flow_run_inline: the phase each flow's last committed change queued (a hint; phase_claim checks it).
_inline_queued: contextvars.ContextVar[dict[int, int] | None] = contextvars.ContextVar(
    "flows_inline_queued", default=None
)


@contextlib.contextmanager
def running_inline() -> Iterator[None]:
    """Within this block, phases are not sent to the workers: the caller runs them (see flow_run_inline)."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


SEND_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def _send(phase_run_id: int, countdown: float) -> None:
    from .tasks import run_phase

    try:
        # A short publish retry: if the broker is down, the watchdog resends once it is back.
        run_phase.apply_async(args=[phase_run_id], countdown=countdown or None, retry_policy=SEND_RETRY)
    except Exception as error:  # noqa: BLE001 - a broker outage must not undo the state change: the watchdog resends
        logger.warning("Could not queue phase run %s (%s); the watchdog will send it again.", phase_run_id, error)


def _schedule(run: PhaseRun, *, countdown: float = 0, note: _Announcement | None = None) -> None:
    """Queue the phase once the transaction commits (never before: the worker must see the row).

    With a note, the task is sent right after the note's broadcast, so that pages see this change before
    whatever the worker does next.
    """
    run.enqueued_at = timezone.now()
    PhaseRun.objects.filter(pk=run.pk).update(enqueued_at=run.enqueued_at)
    _queue(run_id=run.pk, flow_id=run.flow_id, countdown=countdown, note=note)


def _queue(*, run_id: int, flow_id: int, countdown: float = 0, note: _Announcement | None = None) -> None:
    """What _schedule does once the run's `enqueued_at` is written (the completion's SQL writes it itself)."""
    if _inline.get():
        queued = _inline_queued.get()
        if queued is not None:
            transaction.on_commit(lambda: queued.__setitem__(flow_id, run_id))
        return
    if note is not None:
        note.sends.append((run_id, countdown))
    else:
        transaction.on_commit(lambda: _send(run_id, countdown))


# --- broadcasting -----------------------------------------------------------------------------------------


@dataclass
class _Announcement:
    flow: Flow
    phases: list[PhaseRun] = field(default_factory=list)
    events: list[FlowEvent] = field(default_factory=list)
    table: bool = False
    sends: list[tuple[int, float]] = field(default_factory=list)  # phase runs to queue after the broadcast


def _announce_on_commit(note: _Announcement) -> None:
    schema = current_schema()

    def send() -> None:
        try:
            table_html = engagement_flows_html(engagement_id=note.flow.engagement_id) if note.table else ""
            flow_announce(
                flow=note.flow,
                schema=schema,
                phases=note.phases,
                events=note.events,
                controls=True,
                table_html=table_html,
                wait=bool(note.sends),  # the worker's own changes must not overtake this one
            )
        except Exception as error:  # noqa: BLE001 - a page missing an update must not fail the flow (it catches up)
            logger.warning("Broadcasting flow %s failed: %s", note.flow.pk, error)
        for phase_run_id, countdown in note.sends:
            _send(phase_run_id, countdown)

    transaction.on_commit(send)


def _progress_announcer(schema: str) -> Any:
    def announce(flow: Flow, phases: Sequence[PhaseRun]) -> None:
        try:
            flow_announce(flow=flow, schema=schema, phases=phases)
        except Exception as error:  # noqa: BLE001 - see _announce_on_commit
            logger.warning("Broadcasting progress of flow %s failed: %s", flow.pk, error)

    return announce


def _event(
    note: _Announcement,
    *,
    actor: str,
    from_status: str = "",
    to_status: str = "",
    detail: str = "",
    phase: str = "",
) -> FlowEvent:
    event = FlowEvent.objects.create(
        flow=note.flow,
        phase=phase,
        actor=actor[:254],
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )
    note.events.append(event)
    return event


# --- helpers on locked rows ------------------------------------------------------------------------------


def _lock_flow(flow_id: int) -> Flow:
    return _loaded(Flow.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=flow_id))


def _lock_phase(phase_run_id: int) -> PhaseRun:
    return _loaded(PhaseRun.objects.select_for_update().get(pk=phase_run_id))


_LOADED = "_flows_loaded"  # the scalar field values of a row as locked, to save only what changed since


def _loaded(row: _Row) -> _Row:
    _remember(row)
    return row


def _remember(row: Flow | PhaseRun) -> None:
    """Remember a locked row's values: while it is locked, the database holds exactly these until we write.

    JSON fields are not remembered (they may be changed in place): they are always written.
    """
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not isinstance(f, JSONField)}
    setattr(row, _LOADED, values)


def _write(row: Flow | PhaseRun) -> None:
    """Save a row: if it was locked by _lock_*, only its changed fields, JSON fields and `updated_at`; else all."""
    loaded: dict[str, Any] | None = getattr(row, _LOADED, None)
    if loaded is None:
        row.save()
        return
    fields = [name for name, value in loaded.items() if getattr(row, name) != value]
    fields += [f.attname for f in row._meta.concrete_fields if isinstance(f, JSONField)]
    if isinstance(row, Flow) and "updated_at" not in fields:
        fields.append("updated_at")
    row.save(update_fields=fields)
    _remember(row)


def _label(flow: Flow, phase: str) -> str:
    return registry.phase_label(flow.type, phase)


def _set_flow_status(note: _Announcement, status: str, *, actor: str, detail: str = "") -> None:
    """Change the flow's own status; its event has no phase (a phase's events name theirs)."""
    flow = note.flow
    before = flow.status
    if before == status:
        return
    flow.status = status
    now = timezone.now()
    if status == FlowStatus.RUNNING and flow.started_at is None:
        flow.started_at = now
    if status in FINISHED_FLOW_STATUSES:
        flow.finished_at = now
    elif flow.finished_at is not None:
        flow.finished_at = None
    _event(note, actor=actor, from_status=before, to_status=status, detail=detail)


def _set_phase_status(
    note: _Announcement, run: PhaseRun, status: str, *, actor: str, detail: str = "", event: bool = True
) -> None:
    before = run.status
    run.status = status
    if run not in note.phases:
        note.phases.append(run)
    if event and before != status:
        _event(note, actor=actor, from_status=before, to_status=status, detail=detail, phase=run.name)


def _flow_progress(flow: Flow, phases: Sequence[tuple[str, int]] | None = None) -> int:
    """The flow's progress from its phases' (status, progress), read now unless given."""
    if phases is None:
        phases = list(flow.phases.values_list("status", "progress"))
    if not phases:
        return 0
    done = sum(1 for status, _ in phases if status in DONE_PHASE_STATUSES)
    running = sum(progress for status, progress in phases if status == PhaseStatus.RUNNING) / 100
    return min(100, int(100 * (done + running) / len(phases)))


def _save(
    note: _Announcement, *runs: PhaseRun, progress: bool = True, phases: Sequence[tuple[str, int]] | None = None
) -> None:
    """Save the runs and the flow (its progress recomputed unless `progress` is False), and announce on commit.

    `phases` are the flow's phases' (status, progress) as they will be once the runs are saved, if known.
    """
    for run in runs:
        _write(run)
    if progress:
        note.flow.progress = _flow_progress(note.flow, phases)
    _write(note.flow)
    _announce_on_commit(note)


def _advance(note: _Announcement, *, actor: str) -> list[tuple[str, int]]:
    """After a phase is done: queue the next pending one, or complete the flow if none is left.

    Returns the phases' (status, progress), with the changes of the note's phases, for the flow's progress.
    """
    flow = note.flow
    changed = {run.pk: run for run in note.phases}
    phases: list[tuple[str, int]] = []
    following: PhaseRun | None = None
    for pk, name, status, progress in flow.phases.order_by("order").values_list("pk", "name", "status", "progress"):
        if pk in changed:
            status, progress = changed[pk].status, changed[pk].progress
        elif following is None and status == PhaseStatus.PENDING:
            following = PhaseRun(pk=pk, flow_id=flow.pk, name=name, status=status, progress=progress)
        phases.append((status, progress))
    if following is None:
        flow.current_phase = ""
        flow.message = "Completed"
        _set_flow_status(note, FlowStatus.COMPLETED, actor=actor, detail="Every phase is done")
        return phases
    flow.current_phase = following.name
    if flow.status == FlowStatus.RUNNING:
        flow.message = f"{_label(flow, following.name)}: queued"
        _schedule(following, note=note)
    return phases


# --- starting ---------------------------------------------------------------------------------------------


def flow_start(
    *,
    engagement: Engagement,
    flow_type: str,
    user: User | None = None,
    actor: str | None = None,
    flow_input: dict[str, Any] | None = None,
) -> Flow:
    """Create a flow with its phases pending and queue the first one."""
    try:
        names = registry.phase_names(flow_type)
    except registry.RegistryError as error:
        raise ValidationError({"type": str(error)}) from error
    missing = registry.missing_phases(flow_type)
    if missing:
        raise ValidationError({"type": f"Nothing is registered to run these phases: {', '.join(missing)}."})
    if engagement.is_archived:
        raise ValidationError({"engagement": "This engagement is archived: restore it before starting a flow."})
    who = actor_for(user, actor)
    with transaction.atomic():
        flow = Flow.objects.create(
            type=flow_type,
            engagement=engagement,
            status=FlowStatus.PENDING,
            current_phase=names[0],
            message="Waiting for a worker",
            input=flow_input or {},
            created_by=user,
        )
        PhaseRun.objects.bulk_create(
            [PhaseRun(flow=flow, name=name, order=index) for index, name in enumerate(names, start=1)]
        )
        note = _Announcement(flow=flow, phases=list(flow.phases.order_by("order")), table=True)
        _event(note, actor=who, to_status=FlowStatus.PENDING, detail=f"Started a {flow.get_type_display()} flow")
        _schedule(note.phases[0], note=note)
        _announce_on_commit(note)
    return flow


# --- running a phase (on a worker, or inline) --------------------------------------------------------------


# --- the two steps every phase takes, in hand-written SQL (claim, completion) ------------------------------
#
# Each is one message to PostgreSQL holding two statements, run in one transaction: the flow's row is locked
# first (the order every state change takes: flow, then phase); then one statement checks and changes the
# phase, moves the flow and writes the events, with a snapshot taken once the lock is held (each statement of
# a READ COMMITTED transaction takes its own). Same rules as the ORM code of the rarer transitions below.


def _columns(model: type[Flow] | type[PhaseRun], alias: str) -> str:
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)


@functools.cache
def _sql() -> dict[str, str]:
    """The statements, built once from the models' tables and columns."""
    flow, run, event = Flow._meta.db_table, PhaseRun._meta.db_table, FlowEvent._meta.db_table
    done = ", ".join(f"'{status.value}'" for status in DONE_PHASE_STATUSES)
    lock = (
        f"SELECT {_columns(Flow, 'f')}, u.id, u.email FROM {flow} f LEFT JOIN {User._meta.db_table} u"
        " ON u.id = f.created_by_id WHERE f.id = {flow_id} FOR UPDATE OF f;\n"
    )
    # registry.phase_label: the registered label, else registry.default_label's rule (names are ASCII)
    label = (
        "COALESCE(%(labels)s::jsonb ->> (prior.type || '.' || {name}),"
        " upper(left(replace({name}, '_', ' '), 1)) || lower(substr(replace({name}, '_', ' '), 2)))"
    )
    events = f"INSERT INTO {event} (flow_id, phase, actor, created_at, from_status, to_status, detail)"
    claim = f"""
WITH prior AS (
  SELECT f.id, f.type, f.status FROM {flow} f JOIN {run} p ON p.flow_id = f.id
  WHERE p.id = %(run)s AND f.status IN ('pending', 'running')
), run AS (
  UPDATE {run} p SET status = 'running', attempt = p.attempt + 1, auto_attempts = p.auto_attempts + 1,
    worker_id = %(worker)s, heartbeat_at = %(now)s, lease_expires_at = %(expires)s, started_at = %(now)s,
    finished_at = NULL, progress = 0, message = 'Started', output = '{{}}'::jsonb, error_message = '',
    error_traceback = '', retry_at = NULL
  FROM prior
  WHERE p.id = %(run)s AND p.flow_id = prior.id AND p.status = 'pending' AND NOT EXISTS (
    SELECT 1 FROM {run} s WHERE s.flow_id = p.flow_id
      AND ((s."order" < p."order" AND s.status NOT IN ({done})) OR s.status = 'running'))
  RETURNING {_columns(PhaseRun, "p")}
), tally AS (
  SELECT count(*) FILTER (WHERE s.status IN ({done})) AS done, count(*) AS total
  FROM {run} s JOIN prior ON s.flow_id = prior.id
), moved AS (
  UPDATE {flow} f SET status = 'running', current_phase = run.name,
    message = LEFT({label.format(name="run.name")} || ': started', 500),
    started_at = COALESCE(f.started_at, %(now)s), finished_at = NULL, updated_at = %(now)s
  FROM run, prior WHERE f.id = run.flow_id
  RETURNING f.started_at, f.message
), events AS (
  {events}
  SELECT run.flow_id, run.name, %(actor)s, %(now)s, 'pending', 'running',
    CASE WHEN run.attempt > 1 THEN 'attempt ' || run.attempt ELSE '' END FROM run
  UNION ALL
  SELECT run.flow_id, '', %(actor)s, %(now)s, prior.status, 'running', 'A worker took the flow' FROM run, prior
  WHERE prior.status <> 'running'
  RETURNING id
)
SELECT run.*, tally.done, tally.total, moved.started_at, moved.message, (SELECT array_agg(id ORDER BY id) FROM events)
FROM run, tally, moved"""
    complete = f"""
WITH prior AS (
  SELECT f.id, f.type, f.status FROM {flow} f WHERE f.id = %(flow)s AND f.status <> 'cancelled'
), run AS (
  UPDATE {run} p SET status = 'completed', output = %(output)s, progress = 100, lease_expires_at = NULL,
    finished_at = %(now)s, message = %(message)s
  FROM prior
  WHERE p.id = %(run)s AND p.flow_id = prior.id AND p.status = 'running' AND p.worker_id = %(worker)s
  RETURNING {_columns(PhaseRun, "p")}
), following AS (
  SELECT s.id, s.name FROM {run} s
  WHERE s.flow_id = %(flow)s AND s.status = 'pending' AND EXISTS (SELECT 1 FROM run)
  ORDER BY s."order" LIMIT 1
), queued AS (
  UPDATE {run} q SET enqueued_at = %(now)s FROM following, prior
  WHERE q.id = following.id AND prior.status = 'running'
  RETURNING q.id
), tally AS (
  SELECT count(*) AS total, count(*) FILTER (WHERE s.status IN ({done}) OR s.id = %(run)s) AS done,
    COALESCE(sum(s.progress) FILTER (WHERE s.status = 'running' AND s.id <> %(run)s), 0) AS running
  FROM {run} s WHERE s.flow_id = %(flow)s
), moved AS (
  UPDATE {flow} f SET
    current_phase = COALESCE(following.name, ''),
    message = CASE WHEN following.id IS NULL THEN 'Completed'
      WHEN prior.status = 'running' THEN LEFT({label.format(name="following.name")} || ': queued', 500)
      ELSE f.message END,
    status = CASE WHEN following.id IS NULL THEN 'completed' ELSE f.status END,
    finished_at = CASE WHEN following.id IS NULL THEN %(now)s ELSE f.finished_at END,
    progress = LEAST(100, floor(100 * (tally.done + tally.running / 100.0) / GREATEST(tally.total, 1)))::int,
    updated_at = %(now)s
  FROM run CROSS JOIN prior CROSS JOIN tally LEFT JOIN following ON TRUE
  WHERE f.id = run.flow_id
  RETURNING f.status, f.current_phase, f.message, f.progress, f.finished_at
), events AS (
  {events}
  SELECT run.flow_id, run.name, %(actor)s, %(now)s, 'running', 'completed', %(message)s FROM run
  UNION ALL
  SELECT run.flow_id, '', %(actor)s, %(now)s, prior.status, 'completed', 'Every phase is done' FROM run, prior
  WHERE prior.status <> 'completed' AND NOT EXISTS (SELECT 1 FROM following)
  RETURNING id
)
SELECT run.*, moved.status, moved.current_phase, moved.message, moved.progress, moved.finished_at, following.id,
  (SELECT array_agg(id ORDER BY id) FROM events)
FROM run CROSS JOIN moved LEFT JOIN following ON TRUE"""
    return {
        "claim": lock.format(flow_id=f"(SELECT flow_id FROM {run} WHERE id = %(run)s)") + claim,
        # Its own transaction (see phase_claim): its commit need not wait for the disk.
        "claim_alone": "SET LOCAL synchronous_commit = off;\n"
        + lock.format(flow_id=f"(SELECT flow_id FROM {run} WHERE id = %(run)s)")
        + claim,
        "complete": lock.format(flow_id="%(flow)s") + complete,
    }


def _from_row(model: type[_Row], values: Sequence[Any]) -> _Row:
    """A model instance from its concrete columns as a raw cursor returns them (JSON arrives as text)."""
    fields = model._meta.concrete_fields
    converted = [
        json.loads(value) if isinstance(field, JSONField) and isinstance(value, str) else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def _locked_flow(values: Sequence[Any]) -> Flow:
    """The flow as the first statement of `claim` and `complete` locked it: its columns, its creator's id and email."""
    count = len(Flow._meta.concrete_fields)
    flow = _from_row(Flow, values[:count])
    user_id, email = values[count : count + 2]
    if user_id is not None:
        user = User.from_db(connection.alias, ["id", "email"], [user_id, email])
        Flow._meta.get_field("created_by").set_cached_value(flow, user)
    return flow


def _new_event(flow: Flow, pk: int, **values: Any) -> FlowEvent:
    event = FlowEvent(pk=pk, flow=flow, **values)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def phase_claim(*, phase_run_id: int, worker_id: str) -> PhaseRun | None:
    """Take the lease of a pending phase whose turn it is; None if it is held, done, or not its turn.

    One round trip. Outside a transaction, the message's statements are a transaction of their own whose commit
    does not wait for the disk (synchronous_commit off, for it alone): a claim lost to a database crash leaves the
    phase pending with none of its work committed (that commits with the completion, which does wait), its worker
    finds the lease gone at its next heartbeat, and the watchdog sends the phase again.
    """
    now = timezone.now()
    actor = f"worker {worker_id}"[:254]
    params: dict[str, Any] = {
        "run": phase_run_id,
        "worker": worker_id,
        "now": now,
        "expires": now + timedelta(seconds=lease_seconds()),
        "actor": actor,
        "labels": registry.labels_json(),
    }
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # the caller's transaction: commits with it
            cursor.execute(_sql()["claim"], params)
        else:
            cursor.execute(_sql()["claim_alone"], params)
            cursor.nextset()
        locked = cursor.fetchone()
        cursor.nextset()
        row = cursor.fetchone()
    if locked is None or row is None:
        return None
    flow = _locked_flow(locked)
    before = flow.status
    count = len(PhaseRun._meta.concrete_fields)
    run = _from_row(PhaseRun, row[:count])
    run.phases_done, run.phases_total, flow.started_at, flow.message, event_ids = row[count:]  # type: ignore[attr-defined]
    flow.status, flow.current_phase, flow.finished_at, flow.updated_at = FlowStatus.RUNNING, run.name, None, now
    events = [
        _new_event(
            flow,
            event_ids[0],
            phase=run.name,
            actor=actor,
            created_at=now,
            from_status=PhaseStatus.PENDING,
            to_status=PhaseStatus.RUNNING,
            detail=f"attempt {run.attempt}" if run.attempt > 1 else "",
        )
    ]
    if before != FlowStatus.RUNNING:
        events.append(
            _new_event(
                flow,
                event_ids[1],
                phase="",
                actor=actor,
                created_at=now,
                from_status=before,
                to_status=FlowStatus.RUNNING,
                detail="A worker took the flow",
            )
        )
    _announce_on_commit(_Announcement(flow=flow, phases=[run], events=events))  # at once outside a transaction
    run.flow = flow
    return run


def phase_execute(*, phase_run_id: int, worker_id: str) -> str:
    """Run one phase under its lease: claim, run the phase's function in a transaction, record the outcome."""
    run = phase_claim(phase_run_id=phase_run_id, worker_id=worker_id)
    if run is None:
        return "not claimed"
    flow = run.flow
    schema = current_schema()
    lease = Lease(schema=schema, phase_run_id=run.pk, flow_id=flow.pk, worker_id=worker_id)
    try:
        spec = registry.phase_spec(flow.type, run.name)
    except registry.RegistryError as error:
        _phase_fail(run_id=run.pk, worker_id=worker_id, error=error, trace="")
        return "failed"
    ctx = PhaseContext(
        flow=flow,
        phase_run=run,
        spec=spec,
        lease=lease,
        phases_done=run.phases_done,  # type: ignore[attr-defined]
        phases_total=run.phases_total,  # type: ignore[attr-defined]
        announce=_progress_announcer(schema),
    )
    lease.start()
    try:
        with transaction.atomic():
            output = spec.run(ctx) or {}
            if not isinstance(output, dict):
                raise TypeError(f"A phase returns a dict; {run.name} returned {type(output).__name__}.")
            lease.stop()
            _phase_finish(run_id=run.pk, flow_id=flow.pk, worker_id=worker_id, output=output, gate=spec.gate)
    except PhaseInterrupted as stop:
        lease.stop()
        _phase_interrupted(run_id=run.pk, worker_id=worker_id, reason=stop.reason)
        return f"interrupted ({stop.reason})"
    except Exception as error:  # noqa: BLE001 - any error of a phase fails it, with its message and traceback
        lease.stop()
        _phase_fail(run_id=run.pk, worker_id=worker_id, error=error, trace=traceback.format_exc())
        return "failed"
    finally:
        lease.stop()
    return "waiting" if spec.gate else "completed"


def _phase_finish(*, run_id: int, flow_id: int, worker_id: str, output: dict[str, Any], gate: bool) -> None:
    """Inside the phase's own transaction, so its outputs and its completion commit together or not at all."""
    if gate:
        _gate_reached(run_id=run_id, flow_id=flow_id, worker_id=worker_id, output=output)
        return
    now = timezone.now()
    actor = f"worker {worker_id}"[:254]
    message = str(output.get("summary") or "Done")[:500]
    params: dict[str, Any] = {
        "run": run_id,
        "flow": flow_id,
        "worker": worker_id,
        "now": now,
        "output": PhaseRun._meta.get_field("output").get_db_prep_value(output, connection),
        "message": message,
        "actor": actor,
        "labels": registry.labels_json(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql()["complete"], params)
        locked = cursor.fetchone()
        cursor.nextset()
        row = cursor.fetchone()
    flow = _locked_flow(locked) if locked is not None else None
    if flow is None or row is None:
        # The lease was lost or the flow cancelled: _phase_interrupted decides, once it has checked whose it is.
        raise PhaseInterrupted(
            "cancelled" if flow is not None and flow.status == FlowStatus.CANCELLED else "lease lost"
        )
    before = flow.status
    count = len(PhaseRun._meta.concrete_fields)
    run = _from_row(PhaseRun, row[:count])
    flow.status, flow.current_phase, flow.message, flow.progress, flow.finished_at, following, event_ids = row[count:]
    flow.updated_at = now
    events = [
        _new_event(
            flow,
            event_ids[0],
            phase=run.name,
            actor=actor,
            created_at=now,
            from_status=PhaseStatus.RUNNING,
            to_status=PhaseStatus.COMPLETED,
            detail=message,
        )
    ]
    if len(event_ids) > 1:
        events.append(
            _new_event(
                flow,
                event_ids[1],
                phase="",
                actor=actor,
                created_at=now,
                from_status=before,
                to_status=FlowStatus.COMPLETED,
                detail="Every phase is done",
            )
        )
    note = _Announcement(flow=flow, phases=[run], events=events)
    if following is not None and before == FlowStatus.RUNNING:
        _queue(run_id=following, flow_id=flow_id, note=note)
    _announce_on_commit(note)


def _gate_reached(*, run_id: int, flow_id: int, worker_id: str, output: dict[str, Any]) -> None:
    """A gate phase's work is done: it waits for a decision, and so does the flow."""
    flow = _lock_flow(flow_id)
    run = _lock_phase(run_id)
    if run.status != PhaseStatus.RUNNING or run.worker_id != worker_id:
        raise PhaseInterrupted("lease lost")
    if flow.status == FlowStatus.CANCELLED:
        raise PhaseInterrupted("cancelled")
    note = _Announcement(flow=flow)
    actor = f"worker {worker_id}"
    run.output = output
    run.progress = 100
    run.lease_expires_at = None
    run.message = str(output.get("prompt") or "Waiting for a decision")[:500]
    _set_phase_status(note, run, PhaseStatus.WAITING_FOR_INPUT, actor=actor, detail=run.message)
    flow.message = f"{_label(flow, run.name)}: waiting for a decision"
    if flow.status in (FlowStatus.RUNNING, FlowStatus.PENDING):
        _set_flow_status(note, FlowStatus.WAITING_FOR_INPUT, actor=actor, detail=flow.message)
    _save(note, run)


def _phase_fail(*, run_id: int, worker_id: str, error: BaseException, trace: str) -> None:
    with transaction.atomic():
        run = PhaseRun.objects.only("flow_id").get(pk=run_id)
        flow = _lock_flow(run.flow_id)
        run = _lock_phase(run_id)
        if run.status != PhaseStatus.RUNNING or run.worker_id != worker_id:
            return  # no longer ours: whoever holds it now decides
        note = _Announcement(flow=flow)
        message = _error_message(error)
        run.error_message = message
        run.error_traceback = trace
        run.finished_at = timezone.now()
        run.lease_expires_at = None
        run.message = "Failed"
        _set_phase_status(note, run, PhaseStatus.FAILED, actor=f"worker {worker_id}", detail=message)
        if flow.status != FlowStatus.CANCELLED:
            flow.message = f"{_label(flow, run.name)} failed: {message}"[:500]
            _set_flow_status(note, FlowStatus.FAILED, actor=f"worker {worker_id}", detail=flow.message)
        _save(note, run)


def _error_message(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _phase_interrupted(*, run_id: int, worker_id: str, reason: str) -> None:
    """The worker stopped the phase at a checkpoint: record why, and carry on if the flow was resumed since."""
    with transaction.atomic():
        run = PhaseRun.objects.only("flow_id").get(pk=run_id)
        flow = _lock_flow(run.flow_id)
        run = _lock_phase(run_id)
        if run.status != PhaseStatus.RUNNING or run.worker_id != worker_id:
            return  # the lease was lost: the phase belongs to someone else now
        note = _Announcement(flow=flow)
        actor = f"worker {worker_id}"
        run.lease_expires_at = None
        if flow.status == FlowStatus.CANCELLED:
            run.finished_at = timezone.now()
            run.message = "Cancelled"
            _set_phase_status(note, run, PhaseStatus.CANCELLED, actor=actor, detail="Stopped: the flow was cancelled")
        elif flow.status == FlowStatus.PAUSED:
            run.message = f"Paused at {run.progress}%: runs again from the start on resume"
            run.progress = 0
            _set_phase_status(note, run, PhaseStatus.PENDING, actor=actor, detail="Stopped: the flow was paused")
        else:  # resumed before the worker noticed the pause: run it again
            run.message = "Queued"
            run.progress = 0
            _set_phase_status(note, run, PhaseStatus.PENDING, actor=actor, detail=f"Stopped ({reason}); queued again")
            _schedule(run, note=note)
        _save(note, run)


def flow_run_inline(
    *, flow: Flow, worker_id: str | None = None, after_phase: Callable[[PhaseRun], object] | None = None
) -> Flow:
    """Run the flow's phases one after the other in this process until it ends, waits, pauses or fails.

    Returns early, with the flow still running, if a worker took a phase first (the caller then waits).
    """
    worker_id = worker_id or f"inline@{worker_identity()}"
    queued: dict[int, int] = {}
    token = _inline_queued.set(queued)
    try:
        with running_inline():
            return _run_inline(flow=flow, worker_id=worker_id, after_phase=after_phase, queued=queued)
    finally:
        _inline_queued.reset(token)


def _run_inline(
    *, flow: Flow, worker_id: str, after_phase: Callable[[PhaseRun], object] | None, queued: dict[int, int]
) -> Flow:
    while True:
        # The phase the last phase's completion queued; else the next pending phase of a flow still pending or
        # running, in one query. Either way phase_claim checks again, under the locks, that it may run now.
        following = queued.pop(flow.pk, None)
        if following is None:
            following = (
                PhaseRun.objects.filter(
                    flow_id=flow.pk,
                    status=PhaseStatus.PENDING,
                    flow__status__in=(FlowStatus.PENDING, FlowStatus.RUNNING),
                )
                .order_by("order")
                .values_list("pk", flat=True)
                .first()
            )
        if following is None or phase_execute(phase_run_id=following, worker_id=worker_id) == "not claimed":
            flow.refresh_from_db()
            return flow
        if after_phase is not None:
            after_phase(PhaseRun.objects.get(pk=following))


# --- what people do ---------------------------------------------------------------------------------------


def _refuse(flow: Flow, action: str, allowed: Sequence[str]) -> None:
    if flow.status not in allowed:
        raise FlowStateError(f"Cannot {action} this flow: it is {flow.get_status_display().lower()}.")


def flow_pause(*, flow: Flow, user: User | None = None, actor: str | None = None) -> Flow:
    """Stop before the next phase; a running phase stops at its next checkpoint and runs again on resume."""
    with transaction.atomic():
        flow = _lock_flow(flow.pk)
        _refuse(flow, "pause", (FlowStatus.PENDING, FlowStatus.RUNNING))
        note = _Announcement(flow=flow, table=False)
        running = flow.phases.filter(status=PhaseStatus.RUNNING).exists()
        flow.message = "Paused: the running phase stops at its next checkpoint" if running else "Paused"
        _set_flow_status(note, FlowStatus.PAUSED, actor=actor_for(user, actor), detail=flow.message)
        _save(note)
    return flow


def flow_resume(*, flow: Flow, user: User | None = None, actor: str | None = None) -> Flow:
    with transaction.atomic():
        flow = _lock_flow(flow.pk)
        _refuse(flow, "resume", (FlowStatus.PAUSED,))
        note = _Announcement(flow=flow)
        who = actor_for(user, actor)
        phases = list(flow.phases.select_for_update().order_by("order"))
        waiting = next((p for p in phases if p.status == PhaseStatus.WAITING_FOR_INPUT), None)
        running = next((p for p in phases if p.status == PhaseStatus.RUNNING), None)
        if waiting is not None:
            flow.message = f"{_label(flow, waiting.name)}: waiting for a decision"
            _set_flow_status(note, FlowStatus.WAITING_FOR_INPUT, actor=who, detail="Resumed")
        else:
            _set_flow_status(note, FlowStatus.RUNNING, actor=who, detail="Resumed")
            if running is None:
                for phase in phases:
                    if phase.status == PhaseStatus.PENDING:
                        phase.auto_attempts = 0
                        phase.save(update_fields=["auto_attempts"])
                        break
                _advance(note, actor=who)
            else:
                flow.message = f"{_label(flow, running.name)}: running"
        _save(note)
    return flow


def flow_cancel(*, flow: Flow, user: User | None = None, actor: str | None = None) -> Flow:
    """End the flow: phases not started are cancelled; a running one stops at its next checkpoint."""
    with transaction.atomic():
        flow = _lock_flow(flow.pk)
        _refuse(flow, "cancel", ACTIVE_FLOW_STATUSES)
        note = _Announcement(flow=flow)
        who = actor_for(user, actor)
        now = timezone.now()
        for run in flow.phases.select_for_update().filter(
            status__in=(PhaseStatus.PENDING, PhaseStatus.WAITING_FOR_INPUT)
        ):
            run.finished_at = now if run.status == PhaseStatus.WAITING_FOR_INPUT else None
            run.message = "Cancelled"
            _set_phase_status(note, run, PhaseStatus.CANCELLED, actor=who, event=False)
            run.save()
        flow.message = "Cancelled"
        _set_flow_status(note, FlowStatus.CANCELLED, actor=who)
        _save(note)
    return flow


def phase_retry(*, flow: Flow, user: User | None = None, actor: str | None = None, phase: str = "") -> Flow:
    """Run a failed flow's failed phase again (its outputs are replaced) and carry on from there."""
    with transaction.atomic():
        flow = _lock_flow(flow.pk)
        _refuse(flow, "retry", (FlowStatus.FAILED,))
        runs = flow.phases.select_for_update().filter(status=PhaseStatus.FAILED)
        if phase:
            runs = runs.filter(name=phase)
        run = runs.order_by("order").first()
        if run is None:
            raise FlowStateError(f"No failed phase{' ' + phase if phase else ''} to retry in this flow.")
        note = _Announcement(flow=flow)
        who = actor_for(user, actor)
        run.auto_attempts = 0
        run.retry_at = None
        run.progress = 0
        run.message = "Queued for retry"
        _set_phase_status(note, run, PhaseStatus.PENDING, actor=who, detail="Retry")
        run.save()
        # Phases after it that never ran (cancelled by a cancel, say) run again too.
        flow.current_phase = run.name
        flow.message = f"{_label(flow, run.name)}: queued for retry"
        _set_flow_status(note, FlowStatus.PENDING, actor=who, detail=f"Retry of {_label(flow, run.name)}")
        _schedule(run, note=note)
        _save(note, run)
    return flow


def gate_approve(
    *,
    flow: Flow,
    user: User | None,
    actor: str | None = None,
    decision: dict[str, Any] | None = None,
    comment: str = "",
) -> Flow:
    """Pass the gate the flow waits at with a decision (default: the gate's suggestion), and carry on.

    Who may approve is the gate's `approve_role`; callers check it (views, API, command).
    """
    with transaction.atomic():
        flow = _lock_flow(flow.pk)
        _refuse(flow, "approve", (FlowStatus.WAITING_FOR_INPUT,))
        run = flow.phases.select_for_update().filter(status=PhaseStatus.WAITING_FOR_INPUT).first()
        if run is None:
            raise FlowStateError("This flow is not waiting for a decision.")
        spec = registry.phase_spec(flow.type, run.name)
        answer = decision if decision is not None else (run.output or {}).get("suggestion", {})
        if spec.on_approve is not None:
            spec.on_approve(phase_run=run, decision=answer, user=user)
        note = _Announcement(flow=flow)
        who = actor_for(user, actor)
        now = timezone.now()
        run.decision = {"answer": answer, "comment": comment.strip(), "by": who}
        run.decided_by = user
        run.decided_at = now
        run.finished_at = now
        run.message = f"Approved by {who}"[:500]
        detail = f"Approved{': ' + comment.strip() if comment.strip() else ''}"
        _set_phase_status(note, run, PhaseStatus.COMPLETED, actor=who, detail=detail)
        _set_flow_status(note, FlowStatus.RUNNING, actor=who, detail=f"{_label(flow, run.name)}: decided")
        _advance(note, actor=who)
        _save(note, run)
    return flow


# --- the watchdog -----------------------------------------------------------------------------------------


@dataclass
class SweepReport:
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"retried": self.retried, "failed": self.failed, "requeued": self.requeued}


def client_schemas() -> list[str]:
    """Every client's schema (not the public one, not the template new clients are cloned from)."""
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        return list(
            get_tenant_model()
            .objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA])
            .values_list("schema_name", flat=True)
        )


def watchdog_sweep(*, schemas: Sequence[str] | None = None) -> SweepReport:
    """Recover phases whose worker died (expired lease) and resend phases whose task was lost, in every client."""
    report = SweepReport()
    for schema in schemas if schemas is not None else client_schemas():
        with schema_context(schema):
            now = timezone.now()
            stale = PhaseRun.objects.filter(status=PhaseStatus.RUNNING, lease_expires_at__lt=now)
            for run_id in stale.values_list("pk", flat=True):
                _recover(run_id=run_id, now=now, report=report, schema=schema)
            _resend_lost(now=now, report=report, schema=schema)
    return report


def _recover(*, run_id: int, now: datetime, report: SweepReport, schema: str) -> None:
    with transaction.atomic():
        run = PhaseRun.objects.only("flow_id").get(pk=run_id)
        flow = _lock_flow(run.flow_id)
        run = _lock_phase(run_id)
        if run.status != PhaseStatus.RUNNING or run.lease_expires_at is None or run.lease_expires_at >= now:
            return  # renewed or finished meanwhile
        note = _Announcement(flow=flow)
        label = f"{schema}:{flow.pk}:{run.name}"
        lost = run.worker_id or "unknown"
        seen = run.heartbeat_at.strftime("%H:%M:%S UTC") if run.heartbeat_at else "never"
        run.lease_expires_at = None
        if flow.status == FlowStatus.CANCELLED:
            run.finished_at = now
            run.message = "Cancelled"
            _set_phase_status(note, run, PhaseStatus.CANCELLED, actor=WATCHDOG, detail=f"Worker {lost} had stopped")
        elif flow.status == FlowStatus.PAUSED:
            run.progress = 0
            run.message = "Paused; its worker had stopped: runs again on resume"
            _set_phase_status(note, run, PhaseStatus.PENDING, actor=WATCHDOG, detail=f"Worker {lost} had stopped")
        elif run.auto_attempts >= max_attempts():
            message = (
                f"The worker running this phase ({lost}) stopped sending heartbeats (last at {seen}); "
                f"gave up after {run.auto_attempts} attempts. Retry the phase once the workers are healthy."
            )
            run.error_message = message
            run.finished_at = now
            run.message = "Failed: its worker stopped responding"
            _set_phase_status(note, run, PhaseStatus.FAILED, actor=WATCHDOG, detail=message)
            flow.message = f"{_label(flow, run.name)} failed: its worker stopped responding"
            _set_flow_status(note, FlowStatus.FAILED, actor=WATCHDOG, detail=flow.message)
            report.failed.append(label)
        else:
            wait = retry_backoff(attempts=run.auto_attempts)
            run.retry_at = now + timedelta(seconds=wait)
            run.progress = 0
            run.message = (
                f"Its worker stopped responding; retrying in {wait:.0f} s "
                f"(attempt {run.auto_attempts + 1} of {max_attempts()})"
            )
            detail = f"Worker {lost} stopped sending heartbeats (last at {seen}); retrying in {wait:.0f} s"
            _set_phase_status(note, run, PhaseStatus.PENDING, actor=WATCHDOG, detail=detail)
            flow.message = f"{_label(flow, run.name)}: {run.message}"[:500]
            _set_flow_status(note, FlowStatus.PENDING, actor=WATCHDOG, detail="Waiting for a worker")
            _schedule(run, countdown=wait, note=note)
            report.retried.append(label)
        _save(note, run)


def _its_turn() -> Q:
    """A pending phase's turn has come: no phase of its flow runs and every earlier one is done."""
    blocking = PhaseRun.objects.filter(flow_id=OuterRef("flow_id")).filter(
        Q(status=PhaseStatus.RUNNING) | (Q(order__lt=OuterRef("order")) & ~Q(status__in=DONE_PHASE_STATUSES))
    )
    return Q(status=PhaseStatus.PENDING) & ~Q(Exists(blocking))


def _resend_lost(*, now: datetime, report: SweepReport, schema: str) -> None:
    """A pending phase whose turn it is but which no worker started: its message was lost (Redis restarted)."""
    candidates = (
        PhaseRun.objects.filter(_its_turn(), flow__status__in=(FlowStatus.PENDING, FlowStatus.RUNNING))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after()))
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .values_list("pk", flat=True)
    )
    for run_id in candidates:
        sent = _resend(run_id=run_id, now=now)
        if sent is not None:
            report.requeued.append(f"{schema}:{sent.flow_id}:{sent.name}")


def _resend(*, run_id: int, now: datetime) -> PhaseRun | None:
    """Send a lost phase's task again and say so in the flow's history; None if it was started or sent meanwhile."""
    with transaction.atomic():
        flow_id = PhaseRun.objects.filter(pk=run_id).values_list("flow_id", flat=True).first()
        if flow_id is None:
            return None  # its flow was deleted meanwhile
        flow = _lock_flow(flow_id)
        # Checked again under the flow's lock, which every change of its phases takes first.
        run = PhaseRun.objects.select_for_update().filter(_its_turn(), pk=run_id).first()
        if (
            run is None
            or flow.status not in (FlowStatus.PENDING, FlowStatus.RUNNING)
            or (run.enqueued_at is not None and run.enqueued_at >= now - requeue_after())
            or (run.retry_at is not None and run.retry_at > now)
        ):
            return None
        attempt = f"attempt {run.auto_attempts + 1} of {max_attempts()}"
        if run.enqueued_at is None:
            why = "no task had been sent for it"
        else:
            waited = (now - run.enqueued_at).total_seconds()
            why = (
                f"its task, queued at {run.enqueued_at:%H:%M:%S} UTC, was not started by any worker in {waited:.0f} s "
                "and was probably lost (a Redis restart empties the queue)"
            )
        note = _Announcement(flow=flow, phases=[run])
        _event(note, actor=WATCHDOG, phase=run.name, detail=f"Sent {_label(flow, run.name)} again ({attempt}): {why}")
        _schedule(run, note=note)
        _announce_on_commit(note)
    return run


# --- health -----------------------------------------------------------------------------------------------


def stuck_phases(*, now: datetime | None = None) -> list[dict[str, Any]]:
    """Running phases whose lease has expired, in every client (the watchdog will recover them)."""
    now = now or timezone.now()
    found: list[dict[str, Any]] = []
    for schema in client_schemas():
        with schema_context(schema):
            for run in PhaseRun.objects.filter(status=PhaseStatus.RUNNING, lease_expires_at__lt=now).only(
                "flow_id", "name", "worker_id", "lease_expires_at"
            ):
                found.append(
                    {
                        "client": schema,
                        "flow": run.flow_id,
                        "phase": run.name,
                        "worker": run.worker_id,
                        "expired_seconds_ago": round((now - run.lease_expires_at).total_seconds(), 1)
                        if run.lease_expires_at
                        else None,
                    }
                )
    return found
