"""Inventory fixtures: an engagement of Acme with the connection in Acme's schema while the test runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from inventory import services
from tests.factories import Team


@pytest.fixture
def engagement(team: Team) -> Iterator[Engagement]:
    with schema_context(team.client.schema_name):
        yield Engagement.objects.create(name="Inventory tests")


def server(name: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "hostname": name.lower()}
    row.update(values)
    return row


def write(engagement: Engagement, rows: list[dict[str, Any]], **options: Any) -> services.AssetWriteResult:
    return services.assets_bulk_write(engagement=engagement, rows=rows, **options)
