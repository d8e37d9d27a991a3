"""A column naming the assets each asset depends on becomes connections between the imported assets (the
dependency analysis phase); a name that is no asset of the engagement is left out."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from inventory.models import AssetConnection

from .conftest import import_file, write_csv

CSV = (
    "Hostname,IP Address,Depends on\n"
    'web01,10.0.0.1,"app01, db01"\n'
    "app01,10.0.0.2,db01\n"
    "db01,10.0.0.3,\n"
    "batch01,10.0.0.4,nosuchhost\n"
)


def test_the_dependency_column_connects_the_assets_it_names(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "deps.csv", CSV), engagement, "--approve")
        assert outcome.code == 0, outcome.out
        pairs = set(
            AssetConnection.objects.filter(engagement=engagement).values_list("source__hostname", "target__hostname")
        )
        assert pairs == {("web01", "app01"), ("web01", "db01"), ("app01", "db01")}
        assert outcome.result["counts"]["dependency_connections"] == 3
