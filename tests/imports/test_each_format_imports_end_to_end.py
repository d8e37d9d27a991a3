"""Every format's fixture imports end to end with --sync --approve: the flow completes and assets are written."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports.models import DataImport
from inventory.models import Application, ApplicationDependency, Asset, AssetConnection

from .conftest import FIXTURES, import_file

ASSET_FILES = {
    "aws_ads.csv": "aws_ads",
    "azure_migrate.csv": "azure_migrate",
    "google_mc_vminfo.csv": "google_mc",
    "rvtools_3x_vinfo.csv": "rvtools",
    "servicenow_cmdb_ci_server.csv": "servicenow",
    "generic_french.csv": "generic",
    "cp1252_semicolon.csv": "generic",
    "utf16.csv": "generic",
    "servers.json": "generic",
    "title_rows.csv": "generic",
}


@pytest.mark.parametrize("name", sorted(ASSET_FILES))
def test_an_asset_file_imports_with_its_format_detected(engagement: Engagement, schema: str, name: str) -> None:
    with schema_context(schema):
        outcome = import_file(FIXTURES / name, engagement, "--approve")
        assert outcome.code == 0, outcome.err + outcome.out
        result = outcome.result
        assert result["status"] == "completed"
        data_import = DataImport.objects.get(engagement=engagement)
        assets = Asset.objects.filter(engagement=engagement)
        assert data_import.format == ASSET_FILES[name]
        assert assets.count() == result["counts"]["assets_created"] > 0
        assert set(assets.values_list("source_import_id", flat=True)) == {data_import.pk}
        assert all(row is not None and row >= 2 for row in assets.values_list("source_row", flat=True))


def test_a_konveyor_file_makes_applications_and_their_dependencies(engagement: Engagement, schema: str) -> None:
    with schema_context(schema):
        outcome = import_file(FIXTURES / "konveyor_apps.csv", engagement, "--approve", command="import_applications")
        assert outcome.code == 0, outcome.err + outcome.out
        names = set(Application.objects.filter(engagement=engagement).values_list("name", flat=True))
        assert {"Customers", "Inventory"} <= names
        dependency = ApplicationDependency.objects.get(engagement=engagement, source__name="Customers")
        assert dependency.target.name == "Inventory"
        customers = Application.objects.get(engagement=engagement, name="Customers")
        assert "Language:Java" in customers.tags
        # The dependency row names Customers again: it is a dependency, not a repeat of row 2.
        data_import = DataImport.objects.get(engagement=engagement)
        assert data_import.counts["duplicates"] == 0
        assert not data_import.records.filter(status="duplicate").exists()


def test_a_connections_file_links_the_assets_it_names(engagement: Engagement, schema: str) -> None:
    with schema_context(schema):
        assert import_file(FIXTURES / "rvtools_3x_vinfo.csv", engagement, "--approve").code == 0
        outcome = import_file(FIXTURES / "connections.csv", engagement, "--approve")
        assert outcome.code == 0, outcome.err + outcome.out
        connection = AssetConnection.objects.get(engagement=engagement, port=5432)
        assert (connection.source.name, connection.target.name) == ("web01", "db01")
        assert connection.connection_count == 880
