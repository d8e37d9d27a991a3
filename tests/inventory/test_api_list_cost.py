"""The list endpoints' cost does not grow with what each row links to, and the asset count says when it is an
estimate."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import Engagement
from tests.conftest import api
from tests.factories import Team
from tests.inventory.conftest import server, write


def _applications(client, engagement: Engagement) -> tuple[dict, int]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/api/v1/applications/?engagement={engagement.pk}").json()
    return body, len(queries)


def test_application_list_gives_server_ids_in_queries_that_do_not_grow_with_servers(
    team: Team, engagement: Engagement
) -> None:
    write(engagement, [server(f"web{i:02}", application=["CRM"]) for i in range(3)])
    client = api(team.host, team.viewer)
    small, small_queries = _applications(client, engagement)
    crm = small["results"][0]
    assert crm["name"] == "CRM" and len(crm["server_ids"]) == 3

    write(engagement, [server(f"app{i:02}", application=["CRM", "Ledger"]) for i in range(40)])
    large, large_queries = _applications(client, engagement)
    by_name = {row["name"]: row for row in large["results"]}
    assert len(by_name["CRM"]["server_ids"]) == 43 and len(by_name["Ledger"]["server_ids"]) == 40
    assert by_name["CRM"]["server_ids"] == sorted(by_name["CRM"]["server_ids"])
    assert large_queries == small_queries


def test_asset_list_says_its_count_is_exact(team: Team, engagement: Engagement) -> None:
    write(engagement, [server("web01"), server("web02")])
    listing = api(team.host, team.viewer).get(f"/api/v1/assets/?engagement={engagement.pk}").json()
    assert listing["count"] == 2 and listing["count_estimated"] is False
