"""What a phase function receives: the flow, its input, and one small API to report progress and stop."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import psycopg

from .lease import Lease
from .models import FlowStatus, PhaseRun

if TYPE_CHECKING:
    from engagements.models import Engagement

    from .models import Flow
    from .registry import PhaseSpec

logger = logging.getLogger(__name__)

# Progress is written and broadcast at most this often (a phase may call ctx.progress once per row).
PROGRESS_INTERVAL_SECONDS = 0.2


class PhaseInterrupted(BaseException):
    """The flow was paused or cancelled, or the lease was lost: stop now; the phase's transaction rolls back.

    A BaseException so that a phase's `except Exception` (an AI fallback, say) cannot swallow it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PhaseContext:
    """Given to a phase function. Report with `progress()`; call `check_cancelled()` in long loops."""

    def __init__(
        self,
        *,
        flow: Flow,
        phase_run: PhaseRun,
        spec: PhaseSpec,
        lease: Lease,
        phases_done: int,
        phases_total: int,
        announce: Any,
    ) -> None:
        self.flow = flow
        self.phase_run = phase_run
        self.spec = spec
        self._lease = lease
        self._phases_done = phases_done
        self._phases_total = max(1, phases_total)
        self._announce = announce
        self._last_flush = 0.0
        self._dirty = False

    @property
    def engagement(self) -> Engagement:
        return self.flow.engagement

    @property
    def input(self) -> dict[str, Any]:
        return dict(self.flow.input or {})

    @property
    def attempt(self) -> int:
        return self.phase_run.attempt

    def output_of(self, phase: str) -> dict[str, Any]:
        """The output of an earlier phase of this flow (empty if it produced none)."""
        run = PhaseRun.objects.filter(flow_id=self.flow.pk, name=phase).only("output").first()
        return dict(run.output or {}) if run else {}

    def decision_of(self, phase: str) -> dict[str, Any] | None:
        """What a person decided at an earlier gate of this flow."""
        run = PhaseRun.objects.filter(flow_id=self.flow.pk, name=phase).only("decision").first()
        return run.decision if run else None

    def progress(self, done: float, total: float | None = None, message: str | None = None) -> None:
        """Report `done` of `total` (or a percentage when total is None) and what is happening now.

        Cheap to call per item: it is written and broadcast at most every 0.2 s, and it also checks whether
        the flow was paused or cancelled (raising PhaseInterrupted).
        """
        if total:
            percent = int(100 * max(0.0, min(float(done), float(total))) / float(total))
        else:
            percent = int(max(0.0, min(float(done), 100.0)))
        self.phase_run.progress = percent
        if message is not None:
            self.phase_run.message = message[:500]
        self._dirty = True
        finished = total is not None and done >= total
        if finished or time.monotonic() - self._last_flush >= PROGRESS_INTERVAL_SECONDS:
            self._flush()
        self._raise_if_stopped()

    def say(self, message: str) -> None:
        """Change the current message only."""
        self.progress(self.phase_run.progress, None, message)

    def check_cancelled(self) -> None:
        """Raise PhaseInterrupted if the flow was paused or cancelled (checked against the database every 0.2 s)."""
        if time.monotonic() - self._last_flush >= PROGRESS_INTERVAL_SECONDS:
            self._flush()
        self._raise_if_stopped()

    @property
    def flow_progress(self) -> int:
        fraction = (self._phases_done + self.phase_run.progress / 100) / self._phases_total
        return min(100, int(100 * fraction))

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        dirty, self._dirty = self._dirty, False
        try:
            if dirty:
                message = self.phase_run.message
                self.flow.progress = self.flow_progress
                self.flow.message = f"{self.spec.label}: {message}" if message else self.spec.label
                self._lease.beat(
                    progress=self.phase_run.progress,
                    message=message,
                    flow_progress=self.flow.progress,
                    flow_message=self.flow.message,
                )
            else:
                self._lease.beat()
        except psycopg.Error as error:  # the heartbeat thread keeps trying; the phase carries on
            logger.warning("Progress of phase run %s not written: %s", self.phase_run.pk, error)
            return
        if dirty and self._lease.held and self._lease.flow_status == FlowStatus.RUNNING:
            self._announce(self.flow, [self.phase_run])

    def _raise_if_stopped(self) -> None:
        if not self._lease.held:
            raise PhaseInterrupted("lease lost")
        if self._lease.flow_status in (FlowStatus.PAUSED, FlowStatus.CANCELLED):
            raise PhaseInterrupted(self._lease.flow_status)
