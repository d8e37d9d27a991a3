"""Celery tasks of flows: each fetches by id and calls a service (tasks ack late; see settings)."""

from __future__ import annotations

from typing import Any

from migration_platform.celery import app

from . import services


@app.task(name="flows.run_phase", ignore_result=True, bind=True)
def run_phase(self: Any, phase_run_id: int) -> str:
    """Run one phase in the schema it was sent from; a second delivery finds the lease held and stops."""
    return services.phase_execute(
        phase_run_id=phase_run_id, worker_id=services.worker_identity(task_id=self.request.id)
    )


@app.task(name="flows.watchdog", ignore_result=True)
def watchdog() -> dict[str, list[str]]:
    """Every few seconds (Celery beat): recover phases whose worker died, resend lost ones, in every client."""
    return services.watchdog_sweep().as_dict()
