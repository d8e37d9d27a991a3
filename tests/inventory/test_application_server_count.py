"""The application table's server count: live servers only, and the table sorts by it."""

from __future__ import annotations

from engagements.models import Engagement
from inventory import selectors, services
from inventory.models import Asset
from tests.factories import Team
from tests.inventory.conftest import server, write


def test_the_count_leaves_out_deleted_servers_and_sorts(team: Team, engagement: Engagement) -> None:
    write(
        engagement,
        [server(f"crm{i}", application=["CRM"]) for i in range(3)]
        + [server("ledger1", application=["Ledger"]), server("idle1")],
    )
    services.asset_delete(asset=Asset.objects.get(name="crm0"), user=team.analyst)

    counts = {app.name: app.server_count for app in selectors.application_list(engagement=engagement)}
    assert counts == {"CRM": 2, "Ledger": 1}
    by_count = [app.name for app in selectors.application_list(engagement=engagement, sort="-server_count")]
    assert by_count == ["CRM", "Ledger"]
    assert [app.name for app in selectors.application_list(engagement=engagement, sort="server_count")] == [
        "Ledger",
        "CRM",
    ]
