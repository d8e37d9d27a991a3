"""Live updates: one channel-layer group per engagement, carrying server-rendered fragments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.template.loader import render_to_string

from tenants.db import current_schema


def engagement_group(*, schema_name: str, engagement_id: int) -> str:
    # Group names carry the schema so two clients' engagement 1 never share a group.
    return f"t.{schema_name}.engagement.{engagement_id}"


def broadcast_html(*, group: str, html: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, {"type": "fragment", "html": html})


def engagement_broadcast(*, engagement_id: int, template_name: str, context: dict[str, Any]) -> str:
    """Render a partial (which carries its own id and hx-swap-oob) and send it to the engagement's pages."""
    html = render_to_string(template_name, context)
    broadcast_html(group=engagement_group(schema_name=current_schema(), engagement_id=engagement_id), html=html)
    return html


# Apps add functions (engagement id, the socket URL's query parameters) -> fragments, sent to a page each time its
# socket (re)connects so that it catches up on what changed while it was away. Called inside the client's schema.
CatchUp = Callable[[int, Mapping[str, str]], list[str]]
CATCH_UP: list[CatchUp] = []
