"""Before host names are resolved in bulk (connections, application servers, dependency columns), statistics that
take the engagement for nearly empty are refreshed, so that each name is not matched by reading all its assets."""

from __future__ import annotations

from django.db import connection

from engagements.models import Engagement
from inventory import services
from tests.inventory.conftest import server, write


def live_assets_estimate(engagement: Engagement) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT FROM inventory_asset WHERE engagement_id = %s AND deleted_at IS NULL",
            [engagement.pk],
        )
        return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])


def test_connections_by_many_names_are_resolved_on_statistics_that_know_the_engagement(
    engagement: Engagement,
) -> None:
    other = Engagement.objects.create(name="Analyzed before")
    write(other, [server(f"old{n:04d}") for n in range(1500)])
    services.assets_analyze()
    write(engagement, [server(f"web{n:04d}", ip_address=[f"10.0.{n // 256}.{n % 256}"]) for n in range(1000)])
    assert live_assets_estimate(engagement) < 250  # the statistics of before: the engagement looks nearly empty

    rows = [
        {"source": f"web{n:04d}", "target": f"10.0.{(n + 1) // 256}.{(n + 1) % 256}", "port": 443} for n in range(300)
    ]
    result = services.connections_bulk_write(engagement=engagement, rows=rows)

    assert (result.written, result.unresolved) == (300, [])
    assert live_assets_estimate(engagement) >= 500
