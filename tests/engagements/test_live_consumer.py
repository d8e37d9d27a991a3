"""The engagement WebSocket through the real Redis channel layer, signed in with a real session cookie."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django_tenants.utils import schema_context

from engagements.live import engagement_broadcast
from engagements.models import Engagement
from migration_platform.asgi import application
from tests.conftest import http
from tests.factories import Team


def session_cookie(host: str, user: Any) -> bytes:
    client = http(host, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def communicator(host: str, path: str, cookie: bytes | None) -> WebsocketCommunicator:
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode())]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.fixture
def live(live_tenant: Team, django_db_blocker: Any) -> Iterator[tuple[Team, int, bytes]]:
    # The consumer reads the session and the engagement from other threads: the rows are committed and
    # database access stays open for the whole test.
    with django_db_blocker.unblock():
        with schema_context(live_tenant.client.schema_name):
            engagement = Engagement.objects.create(name="Live one")
        cookie = session_cookie(live_tenant.host, live_tenant.viewer)
        yield live_tenant, engagement.pk, cookie


@pytest.mark.asyncio
async def test_a_member_connects_sees_live_and_receives_broadcast_fragments(live: tuple[Team, int, bytes]) -> None:
    team, pk, cookie = live
    ws = communicator(team.host, f"/ws/engagements/{pk}/", cookie)
    connected, _ = await ws.connect()
    assert connected
    assert 'id="live-status"' in await ws.receive_from()

    def send() -> None:
        with schema_context(team.client.schema_name):
            engagement_broadcast(
                engagement_id=pk, template_name="engagements/_live_status.html", context={"connected": True}
            )

    await sync_to_async(send)()
    assert "Live" in await ws.receive_from(timeout=5)
    await ws.disconnect()


@pytest.mark.asyncio
async def test_an_anonymous_socket_is_refused(live: tuple[Team, int, bytes]) -> None:
    team, pk, _ = live
    connected, _ = await communicator(team.host, f"/ws/engagements/{pk}/", None).connect()
    assert not connected


@pytest.mark.asyncio
async def test_a_member_of_another_client_is_refused(live: tuple[Team, int, bytes]) -> None:
    team, pk, _ = live
    cookie = await sync_to_async(session_cookie)(team.host, team.outsider)
    connected, _ = await communicator(team.host, f"/ws/engagements/{pk}/", cookie).connect()
    assert not connected


@pytest.mark.asyncio
async def test_a_broadcast_reaches_only_its_own_clients_engagement(live: tuple[Team, int, bytes]) -> None:
    team, pk, cookie = live
    ws = communicator(team.host, f"/ws/engagements/{pk}/", cookie)
    await ws.connect()
    await ws.receive_from()

    def send_elsewhere() -> None:
        with schema_context("acme"):  # the same engagement id in another client's schema
            engagement_broadcast(engagement_id=pk, template_name="engagements/_live_status.html", context={})

    await sync_to_async(send_elsewhere)()
    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()
