"""Live fragments of flows: rendered from the same partials the pages include, sent to the engagement's group."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import copy
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from channels.layers import get_channel_layer
from django.template.loader import render_to_string
from django.urls import get_urlconf, set_urlconf
from django.utils import timezone, translation

from engagements.live import engagement_group
from tenants.db import current_schema

from .models import Flow, FlowEvent, PhaseRun

logger = logging.getLogger(__name__)

FRAGMENTS = "flows/_fragments.html"


def render_fragment(name: str, **context: object) -> str:
    return render_to_string(f"{FRAGMENTS}#{name}", {"oob": True, **context})


def flow_fragments(
    *,
    flow: Flow,
    phases: Iterable[PhaseRun] = (),
    events: Iterable[FlowEvent] = (),
    controls: bool = False,
) -> str:
    """The html of one change: the flow's summary and list row, changed phases, new events (one message).

    One render of the `announcement` partial, which includes the same partials one after the other.
    The buttons depend on who is looking (role, CSRF token), so with `controls` each page fetches its own.
    """
    return render_fragment("announcement", flow=flow, phases=phases, events=events, controls=controls)


def flow_announce(
    *,
    flow: Flow,
    schema: str | None = None,
    phases: Sequence[PhaseRun] = (),
    events: Sequence[FlowEvent] = (),
    controls: bool = False,
    table_html: str = "",
    wait: bool = False,
) -> None:
    """Send the change's fragments to the engagement's group.

    Messages leave in the order of the calls. They are rendered on the way out, off the caller's path, from
    copies of the rows taken now (the caller goes on changing its own); with `wait`, this returns once the
    message is handed over (so that whatever the caller does next, such as queueing a task for another worker,
    cannot overtake it).
    """
    group = engagement_group(schema_name=schema or current_schema(), engagement_id=flow.engagement_id)
    flow = copy.copy(flow)
    phases = [copy.copy(phase) for phase in phases]
    events = list(events)  # never changed once written
    zone, language, urlconf = timezone.get_current_timezone(), translation.get_language(), get_urlconf()

    def render() -> str:
        set_urlconf(urlconf)
        with timezone.override(zone), translation.override(language):
            return flow_fragments(flow=flow, phases=phases, events=events, controls=controls) + table_html

    _broadcaster.send(group=group, render=render, wait=wait)


class _Broadcaster:
    """Sends to the channel layer from one event loop kept for the process.

    `async_to_sync` makes a new loop per call, and channels_redis a new connection per loop: about 6 ms a message.
    Kept, the loop reuses its connections (about 1 ms). Sends are handed to the loop in order and are rendered and
    go out one at a time in that order (a lock in the loop), so a flow's messages leave in the order of its changes
    without the caller waiting for either; a failed render or send is logged (a page missing an update catches up
    when it reconnects).
    At exit, the messages not yet sent are flushed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._order: asyncio.Lock | None = None
        self._pid = 0
        self._last: concurrent.futures.Future[None] | None = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # a forked worker child starts its own
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="flows-broadcast", daemon=True).start()
                self._loop, self._pid, self._order, self._last = loop, os.getpid(), None, None
            return self._loop

    async def _send_in_order(self, layer: Any, group: str, render: Callable[[], str]) -> None:
        if self._order is None:  # created in the loop's own thread, the only one that uses it
            self._order = asyncio.Lock()
        async with self._order:
            await layer.group_send(group, {"type": "fragment", "html": render()})

    def send(self, *, group: str, render: Callable[[], str], wait: bool = False) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        loop = self._running_loop()
        with self._lock:  # the order of hand-over to the loop is the order of sending
            future = asyncio.run_coroutine_threadsafe(self._send_in_order(layer, group, render), loop)
            self._last = future
        future.add_done_callback(_log_failure)
        if wait:
            future.result(timeout=10)

    def flush(self, timeout: float = 5) -> None:
        """Wait until every message handed over so far is sent (they go out in order: the last one suffices)."""
        last = self._last
        if last is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                last.result(timeout=timeout)


def _log_failure(future: concurrent.futures.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("Broadcasting a flow change failed: %s", future.exception())


_broadcaster = _Broadcaster()
atexit.register(_broadcaster.flush)


def flush_broadcasts(timeout: float = 5) -> None:
    """Wait until every change announced so far is rendered and sent."""
    _broadcaster.flush(timeout)


def engagement_flows_html(*, engagement_id: int) -> str:
    from .selectors import engagement_flows

    flows = engagement_flows(engagement_id=engagement_id)
    return render_fragment("engagement_flows", engagement_id=engagement_id, flows=flows)


def catch_up(engagement_id: int, params: Mapping[str, str]) -> list[str]:
    """What a page gets when its socket (re)connects: the current state of what it shows.

    `?flow=ID` is a flow's page, `?flows=1` the engagement's list of flows.
    """
    from .selectors import flow_page

    fragments: list[str] = []
    flow_id = params.get("flow", "")
    if flow_id.isdigit():
        page = flow_page(pk=int(flow_id), engagement_id=engagement_id)
        if page is not None:
            flow = page.flow
            fragments.append(
                render_fragment("flow_summary", flow=flow)
                + "".join(render_fragment("phase_row", flow=flow, phase=phase) for phase in page.phases)
                + render_fragment("events_list", flow=flow, events=page.events)
                + render_fragment("controls_refresh", flow=flow)
            )
    if params.get("flows"):
        fragments.append(engagement_flows_html(engagement_id=engagement_id))
    return fragments
