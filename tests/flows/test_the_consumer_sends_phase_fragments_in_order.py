"""The engagement's socket carries each change of a flow as server-rendered fragments, in the order they happen,
and a page that (re)connects gets the current state first."""

from __future__ import annotations

import re
from typing import Any

from channels.testing import WebsocketCommunicator
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import FlowStatus
from migration_platform.asgi import application
from tests.conftest import http
from tests.factories import Team

from .conftest import Worker, run_async, wait_for_status
from .phases import SELFTEST

PHASE_ROW = re.compile(r'<li id="phase-\d+"[^>]*data-phase="(\w+)" data-status="(\w+)"[^>]*hx-swap-oob="true"')
FLOW_SUMMARY = re.compile(r'id="flow-(\d+)-summary"[^>]*data-status="(\w+)"')


def _socket(team: Team, user: Any, path: str) -> WebsocketCommunicator:
    browser = http(team.host, user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()
    host = team.host.encode()
    return WebsocketCommunicator(
        application, path, headers=[(b"host", host), (b"origin", b"http://" + host), (b"cookie", cookie)]
    )


async def _collect_until_finished(socket: WebsocketCommunicator, flow_id: int) -> list[str]:
    messages: list[str] = []
    while True:
        message = await socket.receive_from(timeout=20)
        messages.append(message)
        if any(int(pk) == flow_id and status == "completed" for pk, status in FLOW_SUMMARY.findall(message)):
            return messages


def test_the_socket_receives_each_phase_change_in_order(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    socket = _socket(tenant, tenant.viewer, f"/ws/engagements/{engagement.pk}/?flows=1")

    async def scenario() -> list[str]:
        connected, _ = await socket.connect()
        assert connected
        assert "Live" in await socket.receive_from()  # the live badge
        assert 'id="engagement-' in await socket.receive_from()  # catch-up: the engagement's flows
        flow = await _start()
        try:
            return await _collect_until_finished(socket, flow)
        finally:
            await socket.disconnect()

    from channels.db import database_sync_to_async

    @database_sync_to_async
    def _start() -> int:
        with schema_context(schema):
            return services.flow_start(
                engagement=engagement, flow_type=SELFTEST, user=tenant.analyst, flow_input={"steps": 5, "delay": 0.25}
            ).pk

    messages = run_async(scenario)
    changes: list[tuple[str, str]] = []
    for message in messages:
        for change in PHASE_ROW.findall(message):
            if not changes or changes[-1] != change:
                changes.append(change)
    first_seen = list(dict.fromkeys(change for change in changes))
    assert first_seen == [
        ("work", "pending"),
        ("check", "pending"),
        ("finish", "pending"),
        ("work", "running"),
        ("work", "completed"),
        ("check", "running"),
        ("check", "completed"),
        ("finish", "running"),
        ("finish", "completed"),
    ]
    # Progress of the running phase arrives as it goes, and events are appended to the log.
    assert any("step 3 of 5" in message for message in messages)
    assert any('hx-swap-oob="beforeend:#flow-' in message for message in messages)
    assert wait_for_status(schema, int(FLOW_SUMMARY.findall(messages[-1])[0][0]), FlowStatus.COMPLETED)


def test_a_reconnecting_page_first_gets_the_flows_current_state(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST, flow_input={"steps": 1})
    wait_for_status(schema, flow.pk, FlowStatus.COMPLETED)
    socket = _socket(tenant, tenant.viewer, f"/ws/engagements/{engagement.pk}/?flow={flow.pk}")

    async def scenario() -> list[str]:
        connected, _ = await socket.connect()
        assert connected
        received = [await socket.receive_from(), await socket.receive_from()]
        await socket.disconnect()
        return received

    live, catch_up = run_async(scenario)
    assert "Live" in live
    assert f'id="flow-{flow.pk}-summary"' in catch_up and 'data-status="completed"' in catch_up
    assert [status for _, status in PHASE_ROW.findall(catch_up)] == ["completed", "completed", "completed"]
    assert f'<ol id="flow-{flow.pk}-events"' in catch_up  # the whole log, replacing what the page had
    assert f'hx-get="/flows/{flow.pk}/controls/"' in catch_up  # and the page fetches its own buttons again


def test_an_outsiders_socket_is_refused(tenant: Team, engagement: Engagement) -> None:
    socket = _socket(tenant, tenant.outsider, f"/ws/engagements/{engagement.pk}/?flows=1")

    async def scenario() -> tuple[bool, Any]:
        connected, code = await socket.connect()
        return connected, code

    connected, code = run_async(scenario)
    assert not connected
