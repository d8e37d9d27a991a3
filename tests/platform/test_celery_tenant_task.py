"""A real Celery worker runs a task inside the schema of the client that sent it."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from engagements.models import Engagement
from engagements.tasks import engagement_count
from tests.factories import Team


def test_a_task_sent_from_a_client_runs_in_that_clients_schema(
    live_tenant: Team, celery_worker_process: str, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        with schema_context(live_tenant.client.schema_name):
            Engagement.objects.bulk_create([Engagement(name="One"), Engagement(name="Two")])
            result = engagement_count.delay()
        with schema_context("acme"):
            other = engagement_count.delay()
        assert result.get(timeout=30) == {"schema": live_tenant.client.schema_name, "engagements": 2}
        assert other.get(timeout=30) == {"schema": "acme", "engagements": 0}
