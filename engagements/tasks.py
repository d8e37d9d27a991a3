"""Engagement tasks; the flows app adds the long-running work."""

from __future__ import annotations

from migration_platform.celery import app
from tenants.db import current_schema

from .models import Engagement


@app.task(name="engagements.count")
def engagement_count() -> dict[str, object]:
    """Count the engagements of the client the task was sent from (proves the tenant context travels)."""
    return {"schema": current_schema(), "engagements": Engagement.objects.count()}
