"""Engagement tasks; the flows app adds the long-running work."""

from __future__ import annotations

from django.db import connection

from migration_platform.celery import app

from .models import Engagement


@app.task(name="engagements.count")
def engagement_count() -> dict[str, object]:
    """Count the engagements of the client the task was sent from (proves the tenant context travels)."""
    return {"schema": connection.schema_name, "engagements": Engagement.objects.count()}
