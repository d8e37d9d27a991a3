"""A deep page of the asset table and API (found by ids first) shows the same rows, in the same order, as reading
through every row before it would, in the same number of queries as any deep page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import Engagement
from inventory import selectors
from tests.conftest import api, http
from tests.factories import Team
from tests.inventory.conftest import server, write


@pytest.fixture
def deep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "DEEP_PAGE_FROM", 4)


def test_deep_pages_hold_the_rows_of_the_plain_offset_in_order(team: Team, engagement: Engagement, deep: None) -> None:
    write(engagement, [server(f"h{n:02}", memory_mb=1024 * (n % 5), application=["CRM"]) for n in range(23)])
    for sort in ("name", "-name", "-memory_mb", "memory_mb"):
        listing = selectors.asset_list(engagement=engagement, sort=sort)
        expected = [asset.name for asset in listing][10:15]
        rows = list(selectors.page_rows(listing, 10, 15))
        assert [asset.name for asset in rows] == expected, sort
        assert all(asset.applications.all()[0].name == "CRM" for asset in rows)


def test_the_table_and_the_api_show_a_deep_page(team: Team, engagement: Engagement, deep: None) -> None:
    write(engagement, [server(f"h{n:03}") for n in range(130)])
    html = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/inventory/?page=2").content.decode()
    assert re.findall(r'class="fw-semibold">([^<]+)</a>', html) == [f"h{n:03}" for n in range(25, 50)]

    client = api(team.host, team.viewer)  # 50 a page
    with CaptureQueriesContext(connection) as second:
        body = client.get(f"/api/v1/assets/?engagement={engagement.pk}&page=2").json()
    assert [row["name"] for row in body["results"]] == [f"h{n:03}" for n in range(50, 100)]
    with CaptureQueriesContext(connection) as third:
        body = client.get(f"/api/v1/assets/?engagement={engagement.pk}&page=3").json()
    assert [row["name"] for row in body["results"]] == [f"h{n:03}" for n in range(100, 130)]
    assert len(third) == len(second)
