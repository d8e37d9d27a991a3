"""Searching by an address or a host name with hyphens finds what contains the term, and only that (the
trigram index reads separators as "x"; the exact term checks what it finds)."""

from __future__ import annotations

import pytest

from engagements.models import Engagement
from inventory import selectors
from tests.conftest import api
from tests.factories import Team
from tests.inventory.conftest import server, write


def found(engagement: Engagement, term: str) -> list[str]:
    return [asset.name for asset in selectors.asset_list(engagement=engagement, search=term)]


@pytest.fixture
def estate(engagement: Engagement) -> Engagement:
    write(
        engagement,
        [
            server("db1", ip_address=["10.1.2.7"]),
            server("db2", ip_address=["10.1.20.8"]),
            server("db3", ip_address=["10.1.3.2"]),
            server("web-01"),
            server("webx01", fqdn="webx01.corp.example.com"),
            server("x10x1x2"),
        ],
    )
    return engagement


def test_an_address_prefix_finds_the_addresses_that_contain_it(estate: Engagement) -> None:
    assert found(estate, "10.1.2") == ["db1", "db2"]
    assert found(estate, "10.1.2.7") == ["db1"]


def test_a_separator_is_not_matched_by_the_letter_that_stands_in_for_it(estate: Engagement) -> None:
    assert found(estate, "web-01") == ["web-01"]
    assert found(estate, "webx01") == ["webx01"]
    assert found(estate, "10x1x2") == ["x10x1x2"]
    assert found(estate, "b-0") == ["web-01"]


def test_the_api_search_finds_the_same(team: Team, estate: Engagement) -> None:
    body = api(team.host, team.viewer).get(f"/api/v1/assets/?engagement={estate.pk}&search=10.1.2").json()
    assert [row["name"] for row in body["results"]] == ["db1", "db2"]
