"""ASGI middleware that resolves the client from the Host header, as TenantMainMiddleware does for HTTP."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django_tenants.utils import remove_www, schema_context

from .models import Domain


@database_sync_to_async
def client_for_host(host: str) -> Any:
    hostname = remove_www(host.split(":")[0].lower())
    with schema_context("public"):
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None or domain.tenant.schema_name == "public":
        return None
    return domain.tenant


class TenantASGIMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        scope = dict(scope, tenant=await client_for_host(host))
        return await self.inner(scope, receive, send)
