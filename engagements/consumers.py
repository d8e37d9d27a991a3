from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string
from django_tenants.utils import schema_context

from tenants.selectors import role_for

from .live import CATCH_UP, engagement_group
from .models import Engagement


class EngagementConsumer(AsyncWebsocketConsumer):
    """Joins the engagement's group for a member of the host's client; refuses everyone else."""

    group: str | None = None

    @database_sync_to_async
    def _allowed(self, engagement_id: int) -> bool:
        client = self.scope.get("tenant")
        user = self.scope.get("user")
        if client is None or user is None or not user.is_authenticated:
            return False
        with schema_context("public"):
            if role_for(user=user, client=client) is None:
                return False
        with schema_context(client.schema_name):
            return Engagement.objects.filter(pk=engagement_id).exists()

    async def connect(self) -> None:
        engagement_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if not await self._allowed(engagement_id):
            await self.close(code=4404)
            return
        self.group = engagement_group(schema_name=self.scope["tenant"].schema_name, engagement_id=engagement_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=render_to_string("engagements/_live_status.html", {"connected": True}))
        for html in await self._catch_up(engagement_id):
            await self.send(text_data=html)

    @database_sync_to_async
    def _catch_up(self, engagement_id: int) -> list[str]:
        """The current state of what the page shows (it may have missed updates while disconnected)."""
        params = {key: values[-1] for key, values in parse_qs(self.scope.get("query_string", b"").decode()).items()}
        with schema_context(self.scope["tenant"].schema_name):
            return [html for hook in CATCH_UP for html in hook(engagement_id, params)]

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The page sends nothing we act on; messages from browsers are ignored."""

    async def fragment(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["html"])
