"""Duplicates within the file and against the inventory are matched on natural keys; update or skip as asked."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from inventory.models import Asset

from .conftest import import_file, write_csv


def test_a_repeated_host_is_merged_on_update_and_skipped_on_skip(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", "Hostname,Memory (MB),Owner\nweb01,4096,Ann\nWEB01,8192,\n")
    with schema_context(schema):
        outcome = import_file(first, engagement, "--approve")
        assert outcome.code == 0 and outcome.result["counts"]["duplicates"] == 1
        assert any("same hostname 'web01' as row 2" in w["message"] for w in outcome.result["warnings"])
        asset = Asset.objects.get(engagement=engagement)
        assert asset.memory_mb == 8192
        second = write_csv(tmp_path / "b.csv", "Hostname,Memory (MB)\nweb01,2048\n")
        assert import_file(second, engagement, "--approve", "--on-duplicate", "skip").code == 0
        asset.refresh_from_db()
        assert asset.memory_mb == 8192 and Asset.objects.filter(engagement=engagement).count() == 1
        assert import_file(second, engagement, "--approve").code == 0
        asset.refresh_from_db()
        assert asset.memory_mb == 2048
