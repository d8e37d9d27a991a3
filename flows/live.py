"""Live fragments of flows: rendered from the same partials the pages include, sent to the engagement's group."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterable, Mapping, Sequence

from channels.layers import get_channel_layer
from django.template.loader import render_to_string

from engagements.live import engagement_group
from tenants.db import current_schema

from .models import Flow, FlowEvent, PhaseRun

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
    """The html of one change: the flow's summary and list row, changed phases, new events (one message)."""
    parts = [render_fragment("flow_summary", flow=flow), render_fragment("flow_row", flow=flow)]
    parts += [render_fragment("phase_row", flow=flow, phase=phase) for phase in phases]
    parts += [render_fragment("event_appended", flow=flow, event=event) for event in events]
    if controls:
        # The buttons depend on who is looking (role, CSRF token), so each page fetches its own.
        parts.append(render_fragment("controls_refresh", flow=flow))
    return "".join(parts)


def flow_announce(
    *,
    flow: Flow,
    schema: str | None = None,
    phases: Sequence[PhaseRun] = (),
    events: Sequence[FlowEvent] = (),
    controls: bool = False,
    table_html: str = "",
) -> None:
    html = flow_fragments(flow=flow, phases=phases, events=events, controls=controls) + table_html
    group = engagement_group(schema_name=schema or current_schema(), engagement_id=flow.engagement_id)
    _broadcaster.send(group=group, html=html)


class _Broadcaster:
    """Sends to the channel layer from one event loop kept for the process.

    `async_to_sync` makes a new loop per call, and channels_redis a new connection per loop: about 6 ms a message.
    Kept, the loop reuses its connections (about 1 ms). Each send waits for its message to be handed over, so a
    flow's messages leave in the order of its changes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # a forked worker child starts its own
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="flows-broadcast", daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def send(self, *, group: str, html: str) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "fragment", "html": html}
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), self._running_loop())
        future.result(timeout=10)


_broadcaster = _Broadcaster()


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
