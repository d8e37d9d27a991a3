"""Connections between servers of different live applications become network dependencies between them; every
import derives them again with the same count and leaves them as they were."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from inventory import services
from inventory.models import Application, ApplicationDependency

from .conftest import import_file, write_csv

SERVERS = (
    "Hostname,IP Address,Application\n"
    "web01,10.0.0.11,Shop\n"
    "api01,10.0.0.12,Shop\n"
    "db01,10.0.0.21,Ledger\n"
    "dns01,10.0.5.5,Retired\n"
    "mail01,10.0.6.6,\n"
)
CONNECTIONS = (
    "source,destination,port,protocol\n"
    "web01,db01,5432,tcp\n"
    "10.0.0.12,10.0.0.21,5432,tcp\n"  # api01 to db01: the same pair of applications
    "web01,api01,443,tcp\n"  # within Shop
    "db01,dns01,53,udp\n"  # to a deleted application
    "db01,mail01,25,tcp\n"  # to a server of no application
)


def dependencies(engagement: Engagement) -> dict[tuple[str, str], tuple[int, str, str, str]]:
    return {
        (d.source.name, d.target.name): (d.pk, d.direction, d.kind, d.description)
        for d in ApplicationDependency.objects.filter(engagement=engagement).select_related("source", "target")
    }


def test_connections_make_network_dependencies_once(engagement: Engagement, schema: str, tmp_path: Path) -> None:
    servers, connections = write_csv(tmp_path / "s.csv", SERVERS), write_csv(tmp_path / "c.csv", CONNECTIONS)
    with schema_context(schema):
        assert import_file(servers, engagement, "--approve").code == 0
        retired = Application.objects.get(engagement=engagement, name="Retired")
        services.application_delete(application=retired, user=None)
        services.application_dependencies_bulk_write(
            engagement=engagement, rows=[{"source": "Shop", "target": "Ledger", "description": "orders"}]
        )
        declared = dependencies(engagement)[("Shop", "Ledger")]

        outcome = import_file(connections, engagement, "--approve", "--kind", "connections")
        assert outcome.code == 0, outcome.err + outcome.out
        assert outcome.result["counts"]["application_dependencies_from_connections"] == 1
        assert dependencies(engagement) == {("Shop", "Ledger"): (declared[0], "outbound", "network", "orders")}

        again = import_file(servers, engagement, "--approve")
        assert again.code == 0 and again.result["counts"]["application_dependencies_from_connections"] == 1
        assert dependencies(engagement) == {("Shop", "Ledger"): (declared[0], "outbound", "network", "orders")}

        services.application_restore(application=retired, user=None)
        restored = import_file(connections, engagement, "--approve", "--kind", "connections")
        assert restored.result["counts"]["application_dependencies_from_connections"] == 2
        assert set(dependencies(engagement)) == {("Shop", "Ledger"), ("Ledger", "Retired")}
